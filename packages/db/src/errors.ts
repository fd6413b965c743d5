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
