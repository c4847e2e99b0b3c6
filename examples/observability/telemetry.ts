import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { instrumentLoginWithAmazon } from 'passport-login-with-amazon/opentelemetry';

/** The app's OpenTelemetry setup. */
export interface Telemetry {
  /** Serves the Prometheus text format (mount it on `GET /metrics`). */
  metrics(req: IncomingMessage, res: ServerResponse): void;
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK as an app sets it up: the async-hooks context manager, a tracer provider
 * (spans printed to the console with `printSpans`; send them to your collector with an OTLP
 * exporter instead), a meter provider read by the Prometheus exporter, and the strategy's bridge.
 * Call it before the app handles requests.
 */
export function startTelemetry(options: { printSpans?: boolean } = {}): Telemetry {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: options.printSpans ? [new SimpleSpanProcessor(new ConsoleSpanExporter())] : [],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  // preventServerStart: /metrics is served by the app itself, not on the exporter's own port.
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [prometheus] });
  metrics.setGlobalMeterProvider(meterProvider);
  const bridge = instrumentLoginWithAmazon(); // the global providers set above
  return {
    metrics: (req, res) => { prometheus.getMetricsRequestHandler(req, res); },
    async shutdown() {
      bridge.disable();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}
