// Erasure (CCPA right to delete, the end of a retention period), issue 15: deletes the readable
// copy from the vault and shreds the subject's data key, so every sealed copy of the address in
// Kafka, dead letters or quarantine can no longer be opened; records the erasure in the ledger
// (request id, who asked, no address). The list entries stay: they hold keys only, so the person
// stays suppressed, and a later opt-out of the same address lands on the same key.
import { createHash } from 'node:crypto';
import { schema } from '@sp/db';
import { inArray } from 'drizzle-orm';
import { now, type SuppressionContext } from './context';
import { invalid } from './errors';
import { resolveSubject, type SubjectInput } from './subjects';

export const ERASURE_EVENT_TYPE = 'privacy.erasure.v1';

export interface ErasureRequest {
  subject: SubjectInput;
  /** The request's own id (a ticket number, or one made by the caller); idempotency key. */
  requestId: string;
  /** Who asked for it to be done (token identity, operator). */
  actor: string;
  reason?: string | undefined;
  /** The caller's evidence (issue 15: `by` = the token identity), kept in the ledger as recorded. */
  evidence?: Record<string, unknown> | undefined;
}

export interface ErasureResult {
  requestId: string;
  /** The ledger event recording the erasure. */
  eventId: string;
  /** False when this request id was already recorded (the deletions ran again all the same). */
  recorded: boolean;
  subjectKey: string;
  vaultCopiesDeleted: number;
  dataKeysShredded: number;
}

/** A UUID derived from the request id: the same request recorded once. */
export function erasureEventId(requestId: string): string {
  const h = createHash('sha256').update(`erasure\0${requestId}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x80;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export async function erase(ctx: SuppressionContext, req: ErasureRequest): Promise<ErasureResult> {
  const eventId = erasureEventId(req.requestId);
  if (req.requestId.trim() === '') throw invalid(eventId, 'requestId', 'must not be empty');
  // Every pepper's key: a copy kept under an older pepper goes too.
  const { subject, key, keys } = resolveSubject(ctx, req.subject);
  const at = now(ctx);
  return ctx.db.transaction(async (tx) => {
    const vault = await tx
      .delete(schema.subjectVault)
      .where(inArray(schema.subjectVault.subjectKey, keys))
      .returning({ k: schema.subjectVault.subjectKey });
    const shredded = await tx
      .delete(schema.dataKeys)
      .where(inArray(schema.dataKeys.subjectKey, keys))
      .returning({ id: schema.dataKeys.id });
    const recorded = await tx
      .insert(schema.ledger)
      .values({
        eventId,
        type: ERASURE_EVENT_TYPE,
        source: 'erasure',
        occurredAt: at,
        recordedAt: at,
        subjectKeys: keys,
        keyId: ctx.keyer.currentKeyId,
        scopes: [],
        payload: {
          data: {
            requestId: req.requestId,
            subjectType: subject.type,
            subjectKey: key,
            actor: req.actor,
            ...(req.reason ? { reason: req.reason } : {}),
            vaultCopiesDeleted: vault.length,
            dataKeysShredded: shredded.length,
          },
          ...(req.evidence ? { evidence: req.evidence } : {}),
        },
      })
      .onConflictDoNothing()
      .returning({ eventId: schema.ledger.eventId });
    return {
      requestId: req.requestId,
      eventId,
      recorded: recorded.length > 0,
      subjectKey: key,
      vaultCopiesDeleted: vault.length,
      dataKeysShredded: shredded.length,
    };
  });
}
