// SMTP_ALLOWED_CLIENTS: only the mail server that forwards abuse@ may deliver here.
import { describe, expect, it } from 'vitest';
import { clientFilter } from '../src/app';
import { ABUSE, plainMail, startInbox } from './helpers';

describe('allowed SMTP clients', () => {
  it('refuses a client outside the list at connect, and accepts one inside it', async () => {
    const closed = await startInbox({ SMTP_ALLOWED_CLIENTS: '192.0.2.10,198.51.100.0/24' });
    try {
      const err = await closed
        .send(plainMail({ to: ABUSE, subject: 'x', body: 'y' }), [ABUSE])
        .catch((e: unknown) => e);
      expect(String((err as Error).message)).toMatch(/554|Not allowed/);
    } finally {
      await closed.close();
    }
    const open = await startInbox({ SMTP_ALLOWED_CLIENTS: '127.0.0.0/8' });
    try {
      const r = await open.send(plainMail({ to: ABUSE, subject: 'x', body: 'y' }), [ABUSE]);
      expect(r.accepted).toEqual([ABUSE]);
    } finally {
      await open.close();
    }
  });

  it('matches addresses and ranges, IPv4-mapped IPv6 included', () => {
    const allowed = clientFilter(['192.0.2.10', '198.51.100.0/24', '2001:db8::/32'])!;
    expect(allowed('192.0.2.10')).toBe(true);
    expect(allowed('::ffff:198.51.100.7')).toBe(true);
    expect(allowed('2001:db8::1')).toBe(true);
    expect(allowed('192.0.2.11')).toBe(false);
    expect(clientFilter([])).toBeUndefined();
  });
});
