// readImport(): a file in one of the formats -> list entries with their line numbers. Shared by the
// CLI (which streams the file and sends entries to the API) and the API (a body sent as is).
import {
  FormatMismatch,
  type ImportEntry,
  type ImportItem,
  type RawRecord,
  type SubjectType,
  str,
} from './entry';
import { FORMATS, type Format, type FormatOptions, PROVIDER_FORMATS, type ProviderFormat } from './formats';
import { csvRows, describe, type Input, isBlank, jsonRecords, lineFinder } from './readers';

export const IMPORT_FORMATS = ['csv', ...PROVIDER_FORMATS] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const isImportFormat = (f: string): f is ImportFormat =>
  (IMPORT_FORMATS as readonly string[]).includes(f);

/** Our own CSV's identifier: typed (`phone:...`) or guessed from its look. */
export function typedIdentifier(raw: string): { type: SubjectType; value: string } | null {
  const m = /^(email|phone|customer|device):(.*)$/i.exec(raw);
  if (m) return { type: m[1]!.toLowerCase() as SubjectType, value: m[2]!.trim() };
  if (raw.includes('@')) return { type: 'email', value: raw };
  if (/^\+?[\d\s().-]{7,}$/.test(raw)) return { type: 'phone', value: raw };
  return null;
}

/** The scope of an entry our own files give without one. */
export const DEFAULT_SCOPE: Record<SubjectType, Pick<ImportEntry, 'channel' | 'purpose'>> = {
  email: { channel: 'email', purpose: 'marketing' },
  phone: { channel: 'sms', purpose: 'all' },
  customer: { channel: 'any', purpose: 'sale_share' },
  device: { channel: 'any', purpose: 'sale_share' },
};

const CHANNELS = new Set(['email', 'sms', 'any']);
const PURPOSES = new Set(['marketing', 'all', 'sale_share']);

/** Our CSV: identifier,channel,purpose,topic,reason (header optional). */
function ownCsvRecord(fields: string[]): ImportEntry | string {
  if (fields.length > 5) return `expected at most 5 columns, got ${fields.length}`;
  const [identifier = '', channel, purpose, topic, reason] = fields.map((f) => f.trim());
  if (!identifier) return 'identifier is empty';
  const id = typedIdentifier(identifier);
  if (!id)
    return 'cannot tell the identifier type (use an email, a phone number, customer:<id> or device:<id>)';
  const c = channel || DEFAULT_SCOPE[id.type].channel;
  const p = purpose || DEFAULT_SCOPE[id.type].purpose;
  if (!CHANNELS.has(c)) return `unknown channel '${c}'`;
  if (!PURPOSES.has(p)) return `unknown purpose '${p}'`;
  if (!reason) return 'reason is empty';
  return {
    subjectType: id.type,
    value: id.value,
    channel: c as ImportEntry['channel'],
    purpose: p as ImportEntry['purpose'],
    topic: topic || '*',
    reason,
  };
}

const lowerKeys = (r: RawRecord): RawRecord => {
  const out: RawRecord = {};
  for (const [k, v] of Object.entries(r)) out[k.trim().toLowerCase()] = v;
  return out;
};

async function collect(input: Input): Promise<string> {
  if (typeof input === 'string') return input;
  const parts: string[] = [];
  for await (const c of input) parts.push(typeof c === 'string' ? c : c.toString('utf8'));
  return parts.join('');
}

