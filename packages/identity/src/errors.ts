// Typed errors of this package; all are ValidationErrors (-> DLQ / 4xx). Messages never contain
// the identifier itself, so they are safe to log.
import { ValidationError } from '@sp/contracts';

export type SubjectType = 'email' | 'phone' | 'customer' | 'device';

/** The raw value is not an identifier of its type; `reason` says why (no personal data in it). */
export class InvalidIdentifierError extends ValidationError {
  constructor(
    readonly subjectType: SubjectType,
    readonly reason: string,
  ) {
    super(`invalid ${subjectType}: ${reason}`);
  }
}

/** Any failure to open an unsubscribe token. */
export class TokenError extends ValidationError {}
/** Not a token of our format at all (wrong version, shape, encoding or length). */
export class MalformedTokenError extends TokenError {}
/** Well-formed, but authentication failed: altered, or sealed with another key. */
export class TamperedTokenError extends TokenError {}
/** Sealed under a key id this deployment does not (or no longer) hold. */
export class UnknownKeyError extends TokenError {
  constructor(readonly keyId: string) {
    super(`unknown token key id: ${keyId}`);
  }
}
/** Authentic but older than the configured maximum age (at least 365 days, R-EM-2). */
export class ExpiredTokenError extends TokenError {}
