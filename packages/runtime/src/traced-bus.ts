import type { Bus } from '@sp/messaging';
import { injectTraceHeaders, SpanKind, withSpan } from '@sp/observability';

/**
 * A bus whose publishes are producer spans (children of whatever request is being served) and
 * whose messages carry that span's trace context in their headers, so a consumer's work joins
 * the producer's trace.
 */
export function tracedBus(bus: Bus): Bus {
  const missing = bus.missingTopics?.bind(bus);
  return {
    consume: (o) => bus.consume(o),
    ensureTopics: (s) => bus.ensureTopics(s),
    ...(missing ? { missingTopics: missing } : {}),
    healthy: () => bus.healthy(),
    close: () => bus.close(),
    publish: (topic, messages) =>
      withSpan(
        `${topic} publish`,
        {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.batch.message_count': messages.length,
        },
        () =>
          bus.publish(
            topic,
            messages.map((m) => ({ ...m, headers: injectTraceHeaders({ ...(m.headers ?? {}) }) })),
          ),
        SpanKind.PRODUCER,
      ),
  };
}
