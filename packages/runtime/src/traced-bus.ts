import type { Bus } from '@sp/messaging';
import { injectTraceHeaders } from '@sp/observability';

/** A bus whose published messages carry the active trace context in their headers. */
export function tracedBus(bus: Bus): Bus {
  return {
    ...bus,
    consume: (o) => bus.consume(o),
    ensureTopics: (s) => bus.ensureTopics(s),
    healthy: () => bus.healthy(),
    close: () => bus.close(),
    publish: (topic, messages) =>
      bus.publish(
        topic,
        messages.map((m) => ({ ...m, headers: injectTraceHeaders({ ...(m.headers ?? {}) }) })),
      ),
  };
}
