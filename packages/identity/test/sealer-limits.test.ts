// The sealer's limits, as the person holding a link meets them (R-EM-2): a link opens for at least
// a year; a key id, a field or a time that would make links that can never be opened is refused
// when sealing, with the reason; a token that is not ours is refused with a typed error naming why.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSealer,
  ExpiredTokenError,
  generateSecret,
  MalformedTokenError,
  TamperedTokenError,
  UnknownKeyError,
} from '../src/index';

const key = generateSecret();
const day = 86_400;
const T0 = Date.UTC(2026, 0, 15) / 1000;

const sealerAt = (nowSeconds: number, extra: Partial<Parameters<typeof createSealer>[0]> = {}) =>
  createSealer({ keys: { k1: key }, currentKeyId: 'k1', now: () => nowSeconds * 1000, ...extra });

/** A token with our key and framing around any payload: what only a buggy or older sealer makes. */
function forge(payload: Buffer, kid = 'k1'): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
  c.setAAD(Buffer.from(`v1.${kid}`));
  const body = Buffer.concat([iv, c.update(payload), c.final(), c.getAuthTag()]);
  return `v1.${kid}.${body.toString('base64url')}`;
}
const header = (flags: number, issuedAt = T0) => {
  const h = Buffer.alloc(5);
  h.writeUInt8(flags, 0);
  h.writeUInt32BE(issuedAt, 1);
  return h;
};

describe('a link opens a year later (R-EM-2)', () => {
  it('with the shortest allowed life (365 days), it opens on its last day and not a second after', () => {
    const token = sealerAt(T0).seal({ email: 'ana@example.com', topic: 'weekly' });
    expect(sealerAt(T0 + 365 * day, { maxAgeDays: 365 }).open(token)).toEqual({
      email: 'ana@example.com',
      topic: 'weekly',
      issuedAt: T0,
    });
    expect(() => sealerAt(T0 + 365 * day + 1, { maxAgeDays: 365 }).open(token)).toThrow(
      new ExpiredTokenError('token expired'),
    );
  });

  it('a configuration of 364 days is refused, saying why', () => {
    expect(() => sealerAt(T0, { maxAgeDays: 364 })).toThrow('maxAgeDays must be at least 365 (R-EM-2)');
    expect(() => sealerAt(T0, { maxAgeDays: 365 })).not.toThrow();
  });

  it('the campaign alone (no topic) comes back as the campaign', () => {
    const token = sealerAt(T0).seal({ email: 'bo@example.com', campaignId: 'spring' });
    expect(sealerAt(T0).open(token)).toEqual({ email: 'bo@example.com', campaignId: 'spring', issuedAt: T0 });
    const plain = sealerAt(T0).seal({ email: 'cy@example.com' });
    // Strict: no topic or campaign key at all, so the page does not offer "leave campaign undefined".
    expect(sealerAt(T0).open(plain)).toStrictEqual({ email: 'cy@example.com', issuedAt: T0 });
    const topicOnly = sealerAt(T0).seal({ email: 'cy@example.com', topic: 'weekly' });
    expect(sealerAt(T0).open(topicOnly)).toStrictEqual({
      email: 'cy@example.com',
      topic: 'weekly',
      issuedAt: T0,
    });
  });

  it('keeps any address text intact, UTF-8 included', () => {
    const email = 'zoë.ßüñ@exämple.com';
    expect(sealerAt(T0).open(sealerAt(T0).seal({ email })).email).toBe(email);
  });
});

describe('what could never be opened is refused when sealing', () => {
  it('a key id with a dot or other characters a token cannot carry', () => {
    for (const id of ['k.1', 'k 1', '', 'a'.repeat(17), 'k/1']) {
      expect(() => createSealer({ keys: { [id]: key }, currentKeyId: id })).toThrow(
        `token key id ${JSON.stringify(id)} must match /^[A-Za-z0-9_-]{1,16}$/`,
      );
    }
    expect(() =>
      createSealer({ keys: { 'A-z_9': key, ['x'.repeat(16)]: key }, currentKeyId: 'A-z_9' }),
    ).not.toThrow();
  });

  it('an empty or NUL-bearing address, topic or campaign', () => {
    const s = sealerAt(T0);
    expect(() => s.seal({ email: '' })).toThrow('email must be a non-empty string');
    expect(() => s.seal({ email: 'a\u0000b@example.com' })).toThrow('email must not contain NUL');
    expect(() => s.seal({ email: 'a@example.com', topic: '' })).toThrow('topic must be a non-empty string');
    expect(() => s.seal({ email: 'a@example.com', topic: 'x\u0000' })).toThrow('topic must not contain NUL');
    expect(() => s.seal({ email: 'a@example.com', campaignId: '' })).toThrow(
      'campaignId must be a non-empty string',
    );
    expect(() => s.seal({ email: 'a@example.com', campaignId: '\u0000' })).toThrow(
      'campaignId must not contain NUL',
    );
    expect(() => s.seal({ email: 42 as unknown as string })).toThrow('email must be a non-empty string');
    expect(() => s.seal({} as { email: string })).toThrow('email is required');
  });

  it('a time that is not whole epoch seconds in 32 bits', () => {
    const s = sealerAt(T0);
    for (const issuedAt of [-1, 1.5, 0x1_0000_0000, Number.NaN]) {
      expect(() => s.seal({ email: 'a@example.com', issuedAt })).toThrow(
        'issuedAt must be whole epoch seconds',
      );
    }
    expect(sealerAt(0).open(sealerAt(0).seal({ email: 'a@example.com', issuedAt: 0 })).issuedAt).toBe(0);
    const last = 0xffff_ffff;
    expect(
      sealerAt(last).open(sealerAt(last).seal({ email: 'a@example.com', issuedAt: last })).issuedAt,
    ).toBe(last);
  });
});

