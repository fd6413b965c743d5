// Import of suppressions from CSV or NDJSON text: each good line becomes a 'suppression.admin.v1'
// event applied in batches (never a write around the ledger); a bad line is reported with its number
// and reason and never stops the import.
import { createHash } from 'node:crypto';
import { newEnvelope, ValidationError } from '@sp/contracts';
import { toSubject } from '@sp/identity';
import { type AdminAction, apply, type SuppressionContext, validateListEvent } from '@sp/suppression';
import { ImportRecord, type ImportReport, MAX_REPORTED_REJECTIONS, Purpose, ScopeChannel } from './schemas';
import { subjectOf } from './subject';

export const IMPORT_SOURCE = 'suppression-api/import';

type SubjectType = 'email' | 'phone' | 'customer' | 'device';

interface Item {
  type: SubjectType;
  value: string;
  channel?: string | undefined;
  purpose?: string | undefined;
  topic?: string | undefined;
  reason?: string | undefined;
}

type Parsed = { kind: 'item'; item: Item } | { kind: 'skip' } | { kind: 'reject'; reason: string };

/** Splits one CSV line (RFC 4180 quoting within the line; a field cannot span lines). */
export function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null; // unterminated quote
        field += line.slice(i, q);
        i = q + 1;
        if (line[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const comma = line.indexOf(',', i);
      field = comma < 0 ? line.slice(i) : line.slice(i, comma);
      i = comma < 0 ? line.length : comma;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

function typedIdentifier(raw: string): { type: SubjectType; value: string } | null {
  const m = /^(email|phone|customer|device):(.*)$/i.exec(raw);
  if (m) return { type: m[1]!.toLowerCase() as SubjectType, value: m[2]!.trim() };
  if (raw.includes('@')) return { type: 'email', value: raw };
  if (/^\+?[\d\s().-]{7,}$/.test(raw)) return { type: 'phone', value: raw };
  return null;
}

function parseCsv(line: string, lineNo: number): Parsed {
  const fields = splitCsvLine(line);
  if (!fields) return { kind: 'reject', reason: 'unterminated quoted field' };
  if (lineNo === 1 && fields[0]?.toLowerCase() === 'identifier') return { kind: 'skip' };
  if (fields.length > 5)
    return { kind: 'reject', reason: `expected at most 5 columns, got ${fields.length}` };
  const [identifier = '', channel, purpose, topic, reason] = fields;
  if (!identifier) return { kind: 'reject', reason: 'identifier is empty' };
  const id = typedIdentifier(identifier);
  if (!id) {
    return {
      kind: 'reject',
      reason: 'cannot tell the identifier type (use an email, a phone number, customer:<id> or device:<id>)',
    };
  }
  const opt = (s: string | undefined) => (s ? s : undefined);
  return {
    kind: 'item',
    item: { ...id, channel: opt(channel), purpose: opt(purpose), topic: opt(topic), reason: opt(reason) },
  };
}

function parseNdjson(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'reject', reason: 'not valid JSON' };
  }
  const r = ImportRecord.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    return { kind: 'reject', reason: i ? `${i.path.join('.') || 'line'}: ${i.message}` : 'invalid' };
  }
  const s = subjectOf(r.data);
  return { kind: 'item', item: { ...s, ...r.data } };
}

const DEFAULT_SCOPE: Record<SubjectType, { channel: string; purpose: string }> = {
  email: { channel: 'email', purpose: 'marketing' },
  phone: { channel: 'sms', purpose: 'all' },
  customer: { channel: 'any', purpose: 'sale_share' },
  device: { channel: 'any', purpose: 'sale_share' },
};

/**
 * The event id of an imported entry is derived from (subject key, scope): importing the same entry
 * twice is the same fact, so the ledger's primary key makes it a duplicate (and a re-run of an
 * interrupted import changes nothing). A later lift is not undone by re-importing an old file.
 */
