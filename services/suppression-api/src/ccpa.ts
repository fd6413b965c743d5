// 11 CCR 7102 (CCPA metrics): for a calendar year, the requests to opt out of sale/sharing received,
// complied with in whole or in part, and denied, and the median number of days to respond, from the
// R-DNS-7 request log (dns_requests). The year is the UTC calendar year of `requested_at`.
import type { Database } from '@sp/db';
import { sql } from 'drizzle-orm';
import type { CcpaMetrics } from './schemas';

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}

export async function ccpaMetrics(db: Database, year: number): Promise<CcpaMetrics> {
  const from = new Date(Date.UTC(year, 0, 1));
  const to = new Date(Date.UTC(year + 1, 0, 1));
  const result = await db.execute(sql`
    select count(*)::int as received,
           (count(*) filter (where response in ('honored', 'partial')))::int as complied,
           (count(*) filter (where response = 'partial'))::int as partial,
           (count(*) filter (where response = 'denied'))::int as denied,
           (count(*) filter (where responded_at is null))::int as pending,
           percentile_cont(0.5) within group (
             order by extract(epoch from (responded_at - requested_at)) / 86400.0
           ) filter (where responded_at is not null) as median_days
      from dns_requests
     where requested_at >= ${from.toISOString()}::timestamptz
       and requested_at < ${to.toISOString()}::timestamptz
       and 'sale_share' = any(asked)`);
  const r = rowsOf(result)[0] ?? {};
  const median = r.median_days === null || r.median_days === undefined ? null : Number(r.median_days);
  return {
    year,
    from: from.toISOString(),
    to: to.toISOString(),
    received: Number(r.received ?? 0),
    compliedInWholeOrInPart: Number(r.complied ?? 0),
    compliedInPart: Number(r.partial ?? 0),
    denied: Number(r.denied ?? 0),
    pending: Number(r.pending ?? 0),
    medianDaysToRespond: median === null ? null : Math.round(median * 100) / 100,
  };
}