describe('a token that is not ours is refused, naming why', () => {
  const s = sealerAt(T0);
  const good = s.seal({ email: 'ana@example.com' });
  const [, , body] = good.split('.') as [string, string, string];

  it.each([
    ['not a string', 42 as unknown as string, 'token is not a string'],
    ['over 4096 characters', `v1.k1.${'A'.repeat(4091)}`, 'token is not a string'],
    ['two parts', `v1.${body}`, 'token must have three parts'],
    ['another version', `v2.k1.${body}`, 'unknown token version'],
    ['a key id with a space', `v1.k 1.${body}`, 'malformed key id'],
    ['a key id with a suffix', `v1.k1!.${body}`, 'malformed key id'],
    ['a key id with a prefix', `v1.!k1.${body}`, 'malformed key id'],
    ['a body that is not base64url', `v1.k1.${body}+`, 'token body is not base64url'],
    ['a body with a bad start', `v1.k1.=${body}`, 'token body is not base64url'],
    ['a body too short', `v1.k1.${Buffer.alloc(12 + 5 + 16).toString('base64url')}`, 'token too short'],
  ])('%s', (_, token, message) => {
    expect(() => s.open(token)).toThrow(new MalformedTokenError(message));
  });

  it('one token text per token: a body with stray low bits in its last character is refused', () => {
    // 'AAAB' decodes to the same bytes as 'AAAA' (the last 4 bits are padding): only the canonical
    // text is a token, so a link cannot be altered into another one that opens alike.
    // A body whose length leaves padding bits (not a multiple of 3 bytes).
    const token = ['a', 'ab', 'abc']
      .map((local) => s.seal({ email: `${local}@example.com` }))
      .find((t) => Buffer.from(t.split('.')[2]!, 'base64url').length % 3 !== 0)!;
    const body = token.split('.')[2]!;
    const last = body.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const altered = `v1.k1.${body.slice(0, -1)}${twin}`;
    expect(Buffer.from(altered.split('.')[2]!, 'base64url')).toEqual(Buffer.from(body, 'base64url'));
    expect(() => s.open(altered)).toThrow(new MalformedTokenError('token body is not canonical base64url'));
  });

  it('exactly 4096 characters is still read (then refused for what it is)', () => {
    const long = `v1.k1.${'A'.repeat(4090)}`;
    expect(long).toHaveLength(4096);
    expect(() => s.open(long)).toThrow(TamperedTokenError);
  });

  it('the shortest body that can hold an address is read, one byte less is too short', () => {
    const shortest = forge(Buffer.concat([header(0), Buffer.from('a')]));
    expect(s.open(shortest)).toEqual({ email: 'a', issuedAt: T0 });
    const body = Buffer.from(shortest.split('.')[2]!, 'base64url');
    const cut = `v1.k1.${body.subarray(0, body.length - 1).toString('base64url')}`;
    expect(() => s.open(cut)).toThrow(new MalformedTokenError('token too short'));
  });

  it('a key we do not hold, and a body that fails authentication', () => {
    expect(() => s.open(`v1.k9.${body}`)).toThrow(UnknownKeyError);
    const flipped = Buffer.from(body, 'base64url');
    flipped[20]! ^= 1;
    expect(() => s.open(`v1.k1.${flipped.toString('base64url')}`)).toThrow(
      new TamperedTokenError('token failed authentication'),
    );
  });

  it.each([
    ['unknown flag bits', Buffer.concat([header(4), Buffer.from('a@example.com')])],
    ['a topic flag without a topic', Buffer.concat([header(1), Buffer.from('a@example.com')])],
    ['a campaign flag without a campaign', Buffer.concat([header(2), Buffer.from('a@example.com')])],
    ['a field too many', Buffer.concat([header(0), Buffer.from('a@example.com\u0000weekly')])],
    ['an empty address', Buffer.concat([header(1), Buffer.from('\u0000weekly')])],
  ])('a sealed payload with %s is malformed, never read as an address', (_, payload) => {
    expect(() => s.open(forge(payload))).toThrow(new MalformedTokenError('token payload is malformed'));
  });

  it('both flags: topic then campaign', () => {
    const t = forge(Buffer.concat([header(3), Buffer.from('a@example.com\u0000weekly\u0000spring')]));
    expect(s.open(t)).toEqual({
      email: 'a@example.com',
      topic: 'weekly',
      campaignId: 'spring',
      issuedAt: T0,
    });
  });
});
