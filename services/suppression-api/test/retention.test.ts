// Issue 15 retention job on real PostgreSQL: the command (src/retention-main.ts, as `pnpm retention`
// and the compose service run it) deletes Do-Not-Sell records past retain_until and the payloads of
// final messages, logs the counts, and leaves the ledger, the state and everything else alone.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { newEnvelope } from '@sp/contracts';
import { schema } from '@sp/db';
import { apply, type ListEvent } from '@sp/suppression';
import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

async function retention(): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/retention-main.ts'], {
    cwd: packageDir,
    env: { ...process.env, DATABASE_URL: api.config.databaseUrl, RETENTION_EVERY_SECONDS: '0' },
  });
  const lines = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const done = lines.find((l) => l.msg === 'retention: deleted');
  expect(done, stdout).toBeDefined();
  return done!;
}

const rows = async (table: PgTable) => Number((await api.ctx.db.select({ n: count() }).from(table))[0]!.n);

describe('retention job', () => {
  it('deletes expired Do-Not-Sell records and payloads of final messages, logs counts, keeps ledger and state', async () => {
    const db = api.ctx.db;
    const now = Date.now();
    const dns = (id: string, requestedAt: number, retainUntil: number) => ({
      requestId: id,
      eventId: randomUUID(),
      requestedAt: new Date(requestedAt),
      asked: ['sale_share'],
      method: 'web-form',
      gpc: false,
      combinedForm: false,
      subjectKeys: [`k-${id}`],
      respondedAt: new Date(requestedAt),
      response: 'honored',
      retainUntil: new Date(retainUntil),
    });
    await db
      .insert(schema.dnsRequests)
      .values([dns('expired', now - 800 * DAY, now - DAY), dns('kept', now - 100 * DAY, now + 700 * DAY)]);
    const statuses = ['sent', 'suppressed', 'failed', 'deferred', 'claimed'] as const;
    await db
      .insert(schema.deliveryLog)
      .values(
        statuses.map((status) => ({ messageId: `m-${status}`, channel: 'email', status, subjectKey: 'k' })),
      );
    await db
      .insert(schema.deliveryPayload)
      .values(statuses.map((s) => ({ messageId: `m-${s}`, sealed: 'sealed-bytes', keyId: 'k1' })));
    // A payload without a log row yet (a claim in flight) is not final: kept.
    await db.insert(schema.deliveryPayload).values({ messageId: 'm-unlogged', sealed: 'x', keyId: 'k1' });
    await apply(api.ctx, [
      newEnvelope('consent.email-optout.v1', 'edge', {
        email: uniqueEmail('kept'),
        method: 'link',
      }) as unknown as ListEvent,
    ]);
    const ledger = await rows(schema.ledger);
    const state = await rows(schema.suppressionState);
    expect(ledger).toBeGreaterThan(0);

    const first = await retention();
    expect(first).toMatchObject({ dnsRequests: 1, deliveryPayloads: 3, hooks: {} });

    const leftDns = await db.select({ id: schema.dnsRequests.requestId }).from(schema.dnsRequests);
    expect(leftDns.map((r) => r.id)).toEqual(['kept']);
    const leftPayloads = await db
      .select({ id: schema.deliveryPayload.messageId })
      .from(schema.deliveryPayload);
    expect(leftPayloads.map((r) => r.id).sort()).toEqual(['m-claimed', 'm-deferred', 'm-unlogged']);
    expect(await rows(schema.deliveryLog)).toBe(5);
    expect(await rows(schema.ledger)).toBe(ledger);
    expect(await rows(schema.suppressionState)).toBe(state);

    // Nothing more to delete on the next run.
    expect(await retention()).toMatchObject({ dnsRequests: 0, deliveryPayloads: 0 });
  });
});
