// Issue 4: a consumer killed with SIGKILL in the middle of a stream of 20,000 events and
// started again loses none and applies none twice (commit-after-write + ledger keyed by id).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { newEnvelope, Topics } from '@sp/contracts';
import { schema } from '@sp/db';
import type { Resources } from '@sp/runtime';
import { openTestResources, TEST_PEPPER } from '@sp/runtime/testing';
import { freePort, freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { count, eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
let cleanup: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const f of cleanup) await f();
});

function startService(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serviceDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return child;
}

async function rows(res: Resources, table: typeof schema.ledger | typeof schema.outbox): Promise<number> {
  const [r] = await res.db.db.select({ n: count() }).from(table);
  return r?.n ?? 0;
}

it('loses nothing and applies nothing twice across a SIGKILL mid-stream of 20,000 events', async () => {
  const { kafkaBrokers } = testInfra();
  const db = await freshDatabase('sp_kill');
  const prefix = `${uniqueName('kill')}.`;
  const res = await openTestResources({
    service: 'test',
    brokers: kafkaBrokers,
    databaseUrl: db.url,
    topicPrefix: prefix,
  });
  cleanup = [() => res.close(), () => db.drop()];
  const env = {
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: db.url,
    SUBJECT_PEPPERS: `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`,
    TOPIC_PREFIX: prefix,
    GROUP_ID: uniqueName('optout-kill'),
    OPS_PORT: '0',
    LOG_LEVEL: 'warn',
  };

  const events = Array.from({ length: 20_000 }, (_, i) => {
    const email = `k${i}@kill.example`;
    return {
      key: res.keyer.keyOf({ type: 'email', value: email }),
      value: newEnvelope('consent.email-optout.v1', 'test', { email, method: 'link' }),
    };
  });
  const producing = produce(kafkaBrokers, `${prefix}${Topics.emailOptOut}`, events);

  const first = startService(env);
  await waitFor(
    'a few thousand applied before the kill',
    async () => (await rows(res, schema.ledger)) >= 3000,
    {
      timeoutMs: 180_000,
    },
  );
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const atKill = await rows(res, schema.ledger);
  expect(atKill).toBeLessThan(20_000);

  await producing;
  const opsPort = await freePort();
  startService({ ...env, OPS_PORT: String(opsPort) });
  // Ready means joined to Kafka and able to reach PostgreSQL.
  await waitFor(
    '/readyz to answer 200',
    async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status === 200,
  );
  expect((await fetch(`http://127.0.0.1:${opsPort}/healthz`)).status).toBe(200);
  await waitFor(
    'all 20,000 applied after the restart',
    async () => (await rows(res, schema.ledger)) >= 20_000,
    {
      timeoutMs: 300_000,
    },
  );
  const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  expect(metrics).toMatch(/sp_messages_applied_total\{[^}]*service="optout-consumer"[^}]*\} \d+/);
  expect(metrics).toMatch(/sp_consumer_lag/);

  // Exactly once in the list: one ledger row and one changelog outbox row per event, and every
  // subject suppressed.
  expect(await rows(res, schema.ledger)).toBe(20_000);
  expect(await rows(res, schema.outbox)).toBe(20_000);
  const [suppressed] = await res.db.db
    .select({ n: count() })
    .from(schema.suppressionState)
    .where(eq(schema.suppressionState.suppressed, true));
  expect(suppressed?.n).toBe(20_000);
});
