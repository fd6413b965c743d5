// decide(): the decision rules of the list, pure. The database check (check.ts) and the local view
// (@sp/list-view) both feed it the state rows of one subject, so both answer alike by construction.
import type { CheckReason as ContractCheckReason } from '@sp/contracts';
import { compareRank } from './apply';
import type { SubjectInput } from './subjects';

export type CheckKind = 'marketing' | 'transactional' | 'sale_share';

export interface CheckQuery {
  subject: SubjectInput;
  channel: 'email' | 'sms';
  kind: CheckKind;
  /** Newsletter / program name; absent means general marketing ('*'). */
  topic?: string;
  /** The one opt-out confirmation (or HELP reply) passes sms/all (R-SMS-3/4). */
  smsOptOutConfirmation?: boolean;
  /**
   * The subject's keys when the caller already has them (current pepper first, then the others,
   * as Keyer.keysOf gives them): the check then skips normalizing and keying `subject`.
   */
  subjectKeys?: readonly string[];
}

/** contracts' CheckReason plus what the list knows besides. */
export interface CheckReason extends ContractCheckReason {
  /** R-DNS-5: when asking this person to opt back in is allowed again (Do-Not-Sell entries). */
  askAgainAfter?: string | null;
  /** Admin actor and reason text, opt-out method, etc. */
  detail?: Record<string, unknown> | null;
}

/** One state row (or minor flag) of a subject, as the decision reads it. */
export interface StateRow {
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
  /** An R-DNS-6 minor flag rather than a scope row. */
  minor: boolean;
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
export function decide(
  q: CheckQuery,
  rows: readonly StateRow[],
): { allowed: boolean; reasons: CheckReason[] } {
  if (rows.length === 0) return { allowed: true, reasons: [] }; // most recipients: nothing on the list
  // Written without sets, maps or sorting for the usual one or two rows: the local view answers
  // millions of checks with it (the rules are the ones above, nothing else).
  const kind = q.kind;
  // Texts only: an e-mail check never reads sms entries, so the flag cannot pass anything else.
  const confirmation = q.smsOptOutConfirmation === true;
  const candidate = (r: StateRow) =>
    !r.minor &&
    (r.channel === q.channel || r.channel === 'any') &&
    (kind === 'sale_share'
      ? r.purpose === 'sale_share'
      : kind === 'transactional'
        ? r.purpose === 'all'
        : r.purpose === 'marketing' || r.purpose === 'all') &&
    // '*' entries count for every topic, a topic's own for it only. No entry has an empty topic
    // (plan.ts writes '*'), so an absent or empty q.topic, general marketing, matches '*' only.
    (r.topic === '*' || r.topic === q.topic) &&
    !(confirmation && r.channel === 'sms' && r.purpose === 'all');
  const reasons: CheckReason[] = [];
  blocking(rows, candidate, reasons);
  if (kind === 'sale_share') {
    for (const r of rows) if (r.minor) reasons.push(toReason(r)); // R-DNS-6
    if (q.channel === 'email') {
      // R-EM-4: the general marketing opt-out of an address also keeps it out of any sale or transfer.
      blocking(
        rows,
        (r) =>
          !r.minor &&
          (r.channel === 'email' || r.channel === 'any') &&
          r.purpose === 'marketing' &&
          r.topic === '*',
        reasons,
      );
    }
  }
  if (reasons.length <= 1) return { allowed: reasons.length === 0, reasons };
  const order = (r: CheckReason) => `${r.channel}|${r.purpose}|${r.topic}|${r.reason}|${r.eventId}`;
  const unique = [...new Map(reasons.map((r) => [order(r), r])).values()];
  unique.sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : 0));
  return { allowed: false, reasons: unique };
}

/**
 * Among the rows `take` selects, grouped by (channel, purpose): when a group's newest row (by
 * compareRank) is suppressed, every suppressed row of the group is a reason. A resubscribe row
 * counts as newer only against email opt-outs. Rows of equal rank
 * agree on `suppressed` (compareRank orders by it), so which of them counts as newest is moot.
 */
/**
 * Reasons a confirmed resubscribe never lifts (DESIGN.md "The list"). Across scopes decide()
 * holds it (a resubscribe to T under a complaint on '*'); on the same scope row the newest event
 * still replaces the state, so an ingress must refuse such a resubscribe (the preference page
 * does: preferences.ts).
 */
export const NOT_LIFTED_BY_RESUBSCRIBE: ReadonlySet<string> = new Set([
  'complaint',
  'hard-bounce',
  'do-not-sell',
  'do-not-sell-combined-form',
  'admin',
]);

function blocking(rows: readonly StateRow[], take: (r: StateRow) => boolean, out: CheckReason[]): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!r.suppressed || !take(r)) continue;
    let newest = r;
    // DESIGN.md: a confirmed resubscribe lifts only opt-outs, never a complaint, a bounce, a
    // Do-Not-Sell combined-form entry or an admin suppression that shares its group.
    const resubscribeLifts = !NOT_LIFTED_BY_RESUBSCRIBE.has(r.reason);
    for (let j = 0; j < rows.length; j++) {
      const o = rows[j]!;
      if (j === i || o.channel !== r.channel || o.purpose !== r.purpose || !take(o)) continue;
      if (!o.suppressed && o.reason === 'resubscribe' && !resubscribeLifts) continue;
      if (compareRank(o, newest) > 0) newest = o;
    }
    if (newest.suppressed) out.push(toReason(r));
  }
}

function toReason(r: StateRow): CheckReason {
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
