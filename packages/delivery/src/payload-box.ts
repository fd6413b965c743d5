// Deferred requests wait in the database until the poller sends them; they hold an address and the
// template's variables, so they are stored sealed (AES-256-GCM, key id for rotation), never readable.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface PayloadBox {
  seal(value: unknown): { sealed: string; keyId: string };
  open(sealed: string, keyId: string): unknown;
}

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

/** keys: key id -> secret (16+ chars); the secret is hashed to a 256-bit key. */
export function createPayloadBox(opts: { keys: Record<string, string>; currentKeyId: string }): PayloadBox {
  const keys = new Map(
    Object.entries(opts.keys).map(([id, secret]) => [id, createHash('sha256').update(secret).digest()]),
  );
  const current = keys.get(opts.currentKeyId);
  if (!current) throw new PayloadKeyError(`no payload key ${opts.currentKeyId}`);
  return {
    seal(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return {
        sealed: Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64'),
        keyId: opts.currentKeyId,
      };
    },
    open(sealed, keyId) {
      const key = keys.get(keyId);
      if (!key) throw new PayloadKeyError(`no payload key ${keyId}`);
      const buf = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      decipher.setAuthTag(buf.subarray(12, 28));
      return JSON.parse(
        Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8'),
      );
    },
  };
}
