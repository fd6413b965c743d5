// suppressByKey: the safest form of an opt-out that could not be applied (issue 10 item 5). It
// suppresses by subject key alone (no readable identifier, nothing in the vault), is idempotent on
// the dead letter's place, and follows the same newest-wins rule as every event.
import { schema } from '@sp/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, check, history, SALVAGE_SOURCE, salvageEventId, suppressByKey } from '../src/index';
import { email, ev, openTestDb, type TestDb } from './helpers';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t?.close());

const dlq = (offset: string) => ({
  topic: 'consent.email-optout.v1',
  partition: 2,
  offset,
  reason: 'encoding',
  error: 'PostgresError 22P05: unsupported Unicode escape sequence',
});
const marketing = (e: string) =>
  check(t.ctx, { subject: { type: 'email', value: e }, channel: 'email', kind: 'marketing' });

describe('suppressByKey', () => {
  it('suppresses the key with the reason of its event type, records the dead letter as evidence, once', async () => {
    const e = email();
    const key = t.ctx.keyer.keyOf({ type: 'email', value: e.toLowerCase() } as never);
    const req = {
      subjectKey: key,
      channel: 'email' as const,
      purpose: 'marketing' as const,
      reason: 'email-optout' as const,
      originalType: 'consent.email-optout.v1',
      occurredAt: new Date('2026-03-01T10:00:00Z'),
      deadLetter: dlq('41'),
    };
    const first = await suppressByKey(t.ctx, req);
    expect(first).toEqual({ eventId: salvageEventId('consent.email-optout.v1', 2, '41'), applied: true });
    expect(await suppressByKey(t.ctx, req)).toEqual({ ...first, applied: false });

    const r = await marketing(e);
    expect(r.allowed).toBe(false);
    expect(r.reasons).toEqual([
      expect.objectContaining({
        eventId: first.eventId,
        reason: 'email-optout',
        source: SALVAGE_SOURCE,
        topic: '*',
      }),
    ]);
    const [row] = await history(t.ctx, { type: 'email', value: e });
    expect(row).toMatchObject({
      type: 'suppression.salvage.v1',
      source: SALVAGE_SOURCE,
      payload: { evidence: { deadLetter: 'consent.email-optout.v1/2/41' }, data: { reason: 'encoding' } },
    });
    // No readable copy: only the key was known.
    const v = schema.subjectVault;
    const copies = await t.ctx.db.select().from(v).where(sql`${v.subjectKey} = ${key}`);
    expect(copies).toEqual([]);
  });

  it('a later confirmed resubscribe lifts a salvaged opt-out; an older one does not', async () => {
    const e = email();
    const key = t.ctx.keyer.keyOf({ type: 'email', value: e.toLowerCase() } as never);
    await apply(t.ctx, [ev.resubscribe(e, '2026-03-01T09:00:00Z')]);
    await suppressByKey(t.ctx, {
      subjectKey: key,
      channel: 'email',
      purpose: 'marketing',
      reason: 'email-optout',
      originalType: 'consent.email-optout.v1',
      occurredAt: new Date('2026-03-01T10:00:00Z'),
      deadLetter: dlq('42'),
    });
    expect((await marketing(e)).allowed).toBe(false);
    await apply(t.ctx, [ev.resubscribe(e, '2026-03-01T11:00:00Z')]);
    expect((await marketing(e)).allowed).toBe(true);
  });

  it('refuses a message without a key, or whose key is not a subject key (the runner marks the salvage failed)', async () => {
    const base = {
      channel: 'sms' as const,
      purpose: 'all' as const,
      reason: 'sms-stop' as const,
      originalType: 'consent.sms-inbound.v1',
      occurredAt: new Date(),
      deadLetter: dlq('43'),
    };
    await expect(suppressByKey(t.ctx, { ...base, subjectKey: null })).rejects.toThrow(/no key/);
    await expect(suppressByKey(t.ctx, { ...base, subjectKey: '+14155550123' })).rejects.toThrow(
      /not a subject key/,
    );
  });
});
