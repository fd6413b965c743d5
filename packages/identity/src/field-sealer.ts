// Sealed identifiers inside events (issue 15): `d1.<kid>.<base64url(iv | ciphertext | tag)>`,
// AES-256-GCM with "d1.<kid>.<context>" as additional data, the same shape as the unsubscribe
// tokens (sealer.ts). The key id names a data key; whoever opens looks it up (per-subject keys
// live in the database, so dropping one makes every copy sealed with it unreadable).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MalformedTokenError, TamperedTokenError, UnknownKeyError } from './errors';

const VERSION = 'd1';
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const IV = 12;
const TAG = 16;

/** A sealed value of this format (cheap shape check, no key needed). */
export const SEALED_VALUE = /^d1\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]+$/;

/** The key id a sealed value names, or null when it is not one. */
export function sealedKeyId(sealed: string): string | null {
  if (typeof sealed !== 'string' || !SEALED_VALUE.test(sealed)) return null;
  return sealed.split('.')[1] ?? null;
}

/**
 * Seals `plain` under a 32-byte key. `context` (e.g. the field's path) is bound as additional
 * data, so a sealed value cannot be moved to another field unnoticed.
 */
export function sealValue(key: Buffer, keyId: string, plain: string, context = ''): string {
  if (!KEY_ID.test(keyId)) throw new RangeError(`data key id ${JSON.stringify(keyId)} must match ${KEY_ID}`);
  if (key.length !== 32) throw new RangeError('a data key must be 32 bytes');
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}.${keyId}.${context}`));
  const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${keyId}.${body.toString('base64url')}`;
}

/** Opens a sealed value; throws MalformedTokenError, UnknownKeyError (key gone) or TamperedTokenError. */
export function openValue(
  keyOf: (keyId: string) => Buffer | undefined,
  sealed: string,
  context = '',
): string {
  const kid = sealedKeyId(sealed);
  if (kid === null) throw new MalformedTokenError('not a sealed value');
  const encoded = sealed.slice(VERSION.length + kid.length + 2);
  if (!B64URL.test(encoded)) throw new MalformedTokenError('sealed value is not base64url');
  const body = Buffer.from(encoded, 'base64url');
  if (body.length < IV + TAG) throw new MalformedTokenError('sealed value too short');
  const key = keyOf(kid);
  if (key === undefined) throw new UnknownKeyError(kid);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV));
    decipher.setAAD(Buffer.from(`${VERSION}.${kid}.${context}`));
    decipher.setAuthTag(body.subarray(body.length - TAG));
    return Buffer.concat([decipher.update(body.subarray(IV, body.length - TAG)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new TamperedTokenError('sealed value failed authentication');
  }
}

/** A fresh random data key and the key (32 bytes) wrapped under a master key: `sealValue` of its base64. */
export function newDataKey(): Buffer {
  return randomBytes(32);
}
