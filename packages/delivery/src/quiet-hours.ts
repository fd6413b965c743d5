// R-SMS-6: marketing texts only inside the recipient's local window (8:00-21:00 by default,
// configurable for stricter states). The time zone comes from the request, else from the number
// (country / area code, Google's libphonenumber time-zone map), else a configured fallback. When a
// number maps to several zones, the message must be inside the window in every one of them.
import geo from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface QuietHours {
  /** Minutes after local midnight when sending may start (8:00 -> 480). */
  startMinute: number;
  /** Minutes after local midnight when sending must stop (21:00 -> 1260). */
  endMinute: number;
  /** Zone used when neither the request nor the number tells one. */
  fallbackTimeZone: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = {
  startMinute: 8 * 60,
  endMinute: 21 * 60,
  fallbackTimeZone: 'America/New_York',
};

/** "08:00" -> 480. */
export function parseClock(s: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) throw new Error(`expected HH:MM, got ${s}`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || h * 60 + min > 1440) throw new Error(`not a time of day: ${s}`);
  return h * 60 + min;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The recipient's candidate zones: the request's, else the number's, else the fallback. */
export async function recipientTimeZones(
  phone: string,
  requested: string | undefined,
  fallback: string,
): Promise<string[]> {
  if (requested && isTimeZone(requested)) return [requested];
  try {
    const parsed = parsePhoneNumberFromString(phone);
    const zones = ((await geo.timezones(parsed)) ?? []).filter((z) => z !== 'Etc/Unknown' && isTimeZone(z));
    if (zones.length > 0) return zones;
  } catch {
    // an unknown number maps to the fallback
  }
  return [fallback];
}

const formats = new Map<string, Intl.DateTimeFormat>();
function minuteOfDay(at: Date, tz: string): number {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(tz, f);
  }
  let h = 0;
  let m = 0;
  for (const p of f.formatToParts(at)) {
    if (p.type === 'hour') h = Number(p.value);
    if (p.type === 'minute') m = Number(p.value);
  }
  return h * 60 + m;
}

function inside(at: Date, zones: string[], q: QuietHours): boolean {
  return zones.every((tz) => {
    const m = minuteOfDay(at, tz);
    return m >= q.startMinute && m < q.endMinute;
  });
}

/**
 * null when `now` is inside the window in every zone; else the first minute at which it is
 * (searched over two days; zones too far apart to share a window fall back to the first zone).
 */
export function nextSendTime(now: Date, zones: string[], q: QuietHours): Date | null {
  if (inside(now, zones, q)) return null;
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
  for (const set of [zones, zones.slice(0, 1)]) {
    for (let i = 0; i < 2 * 24 * 60; i++) {
      const t = new Date(start.getTime() + i * 60_000);
      if (inside(t, set, q)) return t;
    }
  }
  return null;
}
