import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS, nextSendTime, parseClock, recipientTimeZones } from '../src/index';

describe('quiet hours (R-SMS-6)', () => {
  it('parses HH:MM', () => {
    expect(parseClock('08:00')).toBe(480);
    expect(parseClock('21:30')).toBe(1290);
    expect(() => parseClock('8am')).toThrow();
  });

  it('inside 8:00-21:00 local: send now', () => {
    // 12:00 in Los Angeles (PST, UTC-8)
    expect(
      nextSendTime(new Date('2026-01-15T20:00:00Z'), ['America/Los_Angeles'], DEFAULT_QUIET_HOURS),
    ).toBeNull();
  });

  it('at 23:00 local: deferred to 8:00 the next morning, not dropped', () => {
    const at = nextSendTime(new Date('2026-01-16T07:00:00Z'), ['America/Los_Angeles'], DEFAULT_QUIET_HOURS);
    expect(at?.toISOString()).toBe('2026-01-16T16:00:00.000Z');
  });

  it('21:00 sharp is outside; 8:00 sharp is inside', () => {
    expect(
      nextSendTime(new Date('2026-01-16T05:00:00Z'), ['America/Los_Angeles'], DEFAULT_QUIET_HOURS),
    ).not.toBeNull();
    expect(
      nextSendTime(new Date('2026-01-16T16:00:00Z'), ['America/Los_Angeles'], DEFAULT_QUIET_HOURS),
    ).toBeNull();
  });

  it('a configurable, stricter window (a state rule)', () => {
    const strict = { ...DEFAULT_QUIET_HOURS, startMinute: 9 * 60, endMinute: 20 * 60 };
    // 8:30 in New York (EST, UTC-5): outside 9-20, allowed at 9:00
    const at = nextSendTime(new Date('2026-01-15T13:30:00Z'), ['America/New_York'], strict);
    expect(at?.toISOString()).toBe('2026-01-15T14:00:00.000Z');
  });

  it('several candidate zones: inside the window in every one of them', () => {
    // 20:30 in New York is 17:30 in Los Angeles: New York is past 21:00 at 21:00 ET
    const now = new Date('2026-01-16T01:30:00Z'); // 20:30 ET, 17:30 PT
    expect(nextSendTime(now, ['America/New_York'], DEFAULT_QUIET_HOURS)).toBeNull();
    const later = new Date('2026-01-16T02:30:00Z'); // 21:30 ET, 18:30 PT
    const at = nextSendTime(later, ['America/New_York', 'America/Los_Angeles'], DEFAULT_QUIET_HOURS);
    expect(at?.toISOString()).toBe('2026-01-16T16:00:00.000Z'); // 8:00 PT = 11:00 ET
  });

  it('time zone: request first, else the number (country / area code), else the fallback', async () => {
    expect(await recipientTimeZones('+14155550123', 'Europe/Berlin', 'America/New_York')).toEqual([
      'Europe/Berlin',
    ]);
    expect(await recipientTimeZones('+14155550123', undefined, 'America/New_York')).toEqual([
      'America/Los_Angeles',
    ]);
    expect(await recipientTimeZones('+12125550123', undefined, 'America/Chicago')).toEqual([
      'America/New_York',
    ]);
    expect(await recipientTimeZones('+442071838750', 'Not/AZone', 'America/New_York')).toEqual([
      'Europe/London',
    ]);
    expect(await recipientTimeZones('not a number', undefined, 'America/Denver')).toEqual(['America/Denver']);
  });
});
