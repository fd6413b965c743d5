// Lifting entries (one or up to 1,000): each lift is checked against the list first. Nothing is
// written for a scope that is not suppressed, nor for the person's own opt-out without a proof of
// consent (or an explicit force with a reason); the rest are admin events applied in one go.
import { type ChangelogEntry, newEnvelope } from '@sp/contracts';
import { schema } from '@sp/db';
import { type Subject, toSubject } from '@sp/identity';
import { type AdminAction, apply, type SuppressionContext } from '@sp/suppression';
import { and, eq, inArray } from 'drizzle-orm';
import { ADMIN_SOURCE } from './admin';
import type { LiftRequest, LiftResult } from './schemas';
import { subjectOf } from './subject';

/** Reasons that record the person's own choice: only their renewed consent (or force) lifts them. */
const OWN_OPTOUT_REASONS = new Set([
  'email-optout',
  'sms-stop',
  'complaint',
  'do-not-sell',
  'do-not-sell-combined-form',
]);

type Item = { index: number; request: LiftRequest } | { index: number; error: string };

interface Candidate {
  index: number;
  request: LiftRequest;
  subject: Subject;
  keys: string[];
}

export async function liftEntries(
  ctx: SuppressionContext,
  items: Item[],
  at: Date,
  /** Who: the caller's token identity (routes pass adminEvidence(req)); the body's actor is kept beside it. */
  caller: { by: string } = { by: 'internal' },
): Promise<{ results: LiftResult[]; changes: ChangelogEntry[] }> {
  const results = new Map<number, LiftResult>();
  const none = { subjectKey: null, eventId: null, entryReason: null };
  const candidates: Candidate[] = [];
  for (const item of items) {
    if ('error' in item) {
      results.set(item.index, { index: item.index, status: 'invalid', ...none, message: item.error });
      continue;
    }
    try {
      const input = subjectOf(item.request);
      const subject = toSubject(input.type, input.value, { defaultRegion: ctx.defaultRegion });
      candidates.push({ ...item, subject, keys: ctx.keyer.keysOf(subject) });
    } catch (err) {
      results.set(item.index, {
        index: item.index,
        status: 'invalid',
        ...none,
        message: err instanceof Error ? err.message : 'invalid subject',
      });
    }
  }

  // The suppressed rows of every subject asked about, in one query.
  const s = schema.suppressionState;
  const rows =
    candidates.length === 0
      ? []
      : await ctx.db
          .select({
            subjectKey: s.subjectKey,
            channel: s.channel,
            purpose: s.purpose,
            topic: s.topic,
            reason: s.reason,
          })
          .from(s)
          .where(
            and(
              eq(s.suppressed, true),
              inArray(s.subjectKey, [...new Set(candidates.flatMap((c) => c.keys))]),
            ),
          );

  const events: { candidate: Candidate; event: AdminAction; entryReason: string }[] = [];
  for (const c of candidates) {
    const r = c.request;
    const row = rows.find(
      (x) =>
        c.keys.includes(x.subjectKey) &&
        x.channel === r.channel &&
        x.purpose === r.purpose &&
        x.topic === r.topic,
    );
    const subjectKey = c.keys[0]!;
    if (!row) {
      results.set(c.index, {
        index: c.index,
        status: 'not_suppressed',
        ...none,
        subjectKey,
        message: `not suppressed on ${r.channel}/${r.purpose}/${r.topic}: nothing to lift, nothing written`,
      });
      continue;
    }
    if (OWN_OPTOUT_REASONS.has(row.reason) && !r.consentRef && r.force !== true) {
      results.set(c.index, {
        index: c.index,
        status: 'consent_required',
        ...none,
        subjectKey,
        entryReason: row.reason,
        message: `the person's own opt-out (${row.reason}): give consentRef (their proof of consent) or force with a reason`,
      });
      continue;
    }
    const event = newEnvelope(
      'suppression.admin.v1',
      ADMIN_SOURCE,
      {
        subject: { type: c.subject.type, value: c.subject.value },
        action: 'lift',
        channel: r.channel,
        purpose: r.purpose,
        topic: r.topic,
        actor: caller.by,
        ...(r.actor ? { actorName: r.actor } : {}),
        reason: r.reason,
        ...(r.method ? { method: r.method } : {}),
        ...(r.consentRef ? { consentRef: r.consentRef } : {}),
        ...(r.force ? { force: true } : {}),
      },
      {
        occurredAt: at.toISOString(),
        // R-PR-3: who (the token identity), the person the body names, and why.
        evidence: { by: caller.by, ...(r.actor ? { actor: r.actor } : {}), reason: r.reason },
      },
    ) as AdminAction;
    events.push({ candidate: c, event, entryReason: row.reason });
  }

  const applied =
    events.length > 0
      ? await apply(
          ctx,
          events.map((e) => e.event),
        )
      : { changes: [] };
  const changed = new Set(applied.changes.map((ch) => ch.eventId));
  for (const { candidate: c, event, entryReason } of events) {
    const lifted = changed.has(event.id);
    results.set(c.index, {
      index: c.index,
      status: lifted ? 'lifted' : 'not_newer',
      subjectKey: c.keys[0]!,
      eventId: event.id,
      entryReason,
      ...(lifted ? {} : { message: 'a newer entry decides this scope' }),
    });
  }
  return { results: items.map((i) => results.get(i.index)!), changes: applied.changes };
}
