// claim / markSending / record / release / dueDeferrals on a real PostgreSQL database.
import { randomUUID } from 'node:crypto';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { freshDatabase } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClaimInput,
  claim,
  createPayloadBox,
  dueDeferrals,
  markSending,
  readLog,
  record,
  release,
} from '../src/index';

let h: DbHandle;
let drop: () => Promise<void>;
beforeAll(async () => {
  const fresh = await freshDatabase('sp_delivery');
  drop = fresh.drop;
  h = await createDb({ url: fresh.url, max: 4 });
  await migrateDb(h);
});
afterAll(async () => {
  await h.close();
  await drop();
});

const item = (messageId = randomUUID()): ClaimInput => ({
  messageId,
  channel: 'email',
  templateId: 't',
  category: 'marketing',
  subjectKey: 'k1',
});
const t0 = new Date('2026-03-01T12:00:00Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);

describe('delivery_log claims (a redelivery never sends twice)', () => {
  it('claims a new id once; the second claim reports the existing row', async () => {
    const a = item();
    const [first] = await claim(h.db, [a], { now: t0, leaseMs: 1000 });
    expect(first).toEqual({ messageId: a.messageId, claimed: true, attempt: 1 });
    const [second] = await claim(h.db, [a], { now: t0, leaseMs: 1000 });
    expect(second).toMatchObject({ claimed: false, existing: { status: 'claimed', attempts: 1 } });
  });

  it('a message id twice in one batch is claimed once', async () => {
    const a = item();
    const results = await claim(h.db, [a, a], { now: t0, leaseMs: 1000 });
    expect(results.map((r) => r.claimed)).toEqual([true, false]);
  });

  it('a stale claim that never reached the provider is taken over after its lease; one handed over never is', async () => {
    const a = item();
    const b = item();
    await claim(h.db, [a, b], { now: t0, leaseMs: 1000 });
    await markSending(h.db, [b.messageId], t0);
    const later = await claim(h.db, [a, b], { now: plus(5000), leaseMs: 1000 });
    expect(later[0]).toMatchObject({ claimed: true, attempt: 2 });
    expect(later[1]).toMatchObject({ claimed: false, existing: { status: 'claimed', nextAttemptAt: null } });
  });

  it('sent / suppressed / failed are final', async () => {
    const ids = [item(), item(), item()];
    await claim(h.db, ids, { now: t0, leaseMs: 1000 });
    await record(
      h.db,
      [
        {
          messageId: ids[0]!.messageId,
          status: 'sent',
          subjectKey: 'k1',
          reasons: [],
          providerMessageId: 'p1',
        },
        { messageId: ids[1]!.messageId, status: 'suppressed', subjectKey: 'k1', reasons: [] },
        { messageId: ids[2]!.messageId, status: 'failed', subjectKey: 'k1', reasons: [], error: 'rejected' },
      ],
      t0,
    );
    const again = await claim(h.db, ids, { now: plus(3_600_000), leaseMs: 1000 });
    expect(again.map((r) => r.claimed)).toEqual([false, false, false]);
    const rows = await readLog(
      h.db,
      ids.map((i) => i.messageId),
    );
    expect(rows.get(ids[0]!.messageId)).toMatchObject({ status: 'sent', providerMessageId: 'p1' });
    expect(rows.get(ids[2]!.messageId)).toMatchObject({ status: 'failed', error: 'rejected' });
  });

  it('a deferral keeps its sealed request, is due at next_attempt_at, and is claimable only then', async () => {
    const box = createPayloadBox({ keys: { k1: 'payload-secret-0123456789' }, currentKeyId: 'k1' });
    const a = { ...item(), channel: 'sms' as const };
    await claim(h.db, [a], { now: t0, leaseMs: 1000 });
    await record(
      h.db,
      [
        {
          messageId: a.messageId,
          status: 'deferred',
          subjectKey: 'k1',
          reasons: [],
          error: 'quiet-hours',
          nextAttemptAt: plus(60_000),
          sealedPayload: box.seal({ to: '+14155550100', messageId: a.messageId }),
        },
      ],
      t0,
    );
    expect((await dueDeferrals(h.db, 'sms', plus(30_000), 10)).map((d) => d.messageId)).not.toContain(
      a.messageId,
    );
    expect((await claim(h.db, [a], { now: plus(30_000), leaseMs: 1000 }))[0]!.claimed).toBe(false);
    const due = (await dueDeferrals(h.db, 'sms', plus(60_000), 10)).find((d) => d.messageId === a.messageId);
    expect(due).toBeDefined();
    expect(box.open(due!.sealed, due!.keyId)).toEqual({ to: '+14155550100', messageId: a.messageId });
    expect(due!.sealed).not.toContain('4155550100');
    expect((await claim(h.db, [a], { now: plus(60_000), leaseMs: 1000 }))[0]).toMatchObject({
      claimed: true,
      attempt: 2,
    });
    await record(
      h.db,
      [{ messageId: a.messageId, status: 'sent', subjectKey: '', reasons: [] }],
      plus(60_000),
    );
    expect((await dueDeferrals(h.db, 'sms', plus(999_999_999), 10)).map((d) => d.messageId)).not.toContain(
      a.messageId,
    );
    expect((await readLog(h.db, [a.messageId])).get(a.messageId)?.subjectKey).toBe('k1');
  });

  it('release hands claims back at once (their batch failed before sending)', async () => {
    const a = item();
    await claim(h.db, [a], { now: t0, leaseMs: 60_000 });
    await release(h.db, [a.messageId], t0);
    expect((await claim(h.db, [a], { now: t0, leaseMs: 60_000 }))[0]).toMatchObject({
      claimed: true,
      attempt: 2,
    });
  });
});
