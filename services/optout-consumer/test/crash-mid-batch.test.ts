// Issue 12: a batch that joins partitions is written to PostgreSQL, then the process dies by
// SIGKILL before the batch's offsets reach Kafka. The restarted service gets the whole batch again;
// the redelivery changes nothing (no second ledger or changelog row, no state row touched) and
// every event is on the list once.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { newEnvelope, Topics } from '@sp/contracts';
import { schema } from '@sp/db';
import { openTestResources, TEST_PEPPER } from '@sp/runtime/testing';
import {
  freePort,
  freshDatabase,
  produce,
  testInfra,
  topicOffsets,
  uniqueName,
  waitFor,
  withAdmin,
} from '@sp/testing';
import { count, sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
let cleanup: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of cleanup) await f();
});

function spawnService(
  script: string,
  env: Record<string, string>,
): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: serviceDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { child, stderr: () => err };
}

it('SIGKILL after a batch is written and before its offsets are committed: the redelivery changes nothing', async () => {
  const { kafkaBrokers } = testInfra();
  const db = await freshDatabase('sp_crash_batch');
  const prefix = `${uniqueName('crashbatch')}.`;
  const res = await openTestResources({
    service: 'test',
    brokers: kafkaBrokers,
    databaseUrl: db.url,
    topicPrefix: prefix,
    partitions: 6,
  });
  cleanup = [() => res.close(), () => db.drop()];
  const groupId = uniqueName('optout-crash');
  const topic = `${prefix}${Topics.emailOptOut}`;
  const env = {
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: db.url,
    SUBJECT_PEPPERS: `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`,
    TOPIC_PREFIX: prefix,
    GROUP_ID: groupId,
    OPS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  const total = 12_000;
  await produce(
    kafkaBrokers,
    topic,
    Array.from({ length: total }, (_, i) => {
      const email = `c${i}@crash.example`;
      return {
        key: res.keyer.keyOf({ type: 'email', value: email }),
        value: newEnvelope('consent.email-optout.v1', 'test', { email, method: 'link' }),
      };
    }),
  );
  const ends = await withAdmin(kafkaBrokers, (a) => topicOffsets(a, topic));
  const ledgerRows = async () => (await res.db.db.select({ n: count() }).from(schema.ledger))[0]?.n ?? 0;
  const committed = () =>
    withAdmin(kafkaBrokers, async (a) => {
      const [t] = await a.fetchOffsets({ groupId, topics: [topic] });
      return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    });
  const stateRows = async () =>
    (await res.db.db.execute(
      sql`select subject_key || channel || purpose || topic as k, event_id::text as e, updated_at::text as u
          from suppression_state order by 1`,
    )) as unknown as { k: string; e: string; u: string }[];

  const first = spawnService('test/fixtures/crash-after-write.ts', env);
  const signal = await new Promise<NodeJS.Signals | null>((r) =>
    first.child.once('exit', (_code, sig) => r(sig)),
  );
  expect(signal).toBe('SIGKILL');
  const written = Number(/wrote a batch of (\d+)/.exec(first.stderr())?.[1]);
  const atKill = await ledgerRows();
  // One batch, written in full, larger than any partition: it joined partitions.
  expect(atKill).toBe(written);
  expect(written).toBeGreaterThan(Math.max(...ends.map((e) => Number(e.high))));
  expect(await committed()).toBe(0);
  const stateAtKill = await stateRows();
  expect(stateAtKill).toHaveLength(written);

  const opsPort = await freePort();
  spawnService('src/main.ts', { ...env, OPS_PORT: String(opsPort) });
  await waitFor('all 12,000 applied after the restart', async () => (await ledgerRows()) >= total, {
    timeoutMs: 300_000,
  });
  await waitFor('every offset committed', async () => (await committed()) === total, { timeoutMs: 60_000 });

  // Exactly once: one ledger and one changelog row per event; the rows written before the kill
  // untouched by their redelivery (same event, same updated_at).
  expect(await ledgerRows()).toBe(total);
  expect((await res.db.db.select({ n: count() }).from(schema.outbox))[0]?.n).toBe(total);
  const after = new Map((await stateRows()).map((r) => [r.k, r]));
  expect(after.size).toBe(total);
  for (const r of stateAtKill) expect(after.get(r.k)).toEqual(r);
  // The restarted consumer saw the batch again and counted every event of it as a duplicate.
  const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const dup = new RegExp(`sp_messages_duplicate_total\\{[^}]*group="${groupId}"[^}]*\\} (\\d+)`).exec(
    metrics,
  );
  expect(Number(dup?.[1])).toBe(written);
});