export function importEventId(subjectKey: string, channel: string, purpose: string, topic: string): string {
  const h = createHash('sha256').update(`import|${subjectKey}|${channel}|${purpose}|${topic}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5 (name-based)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function toEvent(
  ctx: SuppressionContext,
  item: Item,
  who: { by: string; actor: string },
  at: Date,
): { ok: true; event: AdminAction } | { ok: false; reason: string } {
  const channel = item.channel ?? DEFAULT_SCOPE[item.type].channel;
  const purpose = item.purpose ?? DEFAULT_SCOPE[item.type].purpose;
  const topic = item.topic ?? '*';
  if (!ScopeChannel.safeParse(channel).success) return { ok: false, reason: `unknown channel '${channel}'` };
  if (!Purpose.safeParse(purpose).success) return { ok: false, reason: `unknown purpose '${purpose}'` };
  if (!item.reason) return { ok: false, reason: 'reason is empty' };
  let subject: { type: SubjectType; value: string };
  try {
    subject = toSubject(item.type, item.value, { defaultRegion: ctx.defaultRegion });
  } catch (err) {
    return { ok: false, reason: `invalid ${item.type}: ${(err as Error).message}` };
  }
  const key = ctx.keyer.keyOf(subject);
  const envelope = newEnvelope(
    'suppression.admin.v1',
    IMPORT_SOURCE,
    {
      subject: { type: subject.type, value: subject.value },
      action: 'suppress',
      channel: channel as AdminAction['data']['channel'],
      purpose: purpose as AdminAction['data']['purpose'],
      topic,
      // The token's identity makes the write; the `actor` query names the person (issue 15).
      actor: who.by,
      actorName: who.actor,
      reason: item.reason,
    },
    {
      id: importEventId(key, channel, purpose, topic),
      occurredAt: at.toISOString(),
      evidence: { by: who.by, actor: who.actor, reason: item.reason },
    },
  );
  try {
    return { ok: true, event: validateListEvent(envelope) as AdminAction };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

export interface ImportOptions {
  format: 'csv' | 'ndjson';
  /** Line number of the text's first line in the whole file. */
  firstLine: number;
  actor: string;
  /** The caller's token identity (recorded as the event's actor). */
  by: string;
  batchSize: number;
  now: Date;
}

/** Parses `text` line by line and applies the good lines in batches; returns the validation report. */
export async function importText(
  ctx: SuppressionContext,
  text: string,
  opts: ImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = {
    lines: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    skipped: 0,
    rejections: [],
    rejectionsTruncated: false,
  };
  const reject = (line: number, reason: string) => {
    report.rejected++;
    if (report.rejections.length < MAX_REPORTED_REJECTIONS) report.rejections.push({ line, reason });
    else report.rejectionsTruncated = true;
  };
  let batch: Array<{ line: number; event: AdminAction }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const done = await applyBatch(ctx, batch, reject);
    report.accepted += done.accepted;
    report.duplicates += done.duplicates;
    batch = [];
  };

  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline ends the last line
  for (let i = 0; i < lines.length; i++) {
    const lineNo = opts.firstLine + i;
    report.lines++;
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      report.skipped++;
      continue;
    }
    const parsed = opts.format === 'csv' ? parseCsv(line, lineNo) : parseNdjson(line);
    if (parsed.kind === 'skip') {
      report.skipped++;
      continue;
    }
    if (parsed.kind === 'reject') {
      reject(lineNo, parsed.reason);
      continue;
    }
    const ev = toEvent(ctx, parsed.item, { by: opts.by, actor: opts.actor }, opts.now);
    if (!ev.ok) {
      reject(lineNo, ev.reason);
      continue;
    }
    batch.push({ line: lineNo, event: ev.event });
    if (batch.length >= opts.batchSize) await flush();
  }
  await flush();
  report.rejections.sort((a, b) => a.line - b.line);
  return report;
}

/**
 * One apply() per batch, events sorted by id so that concurrent imports take row locks in the same
 * order. Should the domain still refuse an event (it names it), that line is rejected and the rest
 * of the batch applied again.
 */
async function applyBatch(
  ctx: SuppressionContext,
  batch: Array<{ line: number; event: AdminAction }>,
  reject: (line: number, reason: string) => void,
): Promise<{ accepted: number; duplicates: number }> {
  let items = [...batch].sort((a, b) =>
    a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : a.line - b.line,
  );
  let deadlocks = 0;
  for (;;) {
    if (items.length === 0) return { accepted: 0, duplicates: 0 };
    try {
      const r = await apply(
        ctx,
        items.map((x) => x.event),
      );
      return { accepted: r.applied.length, duplicates: items.length - r.applied.length };
    } catch (err) {
      // Two imports in parallel can still meet on the same subject's rows in another order (vault,
      // state): PostgreSQL aborts one with a deadlock; the batch is one transaction, so run it again.
      if (isDeadlock(err) && deadlocks++ < 5) continue;
      const eventId = (err as { eventId?: unknown }).eventId;
      if (!(err instanceof ValidationError) || typeof eventId !== 'string') throw err;
      const bad = items.filter((x) => x.event.id === eventId);
      if (bad.length === 0) throw err;
      for (const b of bad) reject(b.line, (err as Error).message);
      items = items.filter((x) => x.event.id !== eventId);
    }
  }
}

/** SQLSTATE 40P01 (deadlock) or 40001 (serialization failure) anywhere in the cause chain. */
function isDeadlock(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}
