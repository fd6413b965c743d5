// What the preference page (issue 13) shows a person: for each email topic whether marketing
// mail of it may reach them now, and whether a resubscribe from the page could change that.
// Read-only: one checkMany, the same decision the senders make.
import { type CheckReason, checkMany } from './check';
import type { SuppressionContext } from './context';
import { NOT_LIFTED_BY_RESUBSCRIBE } from './decide';

/**
 * DESIGN.md "The list": a confirmed resubscribe lifts only the person's own opt-outs. It never
 * lifts a hard bounce (email/all), a complaint, a Do-Not-Sell combined-form entry or an admin
 * suppression, even though some of them live on the same email/marketing scope row, which the
 * newest event replaces: so the page must not offer it (decide() holds it across scopes).
 */
export const RESUBSCRIBE_LIFTS = (reason: string): boolean => !NOT_LIFTED_BY_RESUBSCRIBE.has(reason);

export interface ScopePreference {
  /** Marketing email of this topic ('*': in general) may be sent to the person now. */
  subscribed: boolean;
  /** The entries that block it (empty when subscribed). */
  blockedBy: CheckReason[];
  /** The person may change it themselves: subscribed, or blocked only by their own opt-outs. */
  changeable: boolean;
}

export interface EmailPreferences {
  /** Marketing email in general (topic '*': "unsubscribe from all marketing email"). */
  all: ScopePreference;
  topics: Record<string, ScopePreference>;
}

const scope = (r: { allowed: boolean; reasons: CheckReason[] }): ScopePreference => ({
  subscribed: r.allowed,
  blockedBy: r.reasons,
  changeable: r.reasons.every((x) => RESUBSCRIBE_LIFTS(x.reason)),
});

export async function emailPreferences(
  ctx: SuppressionContext,
  email: string,
  topicIds: readonly string[],
): Promise<EmailPreferences> {
  const subject = { type: 'email' as const, value: email };
  const results = await checkMany(ctx, [
    { subject, channel: 'email', kind: 'marketing' },
    ...topicIds.map((topic) => ({ subject, channel: 'email' as const, kind: 'marketing' as const, topic })),
  ]);
  const [all, ...perTopic] = results;
  return {
    all: scope(all!),
    topics: Object.fromEntries(topicIds.map((id, i) => [id, scope(perTopic[i]!)])),
  };
}
