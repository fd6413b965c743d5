// Files to records: CSV through csv-parse (quoted fields with commas and newlines, BOM, CRLF), JSON
// documents as the providers' APIs and CLIs print them, and NDJSON. Every record carries the line
// it starts on, for the report and the ledger's evidence.
import { parse } from 'csv-parse';

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

/**
 * CSV rows (the header is the first row). A broken file (a quote never closed) ends with an error
 * row naming the line, after every row read before it.
 */
export async function* csvRows(input: Input): AsyncGenerator<Row | { line: number; error: string }> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    // A record that cannot be read (a quote never closed runs to the end of the file) is reported,
    // and every record before it still counts.
    skip_records_with_error: true,
    info: true,
    raw: true,
  });
  // Parsing runs ahead of the consumer: an error is placed after the records read before it.
  const errors: Array<{ after: number; error: string }> = [];
  parser.on('skip', (err: { code?: string; message?: string }) => {
    const why =
      err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted field is never closed (it runs to the end of the file)'
        : (err.message ?? 'invalid');
    errors.push({ after: parser.info.records, error: `cannot read this CSV record: ${why}` });
  });
  let lastEnd = 0;
  let yielded = 0;
  const due = function* (all: boolean) {
    while (errors.length > 0 && (all || errors[0]!.after <= yielded)) {
      yield { line: lastEnd + 1, error: errors.shift()!.error };
    }
  };
  const feed = (async () => {
    try {
      for await (const s of lf(input)) {
        if (!parser.write(s)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  for await (const r of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    yield* due(false);
    const raw = r.raw.replace(/\n$/, '');
    yield { line: r.info.lines - newlines(raw), fields: r.record };
    yielded++;
    lastEnd = r.info.lines;
  }
  yield* due(true);
  await feed;
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
