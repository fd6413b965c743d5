// Which fields of an event are identifiers of a person (issue 15): on Kafka they travel sealed, in
// `data.sealed` (dotted path -> sealed value, `d1.<data key id>.<base64url>`), never readable.
// Consumers open them before validating the event against its schema, so the schemas above
// describe the opened event and this table describes what is taken out of it on the wire.
import { z } from 'zod';
import { EventTypes } from './events';

/** A value sealed by @sp/identity's sealValue under a per-subject data key. */
export const SealedValue = z.string().regex(/^d1\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]+$/);
/** `data.sealed` on the wire: dotted path inside `data` -> sealed value. */
export const SealedFields = z.record(z.string().min(1), SealedValue);
export type SealedFields = z.infer<typeof SealedFields>;

export type IdentifierType = 'email' | 'phone' | 'customer' | 'device';

export interface IdentifierField {
  /** Dotted path inside `data`. */
  path: string;
  /** Whose identifier it is: the subject it is keyed (and sealed) by. */
  subject: IdentifierType | { typeAt: string };
  /** Sealed with the data key of the subject at this other path (free text that may quote it). */
  keyedBy?: string;
  /** Dotted path of a region for phone numbers written without a country code. */
  regionAt?: string;
}

const email = (path = 'email'): IdentifierField => ({ path, subject: 'email' });

/** Event type -> its identifier fields. A type not listed carries none (or is not sealed yet). */
export const identifierFields: Readonly<Record<string, readonly IdentifierField[]>> = {
  [EventTypes.emailOptOut]: [email()],
  [EventTypes.emailResubscribe]: [email()],
  [EventTypes.smsInbound]: [
    { path: 'from', subject: 'phone', regionAt: 'defaultRegion' },
    // What the person typed may name them ("stop, this is Jane Doe, jane@…").
    { path: 'body', subject: 'phone', keyedBy: 'from' },
  ],
  [EventTypes.doNotSell]: [
    email('subjects.email'),
    { path: 'subjects.phone', subject: 'phone' },
    { path: 'subjects.customerId', subject: 'customer' },
    { path: 'subjects.deviceId', subject: 'device' },
  ],
  [EventTypes.complaint]: [email()],
  // A bounce's diagnostic text often quotes the address ("550 5.1.1 <x@y>: no such user").
  [EventTypes.bounce]: [email(), { path: 'diagnosticCode', subject: 'email', keyedBy: 'email' }],
  [EventTypes.adminAction]: [{ path: 'subject.value', subject: { typeAt: 'subject.type' } }],
  // Send requests keep their shape (a brand's tool may send `to` readable, and it is read as is);
  // ours (sms-stop-consumer's replies, optout-consumer's confirmations) leave sealed.
  [EventTypes.emailSendRequest]: [email('to')],
  [EventTypes.smsSendRequest]: [{ path: 'to', subject: 'phone' }],
};

/** The value at a dotted path of an object, or undefined. */
export function getPath(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** A copy of `o` with the value at `path` set (undefined: removed), copying only along the path. */
export function setPath(o: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const out = { ...o };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  const inner = out[head];
  const child = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? inner : {};
  out[head] = setPath(child as Record<string, unknown>, rest.join('.'), value);
  return out;
}
