// Issue 17 acceptance: every deployable starts with Kafka down and comes up once it is there. A
// consumer (sms-stop-consumer) and the edge start as real processes whose only way to the broker
// is a TCP proxy that refuses every connection; past the point where kafkajs used to give up
// (about 12 s, then an uncaught KafkaJSNonRetriableError) they still run, answer /healthz, say
// /readyz false with kafka false, and log one error line naming what is missing. Once the proxy
// lets connections through, both become ready, a STOP through the edge reaches the list, and the
// consumer's relay publishes the change on the changelog under TOPIC_PREFIX.
import { Topics } from '@sp/contracts';
import { createDb, type DbHandle } from '@sp/db';
import { listContext } from '@sp/runtime';
import { TEST_PEPPER } from '@sp/runtime/testing';
import { check } from '@sp/suppression';
import {
  consumeAll,
  type FreshDatabase,
  freePort,
  freshDatabase,
  startTcpProxy,
  type TcpProxy,
  testInfra,
  uniqueName,
  waitFor,
} from '@sp/testing';
import { afterAll, expect, it } from 'vitest';
import { makeAllTopics, postTwilioSms, type ServiceProcess, sharedSecrets, startProcess } from './processes';

const procs: ServiceProcess[] = [];
let proxy: TcpProxy | undefined;
let db: FreshDatabase | undefined;
let handle: DbHandle | undefined;
afterAll(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await proxy?.close();
  await handle?.close();
  await db?.drop();
});

it('a consumer and the edge started with Kafka unreachable wait without crashing, then become ready', async () => {
  const { kafkaBrokers } = testInfra();
  const [host, port] = kafkaBrokers.split(',')[0]!.split(':') as [string, string];
  db = await freshDatabase('sp_kafka_down');
  const prefix = `${uniqueName('kafka-down')}.`;
  await makeAllTopics(kafkaBrokers, prefix);
  proxy = await startTcpProxy({ host, port: Number(port) });
  proxy.cut();

  const secrets = {
    ...sharedSecrets(),
    SUBJECT_PEPPERS: `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`,
  };
  const common = {
    ...secrets,
    KAFKA_BROKERS: `127.0.0.1:${proxy.port}`,
    DATABASE_URL: db.url,
    TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'info',
    DEPENDENCY_REPORT_AFTER_MS: '3000',
  };
  const [edgePort, edgeOps, consumerOps] = [await freePort(), await freePort(), await freePort()];
  const publicBaseUrl = `http://127.0.0.1:${edgePort}`;
  const consumer = startProcess('sms-stop-consumer', {
    ...common,
    OPS_PORT: String(consumerOps),
    GROUP_ID: uniqueName('kafka-down'),
  });
  const edge = startProcess('edge', {
    ...common,
    HOST: '127.0.0.1',
    PORT: String(edgePort),
    OPS_PORT: String(edgeOps),
    PUBLIC_BASE_URL: publicBaseUrl,
  });
  procs.push(consumer, edge);

  for (const p of [consumer, edge]) {
    await waitFor(
      `${p.name} /healthz`,
      async () => (await p.ops('/healthz').catch(() => undefined))?.status === 200,
    );
    const r = await p.ops('/readyz');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body).checks).toMatchObject({ kafka: false, started: false });
  }
  // Still waiting (and alive) well past the ~12 s after which kafkajs used to give up.
  for (const p of [consumer, edge]) {
    const report = await waitFor(
      `${p.name} reporting kafka missing after 15 s`,
      async () => p.lines.find((l) => l.level >= 50 && Number(l.waitingMs) >= 15_000),
      { timeoutMs: 120_000 },
    );
    expect(report.msg).toMatch(
      new RegExp(
        `^${p.name} cannot start yet, waiting for kafka \\(no broker answers at 127\\.0\\.0\\.1:${proxy.port}\\)`,
      ),
    );
    expect(p.child.exitCode).toBeNull();
  }
  // The edge takes no requests before it can publish them.
  await expect(fetch(`${publicBaseUrl}/privacy/do-not-sell`)).rejects.toThrow();

  proxy.restore();
  for (const p of [consumer, edge])
    await waitFor(`${p.name} ready once Kafka answers`, async () => (await p.ops('/readyz')).status === 200, {
      timeoutMs: 120_000,
    });
  for (const p of [consumer, edge]) {
    expect(p.child.exitCode).toBeNull();
    expect(p.lines.some((l) => /uncaught|KafkaJSNonRetriableError/i.test(JSON.stringify(l)))).toBe(false);
  }

  // It works: a STOP texted through the edge is on the list.
  const from = '+14155557011';
  const res = await postTwilioSms(publicBaseUrl, publicBaseUrl, secrets.TWILIO_AUTH_TOKEN, {
    sid: 'SM00000000000000000000000000kafkadown',
    from,
    body: 'STOP',
  });
  expect(res.status).toBe(200);
  handle = await createDb({ url: db.url, max: 1 });
  const list = listContext(handle, { peppers: TEST_PEPPER, defaultRegion: 'US', revokeAllSms: true });
  await waitFor(
    'the STOP applied',
    async () =>
      !(await check(list, { subject: { type: 'phone', value: from }, channel: 'sms', kind: 'marketing' }))
        .allowed,
    { timeoutMs: 120_000 },
  );

  // The consumer's relay published the change on the prefixed changelog (TOPIC_PREFIX, issue 17).
  const [change] = await consumeAll(kafkaBrokers, `${prefix}${Topics.changelog}`, 1, 120_000);
  expect(change?.key).toBeTruthy();

  for (const p of [consumer, edge]) p.child.kill('SIGTERM');
  for (const p of [consumer, edge]) expect(await p.exited).toEqual({ code: 0, signal: null });
}, 600_000);
