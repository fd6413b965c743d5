// Issue 17 acceptance: SIGTERM during load loses nothing and the process exits within its bound
// (exit code 0: every stop step finished inside STOP_STEP_TIMEOUT_MS, and the whole before the
// forced exit of STOP_TIMEOUT_MS, which exits with 1).
// - The HTTP edge: Twilio webhooks posted by 6 clients without pause; SIGTERM once some are in.
//   Every webhook answered 200 is on Kafka (Twilio retries anything else), no 5xx was answered.
// - A consumer (optout-consumer) in the middle of 20,000 opt-outs: SIGTERM, a second process takes
//   over; all 20,000 are applied, none twice, and the second process sees no redelivery of what
//   the first applied (its batch in hand was finished and committed before it left).
import { newEnvelope, Topics } from '@sp/contracts';
import { openTestResources, TEST_PEPPER } from '@sp/runtime/testing';
import {
  consumeAll,
  freePort,
  freshDatabase,
  produce,
  testInfra,
  topicOffsets,
  uniqueName,
  waitFor,
  withAdmin,
} from '@sp/testing';
import { afterAll, expect, it } from 'vitest';
import { makeAllTopics, postTwilioSms, type ServiceProcess, sharedSecrets, startProcess } from './processes';

const procs: ServiceProcess[] = [];
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const f of cleanup) await f();
});

const peppers = `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`;

it('the edge: SIGTERM under a stream of Twilio webhooks; every one answered 200 is on Kafka, exit 0', async () => {
  const { kafkaBrokers } = testInfra();
  const db = await freshDatabase('sp_sigterm_edge');
  cleanup.push(() => db.drop());
  const prefix = `${uniqueName('sigterm-edge')}.`;
  await makeAllTopics(kafkaBrokers, prefix);
  const secrets = { ...sharedSecrets(), SUBJECT_PEPPERS: peppers };
  const port = await freePort();
  const publicBaseUrl = `http://127.0.0.1:${port}`;
  const edge = startProcess('edge', {
    ...secrets,
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: db.url,
    TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    OPS_PORT: String(await freePort()),
    PUBLIC_BASE_URL: publicBaseUrl,
  });
  procs.push(edge);
  await waitFor(
    'edge ready',
    async () => (await edge.ops('/readyz').catch(() => undefined))?.status === 200,
    {
      timeoutMs: 120_000,
    },
  );

  const accepted: string[] = [];
  const statuses: number[] = [];
  let n = 0;
  const client = async () => {
    for (;;) {
      const sid = `SM${String(n++).padStart(32, '0')}`;
      const r = await postTwilioSms(publicBaseUrl, publicBaseUrl, secrets.TWILIO_AUTH_TOKEN, {
        sid,
        from: `+1415555${String(1000 + (n % 9000)).padStart(4, '0')}`,
        body: 'STOP',
      }).catch(() => undefined);
      if (!r) return; // the edge stopped taking connections
      statuses.push(r.status);
      await r.arrayBuffer();
      if (r.status === 200) accepted.push(sid);
    }
  };
  const clients = Array.from({ length: 6 }, client);
  await waitFor('some webhooks accepted', () => accepted.length >= 60);
  edge.child.kill('SIGTERM');
  await Promise.all(clients);
  expect(await edge.exited).toEqual({ code: 0, signal: null });
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(edge.lines.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM')).toBe(true);

  const topic = `${prefix}${Topics.smsInbound}`;
  const total = await withAdmin(kafkaBrokers, async (admin) =>
    (await topicOffsets(admin, topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0),
  );
  const published = await consumeAll(kafkaBrokers, topic, total, 120_000);
  expect(published).toHaveLength(total);
  // Each accepted MessageSid is in one of the published events (it is no identifier, so not sealed).
  const text = published.map((m) => m.value ?? '').join('\n');
  const lost = accepted.filter((sid) => !text.includes(sid));
  expect(lost).toEqual([]);
  expect(accepted.length).toBeGreaterThanOrEqual(60);
}, 600_000);

it('a consumer: SIGTERM in the middle of 20,000 opt-outs; the next process applies the rest, nothing lost or redelivered', async () => {
  const { kafkaBrokers } = testInfra();
  const db = await freshDatabase('sp_sigterm_consumer');
  const prefix = `${uniqueName('sigterm-consumer')}.`;
  const res = await openTestResources({
    service: 'test',
    brokers: kafkaBrokers,
    databaseUrl: db.url,
    topicPrefix: prefix,
  });
  cleanup.push(
    () => res.close(),
    () => db.drop(),
  );
  const applied = async () =>
    (await res.db.sql.query<{ n: number }>('select count(*)::int as n from ledger'))[0]?.n ?? 0;
  const env = {
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: db.url,
    SUBJECT_PEPPERS: peppers,
    TOPIC_PREFIX: prefix,
    GROUP_ID: uniqueName('optout-sigterm'),
    LOG_LEVEL: 'info',
  };
  const events = Array.from({ length: 20_000 }, (_, i) => {
    const email = `t${i}@sigterm.example`;
    return {
      key: res.keyer.keyOf({ type: 'email', value: email }),
      value: newEnvelope('consent.email-optout.v1', 'test', { email, method: 'link' }),
    };
  });
  // Still being produced while the first process runs and is stopped.
  const producing = produce(kafkaBrokers, `${prefix}${Topics.emailOptOut}`, events);

  const first = startProcess('optout-consumer', { ...env, OPS_PORT: String(await freePort()) });
  procs.push(first);
  await waitFor('some opt-outs applied', async () => (await applied()) >= 2000, { timeoutMs: 180_000 });
  // Work remains when the signal goes (the batch in hand may still finish before the exit).
  const atSigterm = await applied();
  first.child.kill('SIGTERM');
  expect(await first.exited).toEqual({ code: 0, signal: null });
  expect(atSigterm).toBeLessThan(20_000);
  await producing;

  const second = startProcess('optout-consumer', { ...env, OPS_PORT: String(await freePort()) });
  procs.push(second);
  await waitFor('all 20,000 applied', async () => (await applied()) >= 20_000, { timeoutMs: 300_000 });
  expect(await applied()).toBe(20_000);
  // What the first process applied it had committed: the second one is given none of it again.
  const metrics = (await second.ops('/metrics')).body;
  const duplicates = [...metrics.matchAll(/^sp_messages_duplicate_total\{[^}]*\} (\d+)/gm)].reduce(
    (s, m) => s + Number(m[1]),
    0,
  );
  // Under load the producer may retry a request that had in fact been written, leaving an event on
  // the topic twice; such a second copy reaching the second process is a duplicate too. Anything
  // beyond them would be a batch the first process applied without committing.
  const ends = await withAdmin(kafkaBrokers, (a) => topicOffsets(a, `${prefix}${Topics.emailOptOut}`));
  const secondCopies = ends.reduce((n, e) => n + Number(e.high), 0) - 20_000;
  expect(duplicates).toBeLessThanOrEqual(secondCopies);
  await waitFor(
    'the second process ready',
    async () => (await second.ops('/readyz').catch(() => undefined))?.status === 200,
    {
      timeoutMs: 120_000,
    },
  );
  second.child.kill('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
}, 600_000);
