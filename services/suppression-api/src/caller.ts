// Who is calling (issue 15 "who did it"): the identity of the bearer token, set by the auth hook.
// Every admin write records it in the ledger's evidence; the body's `actor` may add a person's
// name beside it, never replace it. Other routes (erasure, ...) take the evidence from here too.
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors';

export interface Caller {
  /** The token's name from API_TOKENS (or `token-<hash>` for an unnamed one), or the partner id. */
  name: string;
  kind: 'api-token' | 'partner';
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** The authenticated caller of a route with a scope (a route without one has none: 401). */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new HttpError(401, 'unauthorized', 'a valid bearer token is needed');
  return req.caller;
}

/**
 * The evidence of an admin write: `by` is the token's identity (authoritative), `actor` the
 * person the body names (as claimed), `reason` the free text.
 */
export function adminEvidence(
  req: FastifyRequest,
  extra: { actor?: string | undefined; reason?: string | undefined } = {},
): { by: string; actor?: string; reason?: string } {
  return {
    by: callerOf(req).name,
    ...(extra.actor ? { actor: extra.actor } : {}),
    ...(extra.reason ? { reason: extra.reason } : {}),
  };
}
