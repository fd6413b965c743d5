// Issue 10 item 5: which errors a list consumer treats as poison (dead-letter at once), which it
// retries (for a bounded time) and which pause it (an outage), on errors produced by the real
// PostgreSQL through the real drivers — and what may be said about them in logs and dead letters.
import { randomUUID } from 'node:crypto';
import { createDb, type DbHandle, dbPoisonReason, isConnectionError, migrateDb, schema } from '@sp/db';
import { classifyError, safeErrorText } from '@sp/messaging';
import { freePort, freshDatabase } from '@sp/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The wiring startListConsumer gives the runner.
const listConsumer = { isOutage: isConnectionError, isPoison: dbPoisonReason };
const verdict = (err: unknown) => {
  const v = classifyError(listConsumer, err);
  return v.kind === 'reject' ? `poison:${v.cause.reason}` : v.kind;
};

async function thrown(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

// Personal data that goes into the failing statements as parameters: it must never be echoed.
const EMAIL = 'ann.secret@example.com';
const PHONE = '+14155550123';

const ledgerRow = (over: Record<string, unknown> = {}) => ({
  eventId: randomUUID(),
  type: 'consent.sms-inbound.v1',
  source: 'test',
  occurredAt: new Date(),
  subjectKeys: ['t1:key'],
  keyId: 't1',
  scopes: [],
  payload: { data: { body: 'stop', to: PHONE, note: EMAIL } },
  ...over,
});

const stateRow = (over: Record<string, unknown> = {}) => ({
  subjectKey: `t1:${EMAIL}`,
  channel: 'email',
  purpose: 'marketing',
  topic: '*',
  suppressed: true,
  reason: 'email-optout',
  eventId: randomUUID(),
  source: 'test',
  occurredAt: new Date(),
  ...over,
});

const drivers: [string, () => Promise<{ h: DbHandle; done: () => Promise<void> }>][] = [
  [
    'postgres (real server)',
    async () => {
      const fresh = await freshDatabase('sp_errclass');
      const h = await createDb({ url: fresh.url, max: 2 });
      return { h, done: () => h.close().then(() => fresh.drop()) };
    },
  ],
  [
    'pglite (embedded)',
    async () => {
      const h = await createDb({ pglite: 'memory://' });
      return { h, done: () => h.close() };
    },
  ],
];

describe.each(drivers)('error classes on %s', (_name, open) => {
  let h: DbHandle;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ h, done } = await open());
    await migrateDb(h);
  });
  afterAll(() => done());

  it('U+0000 in jsonb (the `stop\\u0000` text) is poison, and its text carries no parameter', async () => {
    const err = await thrown(
      h.db.insert(schema.ledger).values(ledgerRow({ payload: { data: { body: 'stop\u0000', to: PHONE } } })),
    );
    expect(verdict(err)).toBe('poison:encoding');
    const text = safeErrorText(err);
    expect(text).toMatch(/22P05|unicode|escape/i);
    expect(text).not.toContain(PHONE);
    expect(text).not.toMatch(/insert into|params/i);
  });

  it('a CHECK violation (23514) and a NOT NULL violation (23502) are poison (constraint)', async () => {
    const check = await thrown(h.db.insert(schema.suppressionState).values(stateRow({ channel: 'fax' })));
    expect(verdict(check)).toBe('poison:constraint');
    const text = safeErrorText(check);
    expect(text).toContain('23514');
    expect(text).toContain('suppression_state_channel');
    expect(text).not.toContain(EMAIL);

    const notNull = await thrown(
      h.db.execute(
        sql`insert into suppression_state (subject_key, channel, purpose, topic, suppressed, reason, event_id, source, occurred_at) values (${EMAIL}, 'email', 'marketing', '*', true, null, ${randomUUID()}, 'test', now())`,
      ),
    );
    expect(verdict(notNull)).toBe('poison:constraint');
    expect(safeErrorText(notNull)).toContain('23502');
    expect(safeErrorText(notNull)).not.toContain(EMAIL);
  });

  it('a value the column type refuses (22P02 invalid uuid) is poison (data-exception), the value blanked out', async () => {
    const err = await thrown(h.db.execute(sql`select ${`${EMAIL}-not-a-uuid`}::uuid`));
    expect(verdict(err)).toBe('poison:data-exception');
    expect(safeErrorText(err)).toContain('22P02');
    expect(safeErrorText(err)).not.toContain('ann.secret');
  });

  it('a unique violation (23505, a conflict with another writer) is retried, not poison', async () => {
    const row = ledgerRow();
    await h.db.insert(schema.ledger).values(row);
    const err = await thrown(h.db.insert(schema.ledger).values(row));
    expect(verdict(err)).toBe('retry');
    expect(safeErrorText(err)).not.toContain(row.eventId);
  });

  it('errors of no known kind are retried (bounded by the runner)', async () => {
    const err = await thrown(h.db.execute(sql`select * from no_such_table_here`));
    expect(verdict(err)).toBe('retry');
  });
});

describe('error classes outside the database', () => {
  it('a refused connection is an outage (pause, no bound)', async () => {
    const h = await createDb({ url: `postgres://postgres@127.0.0.1:${await freePort()}/x`, max: 1 });
    try {
      const err = await thrown(h.db.execute(sql`select 1`));
      expect(verdict(err)).toBe('outage');
    } finally {
      await h.close();
    }
  });

  it('JSON that does not parse and bytes that do not decode are poison; their text echoes no input', async () => {
    const json = await thrown(() => JSON.parse(`{"email": "${EMAIL}", "body": `));
    expect(verdict(json)).toBe('poison:json');
    expect(safeErrorText(json)).not.toContain('ann.secret');
    const bytes = await thrown(() =>
      new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from([0x73, 0xff, 0xfe])),
    );
    expect(verdict(bytes)).toBe('poison:encoding');
    const uri = await thrown(() => decodeURIComponent('%E0%A4%A'));
    expect(verdict(uri)).toBe('poison:encoding');
  });

  it('a plain error is retried; its text is bounded and free of addresses and numbers', () => {
    const err = new Error(`could not reach ${EMAIL} at ${PHONE} ${'x'.repeat(1000)}`);
    expect(verdict(err)).toBe('retry');
    const text = safeErrorText(err);
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(PHONE);
  });
});
