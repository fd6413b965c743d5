// Migration imports: an entry of an imported file becomes a 'suppression.admin.v1' event (with the
// provider's reason kept as `reasonCode`, and the file, line and operator as evidence), planned and
// written in large set-based batches (apply's one statement per batch). No envelope is built and
// parsed again per row: the entry is already checked here, which is what makes 50k rows/s possible.
//
// Rule for re-imports (DESIGN.md "The list", newest occurredAt wins):
// - an entry whose file says when it happened (every provider export does) occurred then, and its
//   event id is derived from (subject key, scope, that time): re-importing the file gives the same
//   ids (duplicates, nothing changes), and a lift recorded after that time stays lifted, because the
//   imported suppression is older than the lift;
// - an entry without a date (our own CSV/NDJSON) occurred at the import, and its id is derived from
//   (subject key, scope) only: importing it again is a duplicate, so a lift made after the first
//   import is not undone by the second.
import { createHash } from 'node:crypto';
import { schema } from '@sp/db';
import { type Subject, toSubject } from '@sp/identity';
import { inArray } from 'drizzle-orm';
import { applyPlans } from './apply';
import type { SuppressionContext } from './context';
import type { ListEvent } from './events';
import type { Plan } from './plan';

export const IMPORT_SOURCE = 'suppression-api/import';

export type ImportedReasonCode = 'email-optout' | 'complaint' | 'hard-bounce' | 'sms-stop';

export interface ImportedEntry {
  subjectType: 'email' | 'phone' | 'customer' | 'device';
  value: string;
  channel: 'email' | 'sms' | 'any';
  purpose: 'marketing' | 'all' | 'sale_share';
  topic: string;
  reasonCode?: ImportedReasonCode | undefined;
  reason: string;
  occurredAt?: string | undefined;
}

export interface ImportEvidence {
  /** The file's name as the operator gave it. */
  file: string;
  line: number;
  /** The operator who ran the import, as the request names them. */
  operator: string;
  /** The identity of the token that ran it (issue 15): the ledger's actor when given. */
  by?: string;
}

