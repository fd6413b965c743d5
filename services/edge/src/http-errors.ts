// The edge's one mapper from an error to an HTTP status and a reason (STYLE.md 7, R-OC-4: never
// a 5xx for bad input). Errors raised before a handler runs come from reading the request
// (content-type parsers, multipart's busboy, body limits): they are the client's, whatever they
// carry, because busboy's "Unexpected end of form" has no status at all and would read as an outage.
import { unreadableCharset, ValidationError } from '@sp/contracts';

export interface HttpFailure {
  status: number;
  message: string;
}

/** A 415 error for a body in a charset the parsers cannot read, or null when it is readable. */
export function charsetError(contentType: string | undefined): (Error & { statusCode: number }) | null {
  const charset = unreadableCharset(contentType);
  if (charset === null) return null;
  return Object.assign(new Error(`unsupported charset "${charset.slice(0, 40)}"; send UTF-8`), {
    statusCode: 415,
    code: 'SP_UNSUPPORTED_CHARSET',
  });
}

function reasonOf(status: number, err: Error & { code?: string }): string {
  if (err.code === 'FST_FILES_LIMIT') return 'Files are not accepted: send form fields only.';
  if (err.code === 'FST_FIELDS_LIMIT' || err.code === 'FST_PARTS_LIMIT')
    return 'The form has too many fields.';
  if (status === 413) return 'The request body is too large.';
  if (status === 415)
    return err.code === 'SP_UNSUPPORTED_CHARSET'
      ? `Unsupported media type: ${err.message}.`
      : 'Unsupported media type: send application/x-www-form-urlencoded, multipart/form-data, application/json or text/plain.';
  if (status === 429) return 'Too many requests, please try again later.';
  if (status === 404) return 'Not found.';
  return 'Bad request: the request body could not be read.';
}

/**
 * Status and client-facing reason of an error. `beforeHandler`: the request never reached its
 * handler, so the error is one of reading it. Fastify's own statuses for such errors are kept,
 * except multipart's 406s (a malformed field is a 400, not a content negotiation failure) and
 * anything without a 4xx (busboy's parse errors), which is a 400.
 */
export function toHttpFailure(
  err: Error & { statusCode?: number; code?: string },
  beforeHandler: boolean,
): HttpFailure {
  if (err instanceof ValidationError) return { status: 400, message: `Bad request: ${err.message}` };
  const s = err.statusCode;
  const clientStatus = typeof s === 'number' && s >= 400 && s < 500 ? s : null;
  if (beforeHandler) {
    const status = clientStatus === null || clientStatus === 406 ? 400 : clientStatus;
    return { status, message: reasonOf(status, err) };
  }
  if (clientStatus !== null) return { status: clientStatus, message: reasonOf(clientStatus, err) };
  // Anything unknown inside a handler (Kafka down, ...) is a 503 so Twilio, SNS or a person retries.
  return { status: 503, message: 'Temporarily unavailable, please try again.' };
}
