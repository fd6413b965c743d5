// Files to records: CSV through csv-parse (quoted fields with commas and newlines, BOM, CRLF), JSON
// documents as the providers' APIs and CLIs print them, and NDJSON. Every record carries the line
// it starts on, for the report and the ledger's evidence.
import { parse } from 'csv-parse/sync';

export type Input = string | AsyncIterable<string | Buffer>;

export interface Row {
  line: number;
  fields: string[];
}

/** CRLF -> LF across chunk boundaries (csv-parse counts lines wrongly on CRLF inside quotes). */
async function* lf(input: Input): AsyncGenerator<string> {
  if (typeof input === 'string') {
    yield input.replace(/\r\n/g, '\n');
    return;
  }
  let pendingCr = false;
  for await (const chunk of input) {
    let s = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (pendingCr) s = `\r${s}`;
    pendingCr = s.endsWith('\r');
    if (pendingCr) s = s.slice(0, -1);
    yield s.replace(/\r\n/g, '\n');
  }
  if (pendingCr) yield '\r';
}

const newlines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/** A quoted field may hold line breaks; one still open after this many lines is a stray quote. */
const MAX_RECORD_LINES = 50;

/** Quoted records read by one csv-parse call. */
const BATCH_RECORDS = 500;

/** Lines of the input (LF), one at a time. */
async function* lines(input: Input): AsyncGenerator<string> {
  let rest = '';
  for await (const s of lf(input)) {
    rest += s;
    let i = rest.indexOf('\n');
    let from = 0;
    while (i >= 0) {
      yield rest.slice(from, i);
      from = i + 1;
      i = rest.indexOf('\n', from);
    }
    rest = rest.slice(from);
  }
  if (rest !== '') yield rest;
}

const quotes = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
};

/**
 * CSV rows (the header is the first row), each with the line it starts on. Lines are grouped into
 * records by their quotes (a quoted field may hold commas and line breaks); a quote still open after
 * MAX_RECORD_LINES lines, or at the end of the file, is reported on its line and reading goes on
 * with the next line, so one stray quote costs one line, not the rest of the file. csv-parse reads
 * the fields of each record.
 */