/** Reads the first chunk without losing it. */
async function peek(input: Input): Promise<{ head: string; input: Input }> {
  if (typeof input === 'string') return { head: input.slice(0, 4096), input };
  const it = input[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? '' : typeof first.value === 'string' ? first.value : first.value.toString('utf8');
  const rest: AsyncIterable<string> = {
    async *[Symbol.asyncIterator]() {
      yield head;
      for (let n = await it.next(); !n.done; n = await it.next())
        yield typeof n.value === 'string' ? n.value : n.value.toString('utf8');
    },
  };
  return { head: head.slice(0, 4096), input: rest };
}

function* mapped(line: number, r: ImportEntry[] | ImportEntry | string): Generator<ImportItem> {
  if (typeof r === 'string') yield { line, kind: 'reject', reason: r };
  else if (!Array.isArray(r)) yield { line, kind: 'entry', entry: r };
  else if (r.length === 0) yield { line, kind: 'skip' };
  else for (const entry of r) yield { line, kind: 'entry', entry };
}

/**
 * Every record of `input` in `format`, as entries (one record may give several), rejections or
 * skips. Throws FormatMismatch before yielding anything when the file is not in that format.
 */
export async function* readImport(
  input: Input,
  format: ImportFormat,
  opts: FormatOptions = {},
): AsyncGenerator<ImportItem> {
  const peeked = await peek(input);
  const head = peeked.head.replace(/^\uFEFF/, '').trimStart();
  const looksJson = head.startsWith('[') || head.startsWith('{');

  if (format === 'csv') {
    if (looksJson)
      throw new FormatMismatch(
        `${describe(head)}; the csv format is identifier,channel,purpose,topic,reason`,
      );
    let first = true;
    for await (const row of csvRows(peeked.input)) {
      if ('error' in row) {
        yield { line: row.line, kind: 'reject', reason: row.error };
        continue;
      }
      if (isBlank(row)) {
        yield { line: row.line, kind: 'skip' };
        continue;
      }
      const isHeader = first && row.fields[0]?.trim().toLowerCase() === 'identifier';
      first = false;
      if (isHeader || row.fields[0]?.trimStart().startsWith('#')) {
        yield { line: row.line, kind: 'skip' };
        continue;
      }
      yield* mapped(row.line, ownCsvRecord(row.fields));
    }
    return;
  }

  const f: Format = FORMATS[format as ProviderFormat];
  const mismatch = () => new FormatMismatch(`${describe(head)}; ${format} needs ${f.needs}`);
  const fits = (keys: string[]) =>
    f.identifier.some((k) => keys.includes(k)) && (f.requires ?? []).every((k) => keys.includes(k));

  if (looksJson) {
    if (f.shape === 'csv') throw mismatch();
    const text = await collect(peeked.input);
    let records = jsonRecords(text);
    if (records === null && head.startsWith('{')) {
      // NDJSON: one record per line.
      records = [];
      for (const l of text.split('\n')) {
        if (l.trim() === '') continue;
        try {
          records.push(JSON.parse(l));
        } catch {
          throw mismatch();
        }
      }
    }
    if (records === null) throw mismatch();
    const lineOf = lineFinder(text);
    let checked = false;
    for (const raw of records) {
      const r = typeof raw === 'string' ? { [f.identifier[0]!]: raw } : lowerKeys(raw ?? {});
      if (!checked) {
        if (!fits(Object.keys(r))) throw mismatch();
        checked = true;
      }
      const id = f.identifier.map((k) => str(r[k])).find((v) => v !== undefined);
      yield* mapped(id ? lineOf(id) : 0, f.map(r, opts));
    }
    return;
  }

  if (f.shape === 'json') throw mismatch();
  let columns: string[] | null = null;
  for await (const row of csvRows(peeked.input)) {
    if ('error' in row) {
      if (columns === null) throw mismatch();
      yield { line: row.line, kind: 'reject', reason: row.error };
      continue;
    }
    if (isBlank(row)) {
      if (columns !== null) yield { line: row.line, kind: 'skip' };
      continue;
    }
    if (columns === null) {
      columns = row.fields.map((c) => c.trim().toLowerCase());
      if (!fits(columns)) throw mismatch();
      yield { line: row.line, kind: 'skip' };
      continue;
    }
    const r: RawRecord = {};
    columns.forEach((c, i) => {
      r[c] = row.fields[i];
    });
    yield* mapped(row.line, f.map(r, opts));
  }
}
