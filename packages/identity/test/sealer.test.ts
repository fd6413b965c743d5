import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSealer,
  ExpiredTokenError,
  generateSecret,
  MalformedTokenError,
  TamperedTokenError,
  TokenError,
  UnknownKeyError,
  type UnsubscribeClaims,
} from '../src/index';

const k2025 = generateSecret();
const k2026 = generateSecret();
const day = 86_400;

function openError(sealer: ReturnType<typeof createSealer>, token: string): unknown {
  try {
    sealer.open(token);
  } catch (err) {
    return err;
  }
  return undefined;
}

const claimsArb = fc.record(
  {
    email: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }).filter((s) => !s.includes('\u0000')),
    topic: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')),
    campaignId: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')),
    issuedAt: fc.integer({ min: 1_750_000_000, max: 1_800_000_000 }),
  },
  { requiredKeys: ['email', 'issuedAt'] },
);

describe('unsubscribe tokens (R-EM-2)', () => {
  it('are URL-safe and under 200 characters for a typical address + topic + campaign id', () => {
    const sealer = createSealer({ keys: { k2026 }, currentKeyId: 'k2026' });
    const token = sealer.seal({
      email: 'firstname.lastname@example-company.com',
      topic: 'weekly-newsletter',
      campaignId: '2026-11-black-friday-preview',
    });
    expect(token).toMatch(/^v1\.k2026\.[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThan(200);
    expect(encodeURIComponent(token)).toBe(token);
    expect(token).not.toContain('example');
  });

  it('property: sealing then opening returns the input', () => {
    const sealer = createSealer({ keys: { k2026 }, currentKeyId: 'k2026', now: () => 1_800_000_000_000 });
    fc.assert(
      fc.property(claimsArb, (claims) => {
        expect(sealer.open(sealer.seal(claims))).toEqual(claims satisfies UnsubscribeClaims);
      }),
      { numRuns: 300 },
    );
  });

  it('property: a flipped bit anywhere in the token is detected with a typed error', () => {
    // the clock keeps every sampled issuedAt unexpired, so only the flip can make opening fail
    const sealer = createSealer({
      keys: { k2025, k2026 },
      currentKeyId: 'k2026',
      now: () => 1_800_000_000_000,
    });
    fc.assert(
      fc.property(claimsArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (claims, pos, bit) => {
        const token = sealer.seal(claims);
        expect(sealer.open(token)).toEqual(claims);
        const i = pos % token.length;
        const flipped =
          token.slice(0, i) + String.fromCharCode(token.charCodeAt(i) ^ (1 << bit)) + token.slice(i + 1);
        expect(openError(sealer, flipped)).toBeInstanceOf(TokenError);
      }),
      { numRuns: 1000 },
    );
  });

  it('a flipped bit in the encrypted bytes (not only the text) is TamperedTokenError', () => {
    const sealer = createSealer({ keys: { k2026 }, currentKeyId: 'k2026' });
    const token = sealer.seal({ email: 'a@example.com', topic: 't' });
    const [v, kid, body] = token.split('.') as [string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i]! ^= 0x01;
      expect(openError(sealer, `${v}.${kid}.${copy.toString('base64url')}`)).toBeInstanceOf(
        TamperedTokenError,
      );
    }
  });

  it('survives key rotation: a token sealed under the old key opens after a new current key is added', () => {
    const old = createSealer({ keys: { k2025 }, currentKeyId: 'k2025' });
    const token = old.seal({ email: 'a@example.com', campaignId: 'c1' });
    const rotated = createSealer({ keys: { k2025, k2026 }, currentKeyId: 'k2026' });
    expect(rotated.open(token)).toMatchObject({ email: 'a@example.com', campaignId: 'c1' });
    expect(rotated.seal({ email: 'a@example.com' })).toMatch(/^v1\.k2026\./);
  });

  it('an unknown key id fails with UnknownKeyError', () => {
    const token = createSealer({ keys: { k2025 }, currentKeyId: 'k2025' }).seal({ email: 'a@example.com' });
    const err = openError(createSealer({ keys: { k2026 }, currentKeyId: 'k2026' }), token);
    expect(err).toBeInstanceOf(UnknownKeyError);
    expect((err as UnknownKeyError).keyId).toBe('k2025');
  });

  it('a token whose key id was swapped for another configured key is tampered, not opened', () => {
    const sealer = createSealer({ keys: { k2025, k2026 }, currentKeyId: 'k2026' });
    const token = sealer.seal({ email: 'a@example.com' }).replace('.k2026.', '.k2025.');
    expect(openError(sealer, token)).toBeInstanceOf(TamperedTokenError);
  });

  it.each([
    '',
    'v1',
    'v1.k2026',
    'v2.k2026.AAAA',
    'v1.k2026.not base64',
    'v1.k2026.AAAA',
    'v1..AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'v1.k2026.AAAA.extra',
  ])('malformed token %j gives MalformedTokenError', (token) => {
    const sealer = createSealer({ keys: { k2026 }, currentKeyId: 'k2026' });
    expect(openError(sealer, token)).toBeInstanceOf(MalformedTokenError);
  });

  it('stays valid for at least 365 days; expires after maxAgeDays (default 730)', () => {
    let nowMs = Date.UTC(2026, 0, 1);
    const sealer = createSealer({ keys: { k2026 }, currentKeyId: 'k2026', now: () => nowMs });
    const token = sealer.seal({ email: 'a@example.com' });
    nowMs += 365 * day * 1000;
    expect(sealer.open(token).email).toBe('a@example.com');
    nowMs += 365 * day * 1000;
    expect(sealer.open(token).email).toBe('a@example.com');
    nowMs += 2 * day * 1000;
    expect(openError(sealer, token)).toBeInstanceOf(ExpiredTokenError);
  });

  it('refuses a configuration that would let links die before a year, or bad keys', () => {
    expect(() => createSealer({ keys: { k2026 }, currentKeyId: 'k2026', maxAgeDays: 364 })).toThrow(/365/);
    expect(() => createSealer({ keys: { k: 'c2hvcnQ' }, currentKeyId: 'k' })).toThrow(/32 bytes/);
    expect(() => createSealer({ keys: { k2026 }, currentKeyId: 'nope' })).toThrow(/not configured/);
    // standard base64 keys are accepted as well as base64url
    const std = Buffer.from(k2026, 'base64url').toString('base64');
    const a = createSealer({ keys: { k: std }, currentKeyId: 'k' });
    const b = createSealer({ keys: { k: k2026 }, currentKeyId: 'k' });
    expect(b.open(a.seal({ email: 'a@example.com' })).email).toBe('a@example.com');
  });
});
