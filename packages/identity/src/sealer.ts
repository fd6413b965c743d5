// Sealed unsubscribe tokens: `v1.<kid>.<base64url(iv | ciphertext | tag)>`, AES-256-GCM with
// "v1.<kid>" as additional data. The payload is binary and compact so a link stays short:
//   flags (1 byte: bit0 topic, bit1 campaign) | issuedAt (uint32 BE, epoch seconds) |
//   email [0x00 topic] [0x00 campaignId]     (UTF-8; NUL never occurs in these fields)
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ExpiredTokenError, MalformedTokenError, TamperedTokenError, UnknownKeyError } from './errors';

export interface UnsubscribeClaims {
  email: string;
  topic?: string;
  campaignId?: string;
  /** Epoch seconds. */
  issuedAt: number;
}

export interface Sealer {
  currentKeyId: string;
  seal(claims: Omit<UnsubscribeClaims, 'issuedAt'> & { issuedAt?: number }): string;
  /** Throws MalformedTokenError, TamperedTokenError, UnknownKeyError or ExpiredTokenError. */
  open(token: string): UnsubscribeClaims;
}

export interface SealerOptions {
  /** Key id -> 32-byte key, base64 or base64url. Old ids stay here so old links keep opening. */
  keys: Record<string, string>;
  currentKeyId: string;
  /** Links stay valid this long; default 730, never less than 365 (R-EM-2 wants a year at least). */
  maxAgeDays?: number;
  /** Clock in epoch milliseconds (tests). */
  now?: () => number;
}

const VERSION = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const IV = 12;
const TAG = 16;
const HEADER = 5;

function decodeKey(id: string, text: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new RangeError(`token key ${id} must be 32 bytes (base64/base64url)`);
  return key;
}

function checkField(name: string, value: string | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value === '') throw new RangeError(`${name} must be a non-empty string`);
  if (value.includes('\u0000')) throw new RangeError(`${name} must not contain NUL`);
}

export function createSealer(opts: SealerOptions): Sealer {
  const keys = new Map<string, Buffer>();
  for (const [id, text] of Object.entries(opts.keys)) {
    if (!KEY_ID.test(id)) throw new RangeError(`token key id ${JSON.stringify(id)} must match ${KEY_ID}`);
    keys.set(id, decodeKey(id, text));
  }
  const current = keys.get(opts.currentKeyId);
  if (current === undefined) throw new RangeError(`current token key ${opts.currentKeyId} is not configured`);
  const maxAgeDays = opts.maxAgeDays ?? 730;
  if (!(maxAgeDays >= 365)) throw new RangeError('maxAgeDays must be at least 365 (R-EM-2)');
  const maxAgeSeconds = maxAgeDays * 86_400;
  const now = opts.now ?? Date.now;
  const currentKeyId = opts.currentKeyId;

  function seal(claims: Omit<UnsubscribeClaims, 'issuedAt'> & { issuedAt?: number }): string {
    checkField('email', claims.email);
    if (claims.email === undefined) throw new RangeError('email is required');
    checkField('topic', claims.topic);
    checkField('campaignId', claims.campaignId);
    const issuedAt = claims.issuedAt ?? Math.floor(now() / 1000);
    if (!Number.isInteger(issuedAt) || issuedAt < 0 || issuedAt > 0xffffffff) {
      throw new RangeError('issuedAt must be whole epoch seconds');
    }
    const header = Buffer.alloc(HEADER);
    header.writeUInt8((claims.topic === undefined ? 0 : 1) | (claims.campaignId === undefined ? 0 : 2), 0);
    header.writeUInt32BE(issuedAt, 1);
    const fields = [claims.email];
    if (claims.topic !== undefined) fields.push(claims.topic);
    if (claims.campaignId !== undefined) fields.push(claims.campaignId);
    const plain = Buffer.concat([header, Buffer.from(fields.join('\u0000'), 'utf8')]);

    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', current!, iv);
    cipher.setAAD(Buffer.from(`${VERSION}.${currentKeyId}`));
    const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${currentKeyId}.${body.toString('base64url')}`;
  }

  function open(token: string): UnsubscribeClaims {
    if (typeof token !== 'string' || token.length > 4096)
      throw new MalformedTokenError('token is not a string');
    const parts = token.split('.');
    if (parts.length !== 3) throw new MalformedTokenError('token must have three parts');
    const [version, kid, encoded] = parts as [string, string, string];
    if (version !== VERSION) throw new MalformedTokenError('unknown token version');
    if (!KEY_ID.test(kid)) throw new MalformedTokenError('malformed key id');
    if (!B64URL.test(encoded)) throw new MalformedTokenError('token body is not base64url');
    const body = Buffer.from(encoded, 'base64url');
    // Only the canonical encoding: otherwise a flip in the unused low bits of the last
    // character would decode to the same bytes and go unnoticed.
    if (body.toString('base64url') !== encoded)
      throw new MalformedTokenError('token body is not canonical base64url');
    if (body.length < IV + HEADER + 1 + TAG) throw new MalformedTokenError('token too short');
    const key = keys.get(kid);
    if (key === undefined) throw new UnknownKeyError(kid);

    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV));
      decipher.setAAD(Buffer.from(`${VERSION}.${kid}`));
      decipher.setAuthTag(body.subarray(body.length - TAG));
      plain = Buffer.concat([decipher.update(body.subarray(IV, body.length - TAG)), decipher.final()]);
    } catch {
      throw new TamperedTokenError('token failed authentication');
    }

    const flags = plain.readUInt8(0);
    const issuedAt = plain.readUInt32BE(1);
    const fields = plain.subarray(HEADER).toString('utf8').split('\u0000');
    const hasTopic = (flags & 1) !== 0;
    const hasCampaign = (flags & 2) !== 0;
    if (flags > 3 || fields.length !== 1 + Number(hasTopic) + Number(hasCampaign) || fields[0] === '') {
      throw new MalformedTokenError('token payload is malformed');
    }
    if (Math.floor(now() / 1000) - issuedAt > maxAgeSeconds) throw new ExpiredTokenError('token expired');
    const claims: UnsubscribeClaims = { email: fields[0]!, issuedAt };
    if (hasTopic) claims.topic = fields[1]!;
    if (hasCampaign) claims.campaignId = fields[hasTopic ? 2 : 1]!;
    return claims;
  }

  return { currentKeyId, seal, open };
}
