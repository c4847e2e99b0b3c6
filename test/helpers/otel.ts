/** An OpenTelemetry SDK for tests: in-memory span and metric exporters, the async-hooks context manager. */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface TestSdk {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  spans(): ReadableSpan[];
  /** Every data point of a metric, after a collection. */
  points<T = number>(name: string): Promise<DataPoint<T>[]>;
  /** The instrumentation scopes of the metrics of the last collection ({@link TestSdk.points}). */
  scopes(): { name: string; version?: string }[];
  shutdown(): Promise<void>;
}

/** Sets the async-hooks context manager globally (once) and builds providers that export in memory. */
export function createTestSdk(): TestSdk {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    async points<T>(name: string) {
      metricExporter.reset();
      await reader.forceFlush();
      const metrics = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics).flatMap((s) => s.metrics);
      return metrics.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as DataPoint<T>[]);
    },
    scopes: () => metricExporter.getMetrics().flatMap((r) => r.scopeMetrics).map((s) => s.scope),
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      context.disable();
    },
  };
}

/** The count of a histogram data point. */
export const countOf = (point: DataPoint<Histogram>): number => point.value.count;
