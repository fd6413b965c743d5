// Issue 2's proof on both drivers: the drizzle migrations apply to a fresh database, a row is
// written and read back, and the ledger refuses UPDATE / DELETE / TRUNCATE in the database itself.
import { randomUUID } from 'node:crypto';
import { freshDatabase } from '@sp/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle, isConnectionError, migrateDb, schema } from '../src/index';

function ledgerRow(id = randomUUID()) {
  return {
    eventId: id,
    type: 'consent.email-optout.v1',
    source: 'test',
    occurredAt: new Date('2026-01-02T03:04:05Z'),
    subjectKeys: ['k1'],
    keyId: 'v1',
    scopes: [{ subjectKey: 'k1', channel: 'email', purpose: 'marketing', topic: '*', suppressed: true }],
    payload: { method: 'link' },
  };
}

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause;
    return `${(e as Error).message} ${cause?.message ?? ''}`;
  }
  throw new Error('statement was not refused');
}

const drivers: Array<[string, () => Promise<{ h: DbHandle; done: () => Promise<void> }>]> = [
  [
    'postgres (real server)',
    async () => {
      const fresh = await freshDatabase('sp_db');
      const h = await createDb({ url: fresh.url, max: 2 });
      return {
        h,
        done: async () => {
          await h.close();
          await fresh.drop();
        },
      };
    },
  ],
  [
    'pglite (in memory)',
    async () => {
      const h = await createDb({ pglite: 'memory://' });
      return { h, done: () => h.close() };
    },
  ],
];

describe.each(drivers)('@sp/db on %s', (_name, open) => {
  let h: DbHandle;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ h, done } = await open());
    await migrateDb(h);
    await migrateDb(h); // twice: already-applied migrations are skipped
  });
  afterAll(async () => done());

  it('applies the drizzle migrations to a fresh database and writes and reads a row (issue 2)', async () => {
    await h.ping();
    const row = ledgerRow();
    await h.db.insert(schema.ledger).values(row);
    const [back] = await h.db.select().from(schema.ledger).where(eq(schema.ledger.eventId, row.eventId));
    expect(back?.type).toBe('consent.email-optout.v1');
    expect(back?.occurredAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(back?.subjectKeys).toEqual(['k1']);
    expect(back?.scopes).toEqual(row.scopes);
    const tables = await h.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const names = ((tables as { rows?: unknown[] }).rows ?? (tables as unknown[])).map(
      (r) => (r as { table_name: string }).table_name,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'abuse_quarantine',
        'delivery_log',
        'dns_requests',
        'ledger',
        'outbox',
        'subject_flags',
        'subject_vault',
        'suppression_state',
      ]),
    );
  });

  it('refuses UPDATE on the ledger in the database (append-only)', async () => {
    const row = ledgerRow();
    await h.db.insert(schema.ledger).values(row);
    const msg = await refused(
      h.db.update(schema.ledger).set({ source: 'tampered' }).where(eq(schema.ledger.eventId, row.eventId)),
    );
    expect(msg).toMatch(/append-only: UPDATE refused/);
    const [back] = await h.db.select().from(schema.ledger).where(eq(schema.ledger.eventId, row.eventId));
    expect(back?.source).toBe('test');
  });

  it('refuses DELETE and TRUNCATE on the ledger in the database (append-only)', async () => {
    const row = ledgerRow();
    await h.db.insert(schema.ledger).values(row);
    expect(await refused(h.db.delete(schema.ledger).where(eq(schema.ledger.eventId, row.eventId)))).toMatch(
      /append-only: DELETE refused/,
    );
    expect(await refused(h.db.execute(sql`truncate ledger`))).toMatch(/append-only: TRUNCATE refused/);
    const back = await h.db.select().from(schema.ledger).where(eq(schema.ledger.eventId, row.eventId));
    expect(back).toHaveLength(1);
  });

  it('a second insert of the same event id is a no-op with on conflict do nothing (idempotency key)', async () => {
    const row = ledgerRow();
    const first = await h.db.insert(schema.ledger).values(row).onConflictDoNothing().returning();
    const second = await h.db.insert(schema.ledger).values(row).onConflictDoNothing().returning();
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
  });

  it('keeps Do-Not-Sell request records at least 24 months (R-DNS-7)', async () => {
    const base = {
      requestId: 'r1',
      requestedAt: new Date('2026-01-01T00:00:00Z'),
      asked: ['sale_share'],
      method: 'web-form',
      gpc: false,
      combinedForm: false,
      subjectKeys: ['k'],
      response: 'honored',
    };
    await h.db
      .insert(schema.dnsRequests)
      .values({ ...base, eventId: randomUUID(), retainUntil: new Date('2028-01-01T00:00:00Z') });
    const msg = await refused(
      h.db
        .insert(schema.dnsRequests)
        .values({ ...base, eventId: randomUUID(), retainUntil: new Date('2027-12-31T00:00:00Z') }),
    );
    expect(msg).toMatch(/dns_requests_retention_24_months/);
  });

  it('the other tables take rows: subject_flags, delivery_log, abuse_quarantine, subject_vault, outbox', async () => {
    await h.db.insert(schema.subjectFlags).values({ subjectKey: `f-${randomUUID()}`, minor: true });
    await h.db
      .insert(schema.deliveryLog)
      .values({ messageId: randomUUID(), channel: 'email', status: 'claimed' });
    const msg = await refused(
      h.db.insert(schema.deliveryLog).values({ messageId: randomUUID(), channel: 'email', status: 'bogus' }),
    );
    expect(msg).toMatch(/delivery_log_status/);
    await h.db
      .insert(schema.abuseQuarantine)
      .values({ reason: 'unattributable', rawEncrypted: 'x', keyId: 'v1' });
    await h.db
      .insert(schema.subjectVault)
      .values({ subjectKey: `v-${randomUUID()}`, subjectType: 'email', ciphertext: 'x', keyId: 'v1' });
    const [o] = await h.db
      .insert(schema.outbox)
      .values({ topic: 'suppression.changelog.v1', key: 'k|email|marketing|*', payload: { a: 1 } })
      .returning();
    expect(typeof o?.id).toBe('number');
  });
});

describe('isConnectionError', () => {
  it('is true for a refused connection and false for a SQL error', async () => {
    const h = await createDb({
      url: 'postgres://postgres@127.0.0.1:1/none',
      max: 1,
      connectTimeoutSeconds: 2,
    });
    let err: unknown;
    try {
      await h.ping();
    } catch (e) {
      err = e;
    }
    await h.close();
    expect(isConnectionError(err)).toBe(true);
    expect(isConnectionError(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
    expect(isConnectionError(new Error('wrapped', { cause: { code: 'CONNECTION_CLOSED' } }))).toBe(true);
  });
});

describe('PGlite on disk', () => {
  it('keeps migrations and rows across a reopen of the data directory', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'sp-db-'));
    try {
      const row = ledgerRow();
      const a = await createDb({ pglite: dir });
      await migrateDb(a);
      await a.db.insert(schema.ledger).values(row);
      await a.close();
      const b = await createDb({ pglite: dir });
      await migrateDb(b);
      const back = await b.db.select().from(schema.ledger).where(eq(schema.ledger.eventId, row.eventId));
      await b.close();
      expect(back).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
