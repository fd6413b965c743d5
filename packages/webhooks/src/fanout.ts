// The changelog -> one pending delivery per (matching endpoint, change), in one insert per batch.
// Idempotent: (endpoint, seq) is unique, so a redelivered batch adds nothing.
import type { ChangelogEntry } from '@sp/contracts';
import { schema } from '@sp/db';
import type { Delivered, HandlerResult } from '@sp/messaging';
import type { SuppressionContext } from '@sp/suppression';
import { activeEndpoints } from './store';

type EndpointRow = Awaited<ReturnType<typeof activeEndpoints>>[number];

export function matches(
  ep: Pick<EndpointRow, 'channels' | 'purposes' | 'reasons' | 'fromSeq'>,
  e: ChangelogEntry,
): boolean {
  if (e.seq <= ep.fromSeq) return false;
  if (ep.channels && !ep.channels.includes(e.channel)) return false;
  if (ep.purposes && !ep.purposes.includes(e.purpose)) return false;
  if (ep.reasons && !ep.reasons.includes(e.reason)) return false;
  return true;
}

/** The fan-out handler; `wake` is called when new deliveries are due (the dispatcher's nudge). */
export function webhookFanout(
  ctx: Pick<SuppressionContext, 'db'>,
  wake: () => void = () => {},
): (batch: Delivered<ChangelogEntry>[]) => Promise<HandlerResult> {
  return async (batch) => {
    const endpoints = await activeEndpoints(ctx);
    if (endpoints.length === 0) return;
    const rows = batch.flatMap(({ value: e }) =>
      endpoints
        .filter((ep) => matches(ep, e))
        .map((ep) => ({ endpointId: ep.id, seq: e.seq, subjectKey: e.subjectKey, entry: e })),
    );
    if (rows.length === 0) return;
    const added = await ctx.db
      .insert(schema.webhookDeliveries)
      .values(rows)
      .onConflictDoNothing()
      .returning({ id: schema.webhookDeliveries.id });
    if (added.length > 0) wake();
  };
}
