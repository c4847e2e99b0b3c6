/**
 * The OpenTelemetry setup of the `lwa-warm-otel` app: the async-hooks context manager, a tracer
 * provider whose batch processor hands every span to an exporter that drops it, a meter provider
 * collected every second into an exporter that drops the data, and the bridge from the build under test.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

const done = (callback: (result: ExportResult) => void): void => { callback({ code: ExportResultCode.SUCCESS }); };

const spans: SpanExporter = { export: (_spans, callback) => { done(callback); }, shutdown: () => Promise.resolve() };
const metricsOut: PushMetricExporter = {
  export: (_metrics, callback) => { done(callback); },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

/** Sets up the SDK and enables the bridge of the build at `lib` (a directory URL). */
export async function startTelemetry(lib: string): Promise<void> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spans)] });
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricsOut, exportIntervalMillis: 1000 })] });
  const bridge = (await import(new URL('opentelemetry/index.js', lib).href)) as typeof import('../lib/opentelemetry/index.js');
  bridge.instrumentLoginWithAmazon({ tracerProvider, meterProvider });
}
