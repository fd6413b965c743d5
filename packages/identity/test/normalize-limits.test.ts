// The limits of normalization as a caller meets them: the 4xx / dead-letter text names the subject
// type and the reason (never the value), and values just inside a limit are kept.
import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizeOpaqueId, normalizePhone, toRegion, toSubject } from '../src/index';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
};

describe('email limits', () => {
  const local64 = 'a'.repeat(64);
  const domain253 = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(61)}`;
  it.each([
    [42, 'invalid email: not a string'],
    [
      `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(62)}.com`,
      'invalid email: longer than 320 characters',
    ],
    [`${'a'.repeat(65)}@x.com`, 'invalid email: local part longer than 64 bytes'],
    [`${'é'.repeat(33)}@x.com`, 'invalid email: local part longer than 64 bytes'],
    [`a@${domain253}x`, 'invalid email: domain longer than 253 characters'],
    ['.a@x.com', 'invalid email: misplaced dot in local part'],
    ['a.@x.com', 'invalid email: misplaced dot in local part'],
    ['a"@x.com', 'invalid email: character not allowed in local part'],
    ['a@x.a1', 'accepted'],
    ['a@x.c0m', 'accepted'],
    ['a@x.1com', 'accepted'],
    ['a@1.2.3.44', 'invalid email: numeric top-level domain'],
    ['a@x.co-', 'invalid email: invalid domain label'],
    ['ab(@x.com', 'invalid email: character not allowed in local part'],
    ['(ab@x.com', 'invalid email: character not allowed in local part'],
    ['a@\u00ad', 'invalid email: character not allowed in domain'],
    ['a@.', 'invalid email: domain needs at least two labels'],
  ])('%j: %s', (raw, expected) => {
    expect(messageOf(() => normalizeEmail(raw as string))).toBe(expected);
  });

  it('keeps the longest allowed parts', () => {
    expect(domain253).toHaveLength(253);
    expect(normalizeEmail(`${local64}@x.com`)).toBe(`${local64}@x.com`);
    expect(normalizeEmail(`a@${domain253}`)).toBe(`a@${domain253}`);
    const exactly320 = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(59)}.com`;
    expect(exactly320).toHaveLength(320);
    expect(messageOf(() => normalizeEmail(exactly320))).not.toBe('invalid email: longer than 320 characters');
  });

  it('a domain that is only a percent-free but unusable name is refused as invalid', () => {
    expect(messageOf(() => normalizeEmail('a@xn--a.com'))).toBe('invalid email: invalid domain');
  });
});

describe('phone limits', () => {
  it.each([
    [42, 'invalid phone: not a string'],
    ['   ', 'invalid phone: empty'],
    [`+1 415 555 0123${' '.repeat(50)}0`, 'invalid phone: longer than 64 characters'],
    ['+1 415 CALL NOW', 'invalid phone: letters in number'],
    ['+1 415 555 0123 extension 5', 'invalid phone: letters in number'],
    ['+999 1234567', 'invalid phone: not a phone number'],
    ['+1 415 555 01234567', 'invalid phone: not a possible number for its country'],
  ])('%j: %s', (raw, expected) => {
    expect(messageOf(() => normalizePhone(raw as string))).toBe(expected);
  });

  it('drops an extension however it is written, and trims first', () => {
    for (const raw of [
      '+1 415 555 0123 ext. 12',
      '+1 415 555 0123 ext 12',
      '+1 415 555 0123x12',
      '+1 415 555 0123 #12 ',
    ]) {
      expect(normalizePhone(raw)).toBe('+14155550123');
    }
    expect(normalizePhone(` ${'+1 415 555 0123'.padEnd(63)}`)).toBe('+14155550123');
  });

  it('reads the default region in any case, and names an unknown one', () => {
    expect(toRegion(' gb ')).toBe('GB');
    expect(normalizePhone('020 7946 0018', ' gb')).toBe('+442079460018');
    expect(messageOf(() => toRegion('zz'))).toBe('invalid phone: unknown default region ZZ');
    expect(toSubject('phone', '(415) 555-0123')).toEqual({ type: 'phone', value: '+14155550123' });
  });
});

describe('opaque id limits', () => {
  it.each([
    [42, 'customer', 'invalid customer: not a string'],
    [' ', 'device', 'invalid device: empty'],
    ['x'.repeat(201), 'customer', 'invalid customer: longer than 200 characters'],
    ['a\u0007b', 'device', 'invalid device: control or unassigned character'],
  ])('%j (%s): %s', (raw, type, expected) => {
    expect(messageOf(() => normalizeOpaqueId(raw as string, type as 'customer' | 'device'))).toBe(expected);
  });

  it('is a customer id unless told, and an unknown type is named', () => {
    expect(messageOf(() => normalizeOpaqueId(''))).toBe('invalid customer: empty');
    expect(messageOf(() => toSubject('pager' as 'device', 'x'))).toBe('invalid pager: unknown subject type');
  });
});
