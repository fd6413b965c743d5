// Tells "the database is unreachable" (pause and retry later) from everything else, for the
// consumer runner and the senders' fail-closed path.

const NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

// postgres.js's own codes for a connection that went away or never came.
const CLIENT_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

// SQLSTATEs: class 08 connection exception; 57P01-57P03 shutdown / cannot connect now; 53300 too many connections.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** True when `err` (or anything in its cause chain) says the database cannot be reached right now. */
export function isConnectionError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length > 0) {
    const e = stack.pop();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NODE_CODES.has(code) || CLIENT_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) {
        return true;
      }
    }
    const errno = (e as { errno?: unknown }).errno;
    if (typeof errno === 'string' && (NODE_CODES.has(errno) || CLIENT_CODES.has(errno))) return true;
    stack.push((e as { cause?: unknown }).cause);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) stack.push(...errors);
  }
  return false;
}

// A five-character SQLSTATE of a class PostgreSQL defines (not a Node code such as EPIPE).
const SQLSTATE = /^(?:[0-5][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/** The SQLSTATE of `err` or of the first error in its cause chain that has one (drizzle wraps the driver's). */
export function sqlState(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e !== null && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && SQLSTATE.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

// Integrity violations that are conflicts with a concurrent writer, not bad data: a retry sees
// the other row (23505 unique on an idempotency key, 23P01 exclusion).
const CONFLICTS = new Set(['23505', '23P01']);

/**
 * A label when the database refused the data itself, so no retry can succeed: class 22 data
 * exceptions ('encoding' for 22021 invalid byte sequence and 22P05 untranslatable character,
 * such as U+0000 in jsonb; 'data-exception' for the rest), class 23 integrity violations other
 * than conflicts ('constraint': not null, check, foreign key), 54000 program limits ('limit':
 * an index row too large). Undefined for everything else (retry, or pause on an outage).
 */
export function dbPoisonReason(err: unknown): string | undefined {
  const code = sqlState(err);
  if (code === undefined) return undefined;
  if (code === '22021' || code === '22P05') return 'encoding';
  if (code.startsWith('22')) return 'data-exception';
  if (code.startsWith('23') && !CONFLICTS.has(code)) return 'constraint';
  if (code === '54000') return 'limit';
  return undefined;
}
