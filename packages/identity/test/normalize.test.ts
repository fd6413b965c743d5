import { ValidationError } from '@sp/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidIdentifierError,
  normalizeEmail,
  normalizeOpaqueId,
  normalizePhone,
  toSubject,
} from '../src/index';

/** Random upper/lower casing and surrounding whitespace of one address. */
const variantOf = (s: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
      fc.constantFrom('', ' ', '\t', '\n ', '  '),
      fc.constantFrom('', ' ', '\r\n', '\t'),
    )
    .map(
      ([upper, pre, post]) => pre + [...s].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('') + post,
    );

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidIdentifierError);
    expect(err).toBeInstanceOf(ValidationError);
    return (err as InvalidIdentifierError).reason;
  }
  throw new Error('expected a rejection');
}

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Jane.Doe+News@Example.COM \n')).toBe('jane.doe+news@example.com');
  });

  it('converts an IDN domain to punycode and keeps a non-ASCII local part, lower-cased', () => {
    expect(normalizeEmail('José@Bücher.example')).toBe('josé@xn--bcher-kva.example');
    expect(normalizeEmail('josé@xn--bcher-kva.example')).toBe('josé@xn--bcher-kva.example');
    // decomposed é (e + U+0301) and composed é give one spelling (NFC)
    expect(normalizeEmail('Jose\u0301@bücher.example')).toBe('josé@xn--bcher-kva.example');
    expect(normalizeEmail('a@example.com.')).toBe('a@example.com');
  });

  it.each([
    ['not-an-email', 'no @'],
    ['a@b', 'domain needs at least two labels'],
    ['@x.com', 'empty local part'],
    ['a b@c.com', 'whitespace or control character in local part'],
    ['', 'empty'],
    ['a@', 'empty domain'],
    ['a@@x.com', 'more than one @'],
    ['a..b@x.com', 'misplaced dot in local part'],
    ['a@exa mple.com', 'character not allowed in domain'],
    ['a@ex%41mple.com', 'character not allowed in domain'],
    ['a@-x.com', 'invalid domain label'],
    ['a@[192.0.2.1]', 'address literals are not supported'],
    ['"a b"@x.com', 'quoted local parts are not supported'],
    ['a@1.2.3.4', 'numeric top-level domain'],
    ['a(b)@x.com', 'character not allowed in local part'],
  ])('rejects %j with a reason (%s)', (raw, reason) => {
    expect(reasonOf(() => normalizeEmail(raw))).toBe(reason);
  });

  it('never puts the address into the error message (no PII in logs)', () => {
    try {
      normalizeEmail('secret person@example.com');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });

  it('property: normalization is idempotent', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (raw) => {
        const once = normalizeEmail(raw);
        expect(normalizeEmail(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
    // also over arbitrary strings: whatever is accepted is a fixed point
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (raw) => {
        let once: string;
        try {
          once = normalizeEmail(raw);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidIdentifierError);
          return;
        }
        expect(normalizeEmail(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: case and whitespace variants of one address give one subject', () => {
    fc.assert(
      fc.property(
        fc.emailAddress().chain((a) => fc.tuple(fc.constant(a), variantOf(a), variantOf(a))),
        ([a, v1, v2]) => {
          const n = normalizeEmail(a);
          expect(normalizeEmail(v1)).toBe(n);
          expect(normalizeEmail(v2)).toBe(n);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('normalizePhone', () => {
  it('reads national numbers in the default region (US unless configured)', () => {
    expect(normalizePhone('(415) 555-0100')).toBe('+14155550100');
    expect(normalizePhone('(415) 555-0100', 'US')).toBe('+14155550100');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toSubject('phone', '020 7946 0958', { defaultRegion: 'gb' })).toEqual({
      type: 'phone',
      value: '+442079460958',
    });
  });

  it('keeps international numbers whatever the default region', () => {
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('+44 20 7946 0958', 'DE')).toBe('+442079460958');
    expect(normalizePhone('+1 415 555 0100 ext. 12')).toBe('+14155550100');
  });

  it.each(['garbage', '', '12', '1-800-FLOWERS', '+999 123', '415-555-01OO'])('rejects %j', (raw) => {
    reasonOf(() => normalizePhone(raw));
  });

  it('rejects an unknown default region', () => {
    expect(reasonOf(() => toSubject('phone', '4155550100', { defaultRegion: 'XX' }))).toMatch(/region/);
  });

  it('property: normalization is idempotent', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('US', 'GB', 'DE', 'FR'),
        fc.stringMatching(/^[2-9][0-9]{9}$/),
        fc.constantFrom('', ' ', '(', '-'),
        (region, digits, deco) => {
          let once: string;
          try {
            once = normalizePhone(`${deco}${digits}`, region);
          } catch (err) {
            expect(err).toBeInstanceOf(InvalidIdentifierError);
            return;
          }
          expect(once).toMatch(/^\+[1-9][0-9]{6,14}$/);
          expect(normalizePhone(once, region)).toBe(once);
          expect(normalizePhone(once, 'US')).toBe(once);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('opaque ids and subjects', () => {
  it('trims, keeps case, limits to 200 printable characters', () => {
    expect(normalizeOpaqueId('  Cust-42 ')).toBe('Cust-42');
    expect(toSubject('device', ' dev_ABC ')).toEqual({ type: 'device', value: 'dev_ABC' });
    expect(normalizeOpaqueId('x'.repeat(200))).toHaveLength(200);
    reasonOf(() => normalizeOpaqueId('x'.repeat(201)));
    reasonOf(() => normalizeOpaqueId('   '));
    reasonOf(() => normalizeOpaqueId('a\u0000b'));
  });

  it('toSubject normalizes per type', () => {
    expect(toSubject('email', ' A@B.example ')).toEqual({ type: 'email', value: 'a@b.example' });
    expect(toSubject('customer', 'c-1')).toEqual({ type: 'customer', value: 'c-1' });
  });
});
