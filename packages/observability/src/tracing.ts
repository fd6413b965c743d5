// OpenTelemetry tracing: one provider per process, W3C trace context carried in Kafka message
// headers (so one trace runs from a webhook through Kafka to the consumer's database write),
// and database spans added by hand since postgres.js has no auto-instrumentation.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export { SpanKind };

const TRACER = 'suppression-platform';

export interface Tracing {
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/**
 * Registers the process-wide tracer provider. With `exporter` (tests: InMemorySpanExporter)
 * spans are exported one by one; with `otlpUrl` they are batched to a collector; with neither,
 * tracing stays a no-op.
 */
export function startTracing(opts: {
  serviceName: string;
  exporter?: SpanExporter;
  otlpUrl?: string;
}): Tracing {
  const processors: SpanProcessor[] = [];
  if (opts.exporter) processors.push(new SimpleSpanProcessor(opts.exporter));
  if (opts.otlpUrl) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: opts.otlpUrl })));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName }),
    spanProcessors: processors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
    forceFlush: () => provider.forceFlush(),
  };
}

export function tracer() {
  return trace.getTracer(TRACER);
}

/** Runs `fn` in a new active span that ends (and records a thrown error) when `fn` settles. */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A database span, named like the OpenTelemetry conventions suggest. */
export function withDbSpan<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  return withSpan(`db ${operation}`, { 'db.system.name': 'postgresql', 'db.operation.name': operation }, () =>
    fn(),
  );
}

/** Adds the active trace context (`traceparent`, `tracestate`) to outgoing message headers. */
export function injectTraceHeaders(headers: Record<string, string> = {}): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

/** Runs `fn` inside the trace context carried by incoming message headers. */
export function withExtractedContext<T>(headers: Record<string, string>, fn: () => T): T {
  return context.with(propagation.extract(ROOT_CONTEXT, headers), fn);
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * An HTTP request listener whose requests are server spans, continuing the caller's trace when
 * it sends a `traceparent`. The span is named by the method alone until the router names the
 * route (`nameServerSpan`): a path may carry a token, so it is never an attribute.
 */
export function tracedRequestListener(listener: RequestListener): RequestListener {
  return (req, res) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      `${req.method ?? 'HTTP'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '' } },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end).once('close', end);
    context.with(trace.setSpan(parent, span), () => listener(req, res));
  };
}

/** Names the active server span after the matched route (`POST /webhooks/twilio/sms`). */
export function nameServerSpan(method: string, route: string | undefined): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(`${method} ${route ?? '(no route)'}`);
  if (route) span.setAttribute('http.route', route);
}
