// Shared fixtures: a context on a fresh real PostgreSQL database, unique subjects, event builders.
import { randomBytes, randomUUID } from 'node:crypto';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { freshDatabase } from '@sp/testing';
import { inject } from 'vitest';
import type { ListEvent, SmsIntent, SuppressionContext } from '../src/index';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set in mutation runs only: a migrated database the test files share one at a time. */
    listDatabaseUrl?: string;
  }
}

export interface TestDb {
  h: DbHandle;
  ctx: SuppressionContext;
  close(): Promise<void>;
  /** The fresh database's URL (tests that reach it another way, e.g. through a proxy). */
  url: string;
}

export const PEPPERS = { p1: 'pepper-one-0123456789abcdef0123456789abcdef' };

/** The list's context on `h`: the test peppers, a random vault key, region US. */
function testContext(h: DbHandle, opts: Partial<SuppressionContext>): SuppressionContext {
  return {
    db: h.db,
    keyer: createKeyer({ peppers: PEPPERS, currentKeyId: 'p1' }),
    vault: { keyId: 'v1', key: randomBytes(32) },
    defaultRegion: 'US',
    ...opts,
  };
}

export async function openTestDb(opts: Partial<SuppressionContext> = {}): Promise<TestDb> {
  const fresh = await freshDatabase('sp_sup');
  const h = await createDb({ url: fresh.url, max: 4 });
  await migrateDb(h);
  return {
    h,
    ctx: testContext(h, opts),
    url: fresh.url,
    close: async () => {
      await h.close();
      await fresh.drop();
    },
  };
}

/**
 * The list's database for a test file that needs only one. In a mutation run (list-db.setup.ts)
 * it is the run's one migrated database, emptied first, so that every mutant does not pay for a
 * database and its migrations; otherwise a fresh database of its own, as openTestDb. Either way
 * the file starts on an empty, fully migrated list (no migration inserts rows; one that did would
 * need them re-seeded here). Mutation runs go one file at a time.
 */
export async function openListDb(opts: Partial<SuppressionContext> = {}): Promise<TestDb> {
  const url = inject('listDatabaseUrl');
  if (!url) return openTestDb(opts);
  const h = await createDb({ url, max: 4 });
  // The ledger refuses TRUNCATE by trigger (append-only); a replica session fires no triggers.
  await h.sql.transaction(async (tx) => {
    const tables = await tx.query<{ name: string }>(
      `select quote_ident(tablename) as name from pg_tables where schemaname = 'public'`,
    );
    await tx.query('set local session_replication_role = replica');
    await tx.query(`truncate ${tables.map((t) => t.name).join(', ')} restart identity`);
  });
  return { h, ctx: testContext(h, opts), url, close: () => h.close() };
}

/** The same list on PGlite in memory (the schema and SQL `npm start` runs), migrated. */
export async function openPgliteDb(
  opts: Partial<SuppressionContext> = {},
): Promise<{ h: DbHandle; ctx: SuppressionContext; close(): Promise<void> }> {
  const h = await createDb({ pglite: 'memory://' });
  await migrateDb(h);
  return { h, ctx: testContext(h, opts), close: () => h.close() };
}

let n = 0;
/** A unique email per call, so tests share a database safely. */
export const email = (tag = 'p') =>
  `${tag}.${Date.now().toString(36)}.${n++}.${randomBytes(3).toString('hex')}@Example.COM`;
/** A unique US mobile number per call (555-01xx range is fictional; 2xx exchanges are valid). */
export const phone = () => `+1415${String(2000000 + Math.floor(Math.random() * 7999999)).padStart(7, '0')}`;

function env<T extends ListEvent['type']>(type: T, data: unknown, occurredAt: string, id = randomUUID()) {
  return { id, type, occurredAt, source: 'test', data } as unknown as Extract<ListEvent, { type: T }>;
}

export const ev = {
  optOut: (e: string, occurredAt: string, extra: Record<string, unknown> = {}) =>
    env('consent.email-optout.v1', { email: e, method: 'link', ...extra }, occurredAt),
  resubscribe: (e: string, occurredAt: string, topic?: string) =>
    env(
      'consent.email-resubscribe.v1',
      { email: e, confirmationId: randomUUID(), ...(topic ? { topic } : {}) },
      occurredAt,
    ),
  sms: (from: string, intent: SmsIntent, occurredAt: string, extra: Record<string, unknown> = {}) =>
    ({
      ...env(
        'consent.sms-inbound.v1',
        { from, to: '+14155550100', body: intent === 'opt-out' ? 'STOP' : 'START', ...extra },
        occurredAt,
      ),
      intent,
    }) as ListEvent,
  dns: (subjects: Record<string, string>, occurredAt: string, extra: Record<string, unknown> = {}) =>
    env(
      'privacy.do-not-sell.v1',
      { requestId: randomUUID(), subjects, method: 'web-form', gpc: false, combinedForm: false, ...extra },
      occurredAt,
    ),
  complaint: (e: string, kind: 'arf' | 'forwarded' | 'ses', occurredAt: string) =>
    env('abuse.complaint.v1', { email: e, kind }, occurredAt),
  bounce: (e: string, bounceType: 'Permanent' | 'Transient' | 'Undetermined', occurredAt: string) =>
    env('email.bounce.v1', { email: e, bounceType }, occurredAt),
  admin: (
    subject: { type: 'email' | 'phone' | 'customer' | 'device'; value: string },
    action: 'suppress' | 'lift',
    scope: { channel: 'email' | 'sms' | 'any'; purpose: 'marketing' | 'all' | 'sale_share'; topic: string },
    occurredAt: string,
  ) =>
    env(
      'suppression.admin.v1',
      { subject, action, ...scope, actor: 'ops@brand.example', reason: 'customer called support' },
      occurredAt,
    ),
};