export async function* csvRows(input: Input): AsyncGenerator<Row | { line: number; error: string }> {
  type Out = Row | { line: number; error: string };
  // Records in file order: read ones, and texts waiting to be read by csv-parse in one batch.
  type Queued = Out | { line: number; text: string; lines: number };
  let queue: Queued[] = [];
  let waiting = 0;
  const take = function* (): Generator<Out> {
    if (waiting >= BATCH_RECORDS) readQueued();
    if (waiting > 0) return;
    const out = queue as Out[];
    queue = [];
    yield* out;
  };
  const flush = function* (): Generator<Out> {
    readQueued();
    yield* take();
  };
  const options = {
    // CRLF is already \n here; a lone CR is a character of its field, not a record of its own.
    record_delimiter: '\n',
    relax_column_count: true,
    relax_quotes: true,
  };
  // A record read on its own, so a record csv-parse reads otherwise than the quote count grouped it
  // (a quote inside a field, a lone CR) costs that record, never its neighbours' lines.
  const readOne = (line: number, text: string): Out => {
    try {
      const rows = parse(text, options) as string[][];
      if (rows.length === 1) return { line, fields: rows[0]! };
      return { line, error: 'cannot read this CSV record: its quotes split it in several' };
    } catch (err) {
      return { line, error: `cannot read this CSV record: ${(err as Error).message ?? 'invalid'}` };
    }
  };
  // The waiting records in one csv-parse call (a call costs more than a short record): kept only
  // when csv-parse ends every record on the very line the grouping ended it, else one by one.
  const readQueued = () => {
    if (waiting === 0) return;
    const texts = queue.filter((q): q is Extract<Queued, { text: string }> => 'text' in q);
    const batch = ((): Array<{ record: string[]; info: { lines: number } }> | null => {
      try {
        return parse(texts.map((q) => q.text).join('\n'), { ...options, info: true }) as never;
      } catch {
        return null;
      }
    })();
    let ends = 0;
    const aligned =
      batch !== null &&
      batch.length === texts.length &&
      texts.every((q, i) => {
        ends += q.lines;
        return batch[i]!.info.lines === ends;
      });
    let i = 0;
    queue = queue.map((q) => {
      if (!('text' in q)) return q;
      const n = i++;
      return aligned && batch ? { line: q.line, fields: batch[n]!.record } : readOne(q.line, q.text);
    });
    waiting = 0;
  };
  const record = (line: number, text: string) => {
    if (text.trim() === '' && !text.includes('\n')) {
      queue.push({ line, fields: [''] });
      return;
    }
    // No quote at all: the fields are the text between the commas, as csv-parse would read them.
    if (!text.includes('"')) {
      queue.push({ line, fields: text.split(',') });
      return;
    }
    queue.push({ line, text, lines: newlines(text) + 1 });
    waiting++;
  };
  const unclosed = (line: number) =>
    queue.push({ line, error: 'cannot read this CSV record: a quoted field is never closed' });

  // Groups lines into records; `feed` returns the lines to read again after a stray quote.
  let buf: string[] = [];
  let start = 0;
  let open = 0;
  const feed = (no: number, text: string): Array<[number, string]> => {
    if (buf.length === 0) start = no;
    buf.push(text);
    open += quotes(text);
    if (open % 2 === 0) {
      record(start, buf.join('\n'));
      buf = [];
      open = 0;
    } else if (buf.length > MAX_RECORD_LINES) return strayQuote();
    return [];
  };
  const strayQuote = (): Array<[number, string]> => {
    unclosed(start);
    const again = buf.slice(1).map((t, i): [number, string] => [start + 1 + i, t]);
    buf = [];
    open = 0;
    return again;
  };

  let lineNo = 0;
  const pending: Array<[number, string]> = [];
  for await (const l of lines(input)) {
    lineNo++;
    pending.push([lineNo, lineNo === 1 ? l.replace(/^\uFEFF/, '') : l]);
    while (pending.length > 0) {
      const [no, text] = pending.shift()!;
      pending.unshift(...feed(no, text));
    }
    yield* take();
  }
  // The end of the file with a quote still open: report its line, read the lines after it again.
  while (buf.length > 0) {
    const again = strayQuote();
    while (again.length > 0) {
      const [no, text] = again.shift()!;
      again.unshift(...feed(no, text));
    }
  }
  yield* flush();
}

/** A blank line: one empty field. */
export const isBlank = (r: Row) => r.fields.length <= 1 && (r.fields[0] ?? '').trim() === '';

/** The arrays the providers wrap their lists in. */
const LIST_KEYS = ['items', 'Suppressions', 'SuppressedDestinationSummaries', 'result', 'data'];

/** Records of a JSON document: a top-level array, or the list inside a provider's envelope. */
export function jsonRecords(text: string): Array<Record<string, unknown>> | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
  if (Array.isArray(doc)) return doc as Array<Record<string, unknown>>;
  if (doc && typeof doc === 'object') {
    for (const k of LIST_KEYS) {
      const v = (doc as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as Array<Record<string, unknown>>;
    }
  }
  return null;
}

/**
 * The line each record starts on in a pretty-printed document: the next occurrence of its identifier
 * after the previous record's. Good enough for a report; 0 when not found.
 */
export function lineFinder(text: string): (identifier: string) => number {
  let pos = 0;
  let line = 1;
  return (identifier) => {
    const needle = JSON.stringify(identifier);
    const at = text.indexOf(needle, pos);
    if (at < 0) return 0;
    line += newlines(text.slice(pos, at));
    pos = at + needle.length;
    return line;
  };
}

/** The first bytes of a file, described for "this does not look like …" messages. */
export function describe(head: string): string {
  const s = head.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('[') || (s.startsWith('{') && !/}\s*\n\s*{/.test(s))) {
    const keys = [...s.slice(0, 2000).matchAll(/"([^"\n]{1,60})"\s*:/g)].map((m) => m[1]);
    return `this looks like JSON with fields ${[...new Set(keys)].slice(0, 12).join(', ') || '(none)'}`;
  }
  if (s.startsWith('{')) return 'this looks like NDJSON (one JSON object per line)';
  const first = s.split('\n', 1)[0]!.replace(/\r$/, '');
  const cols = first.split(/[,;\t]/).map((c) => c.replace(/^"|"$/g, '').trim());
  return `this looks like CSV with columns ${cols.slice(0, 12).join(', ')}`;
}