/** A v5-style UUID from a name: the same imported fact always gets the same event id. */
export function importEventId(
  subjectKey: string,
  channel: string,
  purpose: string,
  topic: string,
  occurredAt?: string,
): string {
  const name = `import|${subjectKey}|${channel}|${purpose}|${topic}${occurredAt ? `|${occurredAt}` : ''}`;
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5 (name-based)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Why an imported entry cannot be planned, or its subject and its time (ISO), checked. */
function checkImported(
  ctx: Pick<SuppressionContext, 'defaultRegion'>,
  entry: ImportedEntry,
  now: Date,
): string | { subject: Subject; occurredAt: string } {
  if (!entry.reason) return 'reason is empty';
  if (entry.topic === '') return 'topic is empty';
  // PostgreSQL keeps no NUL in text or jsonb: refuse the line, not the whole batch.
  if (entry.reason.includes('\u0000') || entry.topic.includes('\u0000'))
    return 'reason or topic contains a NUL character';
  let subject: Subject;
  try {
    subject = toSubject(entry.subjectType, entry.value, { defaultRegion: ctx.defaultRegion });
  } catch (err) {
    return `invalid ${entry.subjectType}: ${(err as Error).message}`;
  }
  let occurredAt = now.toISOString();
  if (entry.occurredAt !== undefined) {
    const t = Date.parse(entry.occurredAt);
    if (Number.isNaN(t)) return `invalid occurredAt '${entry.occurredAt.slice(0, 40)}'`;
    occurredAt = new Date(t).toISOString();
  }
  return { subject, occurredAt };
}

/**
 * The 'suppression.admin.v1' event an imported entry stands for, or why it cannot be one. The
 * import plans it directly (planImported); this is the same fact as an event, for apply() and tests.
 */
export function importedEvent(
  ctx: Pick<SuppressionContext, 'keyer' | 'defaultRegion'>,
  entry: ImportedEntry,
  evidence: ImportEvidence,
  now: Date,
): ListEvent | string {
  const c = checkImported(ctx, entry, now);
  if (typeof c === 'string') return c;
  const key = ctx.keyer.keyOf(c.subject);
  return {
    id: importEventId(
      key,
      entry.channel,
      entry.purpose,
      entry.topic,
      entry.occurredAt !== undefined ? c.occurredAt : undefined,
    ),
    type: 'suppression.admin.v1',
    source: IMPORT_SOURCE,
    occurredAt: c.occurredAt,
    data: {
      subject: { type: c.subject.type, value: c.subject.value },
      action: 'suppress',
      channel: entry.channel,
      purpose: entry.purpose,
      topic: entry.topic,
      actor: evidence.by ?? evidence.operator,
      ...(evidence.by && evidence.by !== evidence.operator ? { actorName: evidence.operator } : {}),
      reason: entry.reason.slice(0, 2000),
      ...(entry.reasonCode ? { reasonCode: entry.reasonCode } : {}),
    },
    evidence: evidence4(evidence),
  } as unknown as ListEvent;
}

const evidence4 = (e: ImportEvidence) => ({
  file: e.file,
  line: e.line,
  operator: e.operator,
  ...(e.by ? { by: e.by } : {}),
});

/**
 * The plan of one imported entry, or why it cannot be one: exactly planEvent(importedEvent(…)),
 * built directly (the subject is normalized and keyed once, no event object in between), since a
 * migration plans a million of them.
 */
export function planImported(
  ctx: Pick<SuppressionContext, 'keyer' | 'defaultRegion' | 'revokeAllSms'>,
  entry: ImportedEntry,
  evidence: ImportEvidence,
  now: Date,
): Plan | string {
  const c = checkImported(ctx, entry, now);
  if (typeof c === 'string') return c;
  const key = ctx.keyer.keyOf(c.subject);
  const topic = entry.topic;
  const actor = evidence.by ?? evidence.operator;
  const actorName = evidence.by && evidence.by !== evidence.operator ? evidence.operator : undefined;
  const reason = entry.reason.slice(0, 2000);
  const code = entry.reasonCode;
  const data: Record<string, unknown> = {
    action: 'suppress',
    channel: entry.channel,
    purpose: entry.purpose,
    topic,
    actor,
  };
  if (actorName !== undefined) data.actorName = actorName;
  data.reason = reason;
  if (code) data.reasonCode = code;
  data.subjectType = c.subject.type;
  data.subjectKey = key;
  const detail: Record<string, unknown> = { actor };
  if (actorName !== undefined) detail.actorName = actorName;
  detail.reason = reason;
  if (code) detail.imported = true;
  return {
    eventId: importEventId(
      key,
      entry.channel,
      entry.purpose,
      topic,
      entry.occurredAt !== undefined ? c.occurredAt : undefined,
    ),
    type: 'suppression.admin.v1',
    source: IMPORT_SOURCE,
    occurredAt: new Date(c.occurredAt),
    minorKeys: [],
    dns: null,
    subjects: [{ subject: c.subject, key }],
    writes: [
      {
        subjectKey: key,
        channel: entry.channel,
        purpose: entry.purpose,
        topic,
        suppressed: true,
        reason: code ?? 'admin',
        askAgainAfter: null,
        detail,
      },
    ],
    payload: { data, evidence: evidence4(evidence) },
  };
}

/** Writes one batch of imported plans (one transaction); counts new entries and duplicates. */
export async function writeImported(
  ctx: SuppressionContext,
  plans: Plan[],
): Promise<{ accepted: number; duplicates: number }> {
  const sorted = [...plans].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  for (let deadlocks = 0; ; deadlocks++) {
    try {
      const r = await applyPlans(ctx, sorted);
      return { accepted: r.applied.length, duplicates: sorted.length - r.applied.length };
    } catch (err) {
      // Two imports in parallel can meet on the same rows in another order: PostgreSQL aborts one
      // with a deadlock; the batch is one transaction, so run it again.
      if (!isDeadlock(err) || deadlocks >= 5) throw err;
    }
  }
}

/** Dry run: how many of these plans the ledger already holds (nothing is written). */
export async function countRecorded(ctx: SuppressionContext, plans: Plan[]): Promise<number> {
  if (plans.length === 0) return 0;
  const ids = [...new Set(plans.map((p) => p.eventId))];
  const l = schema.ledger;
  const rows = await ctx.db.select({ id: l.eventId }).from(l).where(inArray(l.eventId, ids));
  return rows.length + (plans.length - ids.length);
}

/** SQLSTATE 40P01 (deadlock) or 40001 (serialization failure) anywhere in the cause chain. */
function isDeadlock(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}
