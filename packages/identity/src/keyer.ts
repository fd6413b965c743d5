// Subject keys: HMAC-SHA256(pepper, type + ":" + normalized), prefixed with the pepper's key id
// so the pepper can rotate (look up under every configured pepper, write under the current one).
import { createHmac, randomBytes } from 'node:crypto';
import type { Subject } from './normalize';

export interface Keyer {
  currentKeyId: string;
  /** "<keyId>:<base64url hmac>" under the current pepper. */
  keyOf(subject: Subject): string;
  /** The key under every configured pepper, current first, for lookups during a rotation. */
  keysOf(subject: Subject): string[];
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function createKeyer(opts: { peppers: Record<string, string>; currentKeyId: string }): Keyer {
  const ids = Object.keys(opts.peppers);
  for (const id of ids) {
    if (!KEY_ID.test(id)) throw new RangeError(`pepper key id ${JSON.stringify(id)} must match ${KEY_ID}`);
    if ((opts.peppers[id] ?? '').length < 32)
      throw new RangeError(`pepper ${id} must be at least 32 characters`);
  }
  if (!ids.includes(opts.currentKeyId))
    throw new RangeError(`current pepper ${opts.currentKeyId} is not configured`);
  const order = [opts.currentKeyId, ...ids.filter((id) => id !== opts.currentKeyId)];
  const keyUnder = (id: string, subject: Subject) =>
    `${id}:${createHmac('sha256', opts.peppers[id]!).update(`${subject.type}:${subject.value}`).digest('base64url')}`;
  return {
    currentKeyId: opts.currentKeyId,
    keyOf: (subject) => keyUnder(opts.currentKeyId, subject),
    keysOf: (subject) => order.map((id) => keyUnder(id, subject)),
  };
}

/** Random secret, base64url, for generating keys and peppers (32 bytes by default). */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new RangeError('a secret needs at least 16 bytes');
  return randomBytes(bytes).toString('base64url');
}
