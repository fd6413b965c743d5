// Retry classification of provider errors and the backoff between attempts. Unknown errors are
// transient until proven otherwise (STYLE.md 7): a network error is retried, not dropped.

export type ProviderFailure =
  | { retry: true; reason: string }
  | { retry: false; reason: string; code?: string | number; optOut?: boolean };

export interface Backoff {
  baseMs: number;
  maxMs: number;
  /** Provider attempts after which a retryable failure becomes 'failed'. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 8 };

/** Exponential backoff with +-20% jitter: attempt 1 -> ~base, 2 -> ~2 x base ... capped at max. */
export function backoffMs(
  attempt: number,
  b: Pick<Backoff, 'baseMs' | 'maxMs'>,
  random = Math.random,
): number {
  const raw = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(raw * (0.8 + 0.4 * random())));
}

const describe = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 500) : String(err).slice(0, 500);

/**
 * SES v2 errors: throttling (TooManyRequests, LimitExceeded, Throttling*), 5xx and network errors
 * are retried; a rejected message (MessageRejected, unverified sender, bad request...) fails with
 * its reason.
 */
export function classifySesError(err: unknown): ProviderFailure {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const name = e?.name ?? '';
  const status = e?.$metadata?.httpStatusCode;
  if (/Throttl|TooManyRequests|LimitExceeded/i.test(name) || status === 429) {
    return { retry: true, reason: `throttled: ${describe(err)}` };
  }
  if (status !== undefined && status >= 500)
    return { retry: true, reason: `ses ${status}: ${describe(err)}` };
  if (e?.$retryable) return { retry: true, reason: describe(err) };
  if (status !== undefined && status >= 400) {
    return { retry: false, reason: `rejected: ${describe(err)}`, code: name || status };
  }
  if (
    /MessageRejected|MailFromDomainNotVerified|AccountSuspended|SendingPaused|BadRequest|NotFound/.test(name)
  ) {
    return { retry: false, reason: `rejected: ${describe(err)}`, code: name };
  }
  return { retry: true, reason: describe(err) };
}

/** Twilio's error for a recipient who replied STOP to the sending number (R-SMS-7). */
export const TWILIO_UNSUBSCRIBED = 21610;

/**
 * Twilio REST errors: 429 and 5xx are retried; 21610 is an opt-out we must record; other 4xx fail
 * with Twilio's code. Errors without an HTTP status (network) are retried.
 */
export function classifyTwilioError(err: unknown): ProviderFailure {
  const e = err as { status?: number; code?: number; message?: string };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const code = typeof e?.code === 'number' ? e.code : undefined;
  if (code === TWILIO_UNSUBSCRIBED) {
    return { retry: false, reason: `twilio ${code}: recipient unsubscribed`, code, optOut: true };
  }
  if (status === undefined) return { retry: true, reason: describe(err) };
  if (status === 429 || status >= 500)
    return { retry: true, reason: `twilio ${status}/${code ?? '-'}: ${e.message ?? ''}` };
  return {
    retry: false,
    reason: `twilio ${status}/${code ?? '-'}: ${e.message ?? ''}`,
    code: code ?? status,
  };
}
