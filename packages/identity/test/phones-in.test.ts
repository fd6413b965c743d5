// phonesIn: the numbers a held or quarantined mail is also sealed to (issue 15), so that an erasure
// of that person reaches it. What a person wrote, as the inbox reads it: every valid number once,
// in E.164, national forms read in the default region, dates and ids left alone, at most `max`.
import { describe, expect, it } from 'vitest';
import { phonesIn } from '../src/index';

describe('phonesIn', () => {
  it('finds every valid number once, in E.164, national forms in the default region (US unless told)', () => {
    const text =
      'Please remove (415) 555-2671 and +44 20 7946 0018 from your list. Again: 415-555-2671. ' +
      'Order 2026-11-25, ticket 123456.';
    expect(phonesIn(text)).toEqual(['+14155552671', '+442079460018']);
  });

  it('reads national numbers in the region it is given', () => {
    expect(phonesIn('Mon numéro : 06 12 34 56 78', 'FR')).toEqual(['+33612345678']);
    expect(phonesIn('Mon numéro : 06 12 34 56 78', 'US')).toEqual([]);
  });

  it('stops at max numbers', () => {
    const many = Array.from({ length: 5 }, (_, i) => `(415) 555-26${10 + i}`).join(', ');
    expect(phonesIn(many, 'US', 3)).toEqual(['+14155552610', '+14155552611', '+14155552612']);
    expect(phonesIn(many, 'US')).toHaveLength(5);
  });

  it('finds nothing in a text without numbers', () => {
    expect(phonesIn('STOP sending me mail')).toEqual([]);
  });
});
