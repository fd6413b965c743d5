// What the runner may say about an error in a log line or a dead letter, and which errors are
// poison whatever the dependency. Errors from a database driver can carry the SQL and its
// parameters (postgres.js `query`/`parameters`, drizzle's "Failed query: … params: …" message,
// PostgreSQL's `detail` "Failing row contains (…)" and `where` "JSON data, line 1: …"): those hold
// personal data and are never read here. Only names, codes, schema identifiers and a message
// with its quoted values blanked out leave this file.

import { cleanText } from '@sp/contracts';

const MAX_TEXT = 300;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  table_name?: unknown;
  column_name?: unknown;
  constraint_name?: unknown;
  schema_name?: unknown;
  // pg-protocol's names for the same fields (PGlite)
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  schema?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * An error that holds the statement or its parameters. Without a code of its own it is a wrapper
 * whose message embeds them (drizzle's DrizzleQueryError); with one (PGlite's DatabaseError) its
 * message is the server's and the statement only sits beside it.
 */
function carriesQuery(e: object): boolean {
  return 'query' in e || 'params' in e || 'parameters' in e;
}

/** Quoted values, addresses and long digit runs blanked; schema identifiers the error names kept. */
function redact(message: string, keep: Set<string>): string {
  return message
    .replace(/"([^"]*)"/g, (m, inner: string) => (keep.has(inner) ? m : '"…"'))
    .replace(/'([^']*)'/g, (m, inner: string) => (keep.has(inner) ? m : "'…'"))
    .replace(/[^\s"'<>(),;:]+@[^\s"'<>(),;:]+/g, '<address>')
    .replace(/\+?\d[\d ().-]{5,}\d/g, '<number>');
}

function describe(err: unknown, depth: number): string {
  if (err === null || typeof err !== 'object') return redact(String(err), new Set());
  const e = err as ErrorLike;
  const name = str(e.name) ?? 'Error';
  if (carriesQuery(err) && str(e.code) === undefined && depth < 5) {
    // Its message is the SQL and its parameters: say only what it wraps.
    return e.cause !== undefined ? describe(e.cause, depth + 1) : `${name} (query failed)`;
  }
  const keep = new Set(
    [e.table_name, e.column_name, e.constraint_name, e.schema_name, e.table, e.column, e.constraint, e.schema]
      .map(str)
      .filter((s) => s !== undefined),
  );
  const code = str(e.code);
  const constraint = str(e.constraint_name) ?? str(e.constraint);
  const message = redact(str(e.message) ?? '', keep);
  return `${name}${code ? ` ${code}` : ''}: ${message}${constraint && !message.includes(constraint) ? ` (constraint ${constraint})` : ''}`;
}

/**
 * A bounded one-line description of an error that is safe for logs and DLQ headers: no SQL, no
 * parameters, no quoted values, no addresses or phone numbers.
 */
export function safeErrorText(err: unknown, max = MAX_TEXT): string {
  const text = cleanText(describe(err, 0)).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// Node's codes for bytes that are not text of the expected encoding.
const ENCODING_CODES = new Set([
  'ERR_ENCODING_INVALID_ENCODED_DATA',
  'ERR_ENCODING_NOT_SUPPORTED',
  'ERR_INVALID_CHAR',
  'ERR_UNKNOWN_ENCODING',
  'ERR_INVALID_URI',
]);

/**
 * Errors that no retry can cure whatever the dependency: JSON that does not parse (a
 * SyntaxError from JSON.parse), bytes or URIs that do not decode. The label is a metric label.
 */
export function genericPoisonReason(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e !== null && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    if (e instanceof SyntaxError) return 'json';
    if (e instanceof URIError) return 'encoding';
    const code = (e as ErrorLike).code;
    if (e instanceof TypeError && typeof code === 'string' && ENCODING_CODES.has(code)) return 'encoding';
    e = (e as ErrorLike).cause;
  }
  return undefined;
}
