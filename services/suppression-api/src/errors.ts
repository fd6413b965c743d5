// Typed errors of the API and the one mapper from any error to an HTTP status and body (STYLE.md 7):
// the raw message of an unknown error never reaches a client.
import { TransientError, ValidationError } from '@sp/contracts';
import { isConnectionError } from '@sp/db';
import type { ErrorBody } from './schemas';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message);
  }
}

export function badRequest(
  issues: Array<{ path: PropertyKey[]; message: string }>,
  where: string,
): HttpError {
  const details = issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  const first = details[0];
  return new HttpError(
    400,
    'invalid_request',
    first ? `${first.path}: ${first.message}` : 'invalid request',
    details,
  );
}

export function toHttp(err: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (err instanceof HttpError) {
    return {
      status: err.statusCode,
      body: { error: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      unexpected: false,
    };
  }
  // Identity's InvalidIdentifierError is a ValidationError: a bad address is the caller's mistake.
  if (err instanceof ValidationError) {
    return { status: 400, body: { error: 'invalid_request', message: err.message }, unexpected: false };
  }
  if (err instanceof TransientError || isConnectionError(err)) {
    return {
      status: 503,
      body: { error: 'unavailable', message: 'the list cannot be reached; retry later' },
      unexpected: false,
    };
  }
  // fastify's own client errors (bad JSON, body too large, unsupported media type) carry a 4xx status.
  const status = (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = status === 413 ? 'too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
    return { status, body: { error: code, message: (err as Error).message }, unexpected: false };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error' }, unexpected: true };
}
