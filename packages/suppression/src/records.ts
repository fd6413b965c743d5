// Ledger records of acts that change no subject's state but must be answerable later (issue 15):
// exports of the list (R-EM-4: who, when, which filter, how many rows). They concern no subject, so
// their subject keys and scopes are empty; like every ledger row they can never be altered.
import { schema } from '@sp/db';
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { now, type SuppressionContext } from './context';

export const EXPORT_RECORD_TYPE = 'suppression.export.v1';

export interface AuditRecordInput {
  eventId: string;
  type: string;
  source: string;
  occurredAt: Date;
  data: Record<string, unknown>;
  /** Who: at least the caller's identity (`by`). */
  evidence: Record<string, unknown>;
}

export interface AuditRecord {
  eventId: string;
  type: string;
  source: string;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
  evidence: Record<string, unknown>;
}

/** Appends one record; the same event id twice is one record. */
export async function recordAudit(ctx: SuppressionContext, input: AuditRecordInput): Promise<void> {
  await ctx.db
    .insert(schema.ledger)
    .values({
      eventId: input.eventId,
      type: input.type,
      source: input.source,
      occurredAt: input.occurredAt,
      recordedAt: now(ctx),
      subjectKeys: [],
      keyId: ctx.keyer.currentKeyId,
      scopes: [],
      payload: { data: input.data, evidence: input.evidence },
    })
    .onConflictDoNothing();
}

/** Records of one type, oldest first, optionally within [from, to). */
export async function auditRecords(
  ctx: SuppressionContext,
  type: string,
  range: { from?: Date; to?: Date } = {},
): Promise<AuditRecord[]> {
  const l = schema.ledger;
  const conds = [eq(l.type, type)];
  if (range.from) conds.push(gte(l.occurredAt, range.from));
  if (range.to) conds.push(lt(l.occurredAt, range.to));
  const rows = await ctx.db
    .select()
    .from(l)
    .where(and(...conds))
    .orderBy(asc(l.occurredAt), asc(l.seq));
  return rows.map((r) => {
    const p = r.payload as { data?: Record<string, unknown>; evidence?: Record<string, unknown> };
    return {
      eventId: r.eventId,
      type: r.type,
      source: r.source,
      occurredAt: r.occurredAt.toISOString(),
      recordedAt: r.recordedAt.toISOString(),
      data: p.data ?? {},
      evidence: p.evidence ?? {},
    };
  });
}
