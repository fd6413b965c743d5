// The retention job's verb (issue 15): deletes what is kept only for a while — Do-Not-Sell request
// records past their `retain_until` (R-DNS-7 keeps them at least 24 months, enforced by a check
// constraint) and the sealed payloads of messages that are final — and never touches the ledger or
// the state. Other stores with a bound (quarantined mail) join through `hooks`.
import { sql } from 'drizzle-orm';
import type { SuppressionContext } from './context';

/** Another store with a retention bound: deletes what is past it, returns how many items went. */
export interface RetentionHook {
  name: string;
  run(at: Date): Promise<number>;
}

export interface RetentionResult {
  at: string;
  /** dns_requests rows past retain_until. */
  dnsRequests: number;
  /** delivery_payload rows of messages whose delivery_log status is final (sent, suppressed, failed). */
  deliveryPayloads: number;
  /** Per hook name. */
  hooks: Record<string, number>;
}

export const FINAL_DELIVERY_STATUSES = ['sent', 'suppressed', 'failed'] as const;

function countOf(result: unknown): number {
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
  return rows.length;
}

export async function runRetention(
  ctx: Pick<SuppressionContext, 'db' | 'clock'>,
  opts: { hooks?: RetentionHook[] } = {},
): Promise<RetentionResult> {
  const at = ctx.clock ? ctx.clock() : new Date();
  const iso = at.toISOString();
  const dns = await ctx.db.execute(sql`
    delete from dns_requests where retain_until < ${iso}::timestamptz returning id`);
  const payloads = await ctx.db.execute(sql`
    delete from delivery_payload p
     using delivery_log l
     where l.message_id = p.message_id
       and l.status in ('sent', 'suppressed', 'failed')
    returning p.message_id`);
  const hooks: Record<string, number> = {};
  for (const h of opts.hooks ?? []) hooks[h.name] = await h.run(at);
  return { at: iso, dnsRequests: countOf(dns), deliveryPayloads: countOf(payloads), hooks };
}
