// check(): "may I send THIS message to THIS subject on THIS channel?" with every matching reason.
// checkMany() answers a whole batch with ONE query (state rows and minor flags for all keys).
import type { CheckReason as ContractCheckReason } from '@sp/contracts';
import { sql } from 'drizzle-orm';
import { compareRank } from './apply';
import type { SuppressionContext } from './context';
import { resolveSubject, type SubjectInput } from './subjects';

export type CheckKind = 'marketing' | 'transactional' | 'sale_share';

export interface CheckQuery {
  subject: SubjectInput;
  channel: 'email' | 'sms';
  kind: CheckKind;
  /** Newsletter / program name; absent means general marketing ('*'). */
  topic?: string;
  /** The one opt-out confirmation (or HELP reply) passes sms/all (R-SMS-3/4). */
  smsOptOutConfirmation?: boolean;
}

/** contracts' CheckReason plus what the list knows besides. */
export interface CheckReason extends ContractCheckReason {
  /** R-DNS-5: when asking this person to opt back in is allowed again (Do-Not-Sell entries). */
  askAgainAfter?: string | null;
  /** Admin actor and reason text, opt-out method, etc. */
  detail?: Record<string, unknown> | null;
}

export interface CheckResult {
  allowed: boolean;
  subjectKey: string;
  reasons: CheckReason[];
}

interface Row {
  idx: number;
  channel: string;
  purpose: string;
  topic: string;
  suppressed: boolean;
  reason: string;
  eventId: string;
  source: string;
  occurredAt: Date;
  since: Date | null;
  askAgainAfter: Date | null;
  detail: Record<string, unknown> | null;
  minor: boolean;
}

export async function check(ctx: SuppressionContext, q: CheckQuery): Promise<CheckResult> {
  const [r] = await checkMany(ctx, [q]);
  return r!;
}

const ms = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(Math.round(Number(v)));

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}

export async function checkMany(ctx: SuppressionContext, qs: CheckQuery[]): Promise<CheckResult[]> {
  if (qs.length === 0) return [];
  const resolved = qs.map((q) => resolveSubject(ctx, q.subject));
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
  const byIdx = new Map<number, Row[]>();
  for (const r of rowsOf(result)) {
    const row: Row = {
      idx: Number(r.idx),
      channel: String(r.channel),
      purpose: String(r.purpose),
      topic: String(r.topic),
      suppressed: r.suppressed === true || r.suppressed === 't',
      reason: String(r.reason),
      eventId: r.event_id === null || r.event_id === undefined ? '' : String(r.event_id),
      source: String(r.source),
      occurredAt: ms(r.occurred_ms)!,
      since: ms(r.since_ms),
      askAgainAfter: ms(r.ask_ms),
      detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Row['detail'],
      minor: r.minor === true || r.minor === 't',
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

/**
 * Which entries block a message (DESIGN.md "Check"):
 * - email marketing (topic T): email|any x marketing|all x T|*;
 * - email transactional (R-EM-5 types only): email|any x all (hard bounce, admin);
 * - sms (TCPA): sms|any x all, plus marketing for marketing; sms/all is passed only by the one
 *   opt-out confirmation (R-SMS-3/4);
 * - sale_share: any|channel x sale_share, a minor flag (R-DNS-6), and for email an email marketing
 *   opt-out (R-EM-4: an opted-out address is never sold or transferred).
 * Within one (channel, purpose), the newest entry among topic T and '*' decides (a confirmed
 * resubscribe to T after "unsubscribe from all" reopens T only); when it blocks, every suppressed
 * entry of that group is a reason.
 */
function decide(q: CheckQuery, rows: Row[]): { allowed: boolean; reasons: CheckReason[] } {
  const topic = q.topic && q.topic.length > 0 ? q.topic : '*';
  const topics = new Set([topic, '*']);
  const channels = q.kind === 'sale_share' ? new Set(['any', q.channel]) : new Set([q.channel, 'any']);
  const purposes =
    q.kind === 'sale_share'
      ? new Set(['sale_share'])
      : q.kind === 'transactional'
        ? new Set(['all'])
        : new Set(['marketing', 'all']);
  const reasons: CheckReason[] = [];
  const candidates = rows.filter(
    (r) =>
      !r.minor &&
      channels.has(r.channel) &&
      purposes.has(r.purpose) &&
      topics.has(r.topic) &&
      !(q.channel === 'sms' && q.smsOptOutConfirmation && r.channel === 'sms' && r.purpose === 'all'),
  );
  reasons.push(...blocking(candidates));
  if (q.kind === 'sale_share') {
    for (const r of rows) if (r.minor) reasons.push(toReason(r)); // R-DNS-6
    if (q.channel === 'email') {
      // R-EM-4: the general marketing opt-out of an address also keeps it out of any sale or transfer.
      const optedOut = blocking(
        rows.filter(
          (r) =>
            !r.minor &&
            (r.channel === 'email' || r.channel === 'any') &&
            r.purpose === 'marketing' &&
            r.topic === '*',
        ),
      );
      reasons.push(...optedOut);
    }
  }
  const order = (r: CheckReason) => `${r.channel}|${r.purpose}|${r.topic}|${r.reason}|${r.eventId}`;
  const unique = [...new Map(reasons.map((r) => [order(r), r])).values()];
  unique.sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : 0));
  return { allowed: unique.length === 0, reasons: unique };
}

function blocking(rows: Row[]): CheckReason[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.channel}|${r.purpose}`;
    const g = groups.get(k) ?? [];
    g.push(r);
    groups.set(k, g);
  }
  const out: CheckReason[] = [];
  for (const g of groups.values()) {
    const newest = g.reduce((a, b) => (compareRank(a, b) >= 0 ? a : b));
    if (!newest.suppressed) continue;
    for (const r of g) if (r.suppressed) out.push(toReason(r));
  }
  return out;
}

function toReason(r: Row): CheckReason {
  return {
    eventId: r.eventId,
    reason: r.reason,
    source: r.source,
    since: (r.since ?? r.occurredAt).toISOString(),
    channel: r.channel,
    purpose: r.purpose,
    topic: r.topic,
    askAgainAfter: r.askAgainAfter ? r.askAgainAfter.toISOString() : null,
    detail: r.detail,
  };
}
