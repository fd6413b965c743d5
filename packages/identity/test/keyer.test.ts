import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyer, generateSecret, normalizeEmail, toSubject } from '../src/index';

const p1 = generateSecret();
const p2 = generateSecret();

describe('subject keys', () => {
  it('are "<keyId>:" + base64url HMAC-SHA256(pepper, type:normalized)', () => {
    const keyer = createKeyer({ peppers: { p1 }, currentKeyId: 'p1' });
    const subject = toSubject('email', 'A@Example.com');
    const expected = createHmac('sha256', p1).update('email:a@example.com').digest('base64url');
    expect(keyer.keyOf(subject)).toBe(`p1:${expected}`);
    expect(keyer.keyOf(subject)).not.toContain('example');
  });

  it('separate types: the same text as email and as customer id gives different keys', () => {
    const keyer = createKeyer({ peppers: { p1 }, currentKeyId: 'p1' });
    expect(keyer.keyOf({ type: 'customer', value: 'x' })).not.toBe(
      keyer.keyOf({ type: 'device', value: 'x' }),
    );
  });

  it('rotate: keysOf lists the current pepper first, then the old ones', () => {
    const before = createKeyer({ peppers: { p1 }, currentKeyId: 'p1' });
    const after = createKeyer({ peppers: { p1, p2 }, currentKeyId: 'p2' });
    const s = toSubject('phone', '(415) 555-0100');
    expect(after.currentKeyId).toBe('p2');
    expect(after.keyOf(s)).toMatch(/^p2:/);
    expect(after.keysOf(s)).toEqual([after.keyOf(s), before.keyOf(s)]);
  });

  it('refuses short peppers, bad key ids and a missing current pepper', () => {
    expect(() => createKeyer({ peppers: { p1: 'short' }, currentKeyId: 'p1' })).toThrow(/32/);
    expect(() => createKeyer({ peppers: { 'a:b': p1 }, currentKeyId: 'a:b' })).toThrow(/key id/);
    expect(() => createKeyer({ peppers: { p1 }, currentKeyId: 'p9' })).toThrow(/not configured/);
  });

  it('property: case and whitespace variants of one address give one key', () => {
    const keyer = createKeyer({ peppers: { p1 }, currentKeyId: 'p1' });
    fc.assert(
      fc.property(
        fc.emailAddress(),
        fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
        fc.constantFrom('', ' ', '\t', '\n'),
        (addr, upper, ws) => {
          const variant = `${ws}${[...addr].map((c, i) => (upper[i % 64] ? c.toUpperCase() : c)).join('')}${ws} `;
          expect(keyer.keyOf(toSubject('email', variant))).toBe(
            keyer.keyOf({ type: 'email', value: normalizeEmail(addr) }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('generateSecret gives base64url of the asked size', () => {
    expect(Buffer.from(generateSecret(), 'base64url')).toHaveLength(32);
    expect(generateSecret(48)).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });
});
