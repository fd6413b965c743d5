// check(): "may I send THIS message to THIS subject on THIS channel?" with every matching reason.
// checkMany() answers a whole batch with ONE query (state rows and minor flags for all keys).
import { sql } from 'drizzle-orm';
import type { SuppressionContext } from './context';
import { type CheckQuery, type CheckReason, decide, type StateRow } from './decide';
import { queryKeys } from './subjects';

export type { CheckKind, CheckQuery, CheckReason } from './decide';

export interface CheckResult {
  allowed: boolean;
  subjectKey: string;
  reasons: CheckReason[];
}

/**
 * Whatever answers checkMany for a batch: the database (databaseChecker) or a local view of the
 * list (@sp/list-view), which throws when it cannot vouch for being current.
 */
export interface ListChecker {
  checkMany(qs: CheckQuery[]): Promise<CheckResult[]>;
}

/** The database as a ListChecker. */
export const databaseChecker = (ctx: SuppressionContext): ListChecker => ({
  checkMany: (qs) => checkMany(ctx, qs),
});

export async function check(ctx: SuppressionContext, q: CheckQuery): Promise<CheckResult> {
  const [r] = await checkMany(ctx, [q]);
  return r!;
}

// Both drivers give SQL NULL as null and booleans as booleans (check.test.ts, pglite.test.ts).
const ms = (v: unknown): Date | null => (v === null ? null : new Date(Math.round(Number(v))));

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}

export async function checkMany(ctx: SuppressionContext, qs: CheckQuery[]): Promise<CheckResult[]> {
  if (qs.length === 0) return [];
  const resolved = qs.map((q) => queryKeys(ctx, q));
  const pairs = resolved.flatMap((r, idx) => r.keys.map((key) => ({ idx, key })));
  // Timestamps travel as epoch milliseconds so both drivers (postgres.js, PGlite) read them alike.
  const result = await ctx.db.execute(sql`
    with q as (select * from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as q(idx int, key text))
    select q.idx, s.channel, s.purpose, s.topic, s.suppressed, s.reason, s.event_id::text as event_id, s.source,
           extract(epoch from s.occurred_at) * 1000 as occurred_ms,
           extract(epoch from s.since) * 1000 as since_ms,
           extract(epoch from s.ask_again_after) * 1000 as ask_ms,
           s.detail, false as minor
      from q join suppression_state s on s.subject_key = q.key
    union all
    select q.idx, 'any', 'sale_share', '*', true, 'minor', f.event_id::text, coalesce(f.source, ''),
           extract(epoch from coalesce(f.since, f.updated_at)) * 1000,
           extract(epoch from coalesce(f.since, f.updated_at)) * 1000,
           null, null, true
      from q join subject_flags f on f.subject_key = q.key and f.minor`);
  const byIdx = new Map<number, StateRow[]>();
  for (const r of rowsOf(result)) {
    const row: StateRow & { idx: number } = {
      idx: Number(r.idx),
      channel: String(r.channel),
      purpose: String(r.purpose),
      topic: String(r.topic),
      suppressed: r.suppressed === true,
      reason: String(r.reason),
      eventId: r.event_id === null ? '' : String(r.event_id),
      source: String(r.source),
      occurredAt: ms(r.occurred_ms)!,
      since: ms(r.since_ms),
      askAgainAfter: ms(r.ask_ms),
      detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as StateRow['detail'],
      minor: r.minor === true,
    };
    const list = byIdx.get(row.idx) ?? [];
    list.push(row);
    byIdx.set(row.idx, list);
  }
  return qs.map((q, idx) => ({
    subjectKey: resolved[idx]!.key,
    ...decide(q, byIdx.get(idx) ?? []),
  }));
}
