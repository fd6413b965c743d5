// Admin add / lift: an AdminAction event built here and applied like any other event, so it lands in
// the ledger with its actor and reason (no write around the ledger). The actor is the token's
// identity (issue 15); the person the body names is kept beside it as `actorName`.
import { newEnvelope } from '@sp/contracts';
import { toSubject } from '@sp/identity';
import { type AdminAction, apply, type SubjectInput, type SuppressionContext } from '@sp/suppression';
import type { EntryRequest, EntryResponse } from './schemas';
import { subjectOf } from './subject';

export const ADMIN_SOURCE = 'suppression-api/admin';

export function subjectKeyOf(ctx: SuppressionContext, s: SubjectInput): string {
  return ctx.keyer.keyOf(toSubject(s.type, s.value, { defaultRegion: ctx.defaultRegion }));
}

export async function adminAction(
  ctx: SuppressionContext,
  action: 'suppress' | 'lift',
  req: EntryRequest,
  at: Date,
  /** Who: the caller's token identity (routes pass adminEvidence(req)); in-process callers are 'internal'. */
  evidence: { by: string; actor?: string; reason?: string } = {
    by: 'internal',
    ...(req.actor ? { actor: req.actor } : {}),
    reason: req.reason,
  },
): Promise<EntryResponse> {
  const input = subjectOf(req);
  const subject = toSubject(input.type, input.value, { defaultRegion: ctx.defaultRegion });
  const event = newEnvelope(
    'suppression.admin.v1',
    ADMIN_SOURCE,
    {
      subject: { type: subject.type, value: subject.value },
      action,
      channel: req.channel,
      purpose: req.purpose,
      topic: req.topic,
      actor: evidence.by,
      ...(req.actor ? { actorName: req.actor } : {}),
      reason: req.reason,
      ...(req.method ? { method: req.method } : {}),
    },
    { occurredAt: at.toISOString(), evidence },
  ) as AdminAction;
  const r = await apply(ctx, [event]);
  return {
    eventId: event.id,
    action,
    subjectKey: ctx.keyer.keyOf(subject),
    applied: r.applied.includes(event.id),
    changes: r.changes.map((c) => ({
      channel: c.channel,
      purpose: c.purpose,
      topic: c.topic,
      suppressed: c.suppressed,
      reason: c.reason,
    })),
  };
}
