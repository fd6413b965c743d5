import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { injectTraceHeaders, startTracing, withDbSpan, withExtractedContext, withSpan } from '../src/index';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ serviceName: 'test', exporter });
  afterAll(() => tracing.shutdown());

  it('carries one trace id through message headers into a database span', async () => {
    let headers: Record<string, string> = {};
    await withSpan('webhook', {}, async () => {
      headers = injectTraceHeaders({});
    });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await withExtractedContext(headers, () =>
      withSpan('consume', {}, () => withDbSpan('insert', async () => 1)),
    );
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['consume', 'db insert', 'webhook']);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });
});
