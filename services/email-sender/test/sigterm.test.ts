// Issue 17 acceptance: a sender (src/main.ts as a real process, SES v2 emulator, real Kafka and
// PostgreSQL) stopped with SIGTERM in the middle of 300 send requests exits 0 (every stop step
// inside its bound: the batch in hand finished and committed, then the poller, the bus, the
// transport and the pools), and the next process sends the rest: each of the 300 is sent, once.
import { randomBytes } from 'node:crypto';
import { type EmailSendRequest, newEnvelope } from '@sp/contracts';
import { type Collected, collect, senderRequests } from '@sp/delivery/test-support';
import { type Bus, createKafkaBus, dlqTopicOf } from '@sp/messaging';
import { type SesEmulator, startSesEmulator } from '@sp/provider-doubles';
import {
  createTopic,
  freePort,
  freshDatabase,
  type ServiceProcess,
  startProcess,
  testInfra,
  uniqueName,
  waitFor,
} from '@sp/testing';
import { afterAll, expect, it } from 'vitest';
import { type Outcome, PEPPERS, uniqueEmail } from './harness';

const procs: ServiceProcess[] = [];
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const f of cleanup) await f();
});

it('SIGTERM in the middle of 300 send requests: exit 0, and each of them is sent exactly once by the next process', async () => {
  const brokers = testInfra().kafkaBrokers;
  const db = await freshDatabase('sp_sigterm_sender');
  cleanup.push(() => db.drop());
  const ses: SesEmulator = await startSesEmulator();
  cleanup.unshift(() => ses.close());
  const topics = {
    sendRequest: await createTopic(brokers, 'sigterm-send-request', { partitions: 2 }),
    outcome: await createTopic(brokers, 'sigterm-outcome'),
  };
  await createTopic(brokers, '', { name: dlqTopicOf(topics.sendRequest) });
  const bus: Bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('sigterm-sender') });
  cleanup.unshift(() => bus.close());
  const outcomes: Collected<Outcome> = await collect<Outcome>(brokers, topics.outcome);
  cleanup.unshift(() => outcomes.stop());
  const requests = senderRequests({
    bus,
    topic: topics.sendRequest,
    outcomes,
    envelope: (data) =>
      newEnvelope(
        'email.send-request.v1',
        'campaign-tool',
        data as EmailSendRequest['data'],
      ) as EmailSendRequest,
  });
  const env = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: db.url,
    SUBJECT_PEPPERS: `p1:${PEPPERS.p1}`,
    PAYLOAD_KEYS: 'k1:payload-key-for-tests-0123456789',
    TOKEN_KEYS: `t1:${randomBytes(32).toString('base64url')}`,
    SES_ENDPOINT: ses.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    EMAIL_FROM: 'InkShop <news@inkshop.example>',
    PUBLIC_BASE_URL: 'https://inkshop.example',
    UNSUBSCRIBE_DOMAIN: 'unsub.inkshop.example',
    POSTAL_ADDRESS: 'InkShop Inc., 100 Main St, Springfield, IL 62701, USA',
    TOPIC_SEND_REQUEST: topics.sendRequest,
    TOPIC_OUTCOME: topics.outcome,
    GROUP_ID: uniqueName('email-sender-sigterm'),
    // The gate asks the list's database (the view is another test's subject).
    LIST_VIEW: 'false',
    POLL_INTERVAL_MS: '200',
    CLAIM_LEASE_MS: '3000',
    SEND_CONCURRENCY: '4',
    LOG_LEVEL: 'info',
  };

  const batch = Array.from(
    { length: 300 },
    () =>
      requests.request(uniqueEmail('sigterm'), 'promo-flash-sale', {
        firstName: 'Ana',
        discount: '10%',
      }) as EmailSendRequest,
  );
  await requests.send(batch);
  const sent = () =>
    new Set(
      outcomes
        .parsed()
        .filter((o) => o.data.status === 'sent')
        .map((o) => o.data.messageId),
    );

  const first = startProcess('email-sender', { ...env, OPS_PORT: String(await freePort()) });
  procs.push(first);
  await waitFor('some mail sent', async () => (await ses.emails()).length >= 30, { timeoutMs: 180_000 });
  // Mail remains to be sent when the signal goes (the batch in hand may still finish before the exit).
  const atSigterm = (await ses.emails()).length;
  first.child.kill('SIGTERM');
  expect(await first.exited).toEqual({ code: 0, signal: null });
  expect(atSigterm).toBeLessThan(300);

  const second = startProcess('email-sender', { ...env, OPS_PORT: String(await freePort()) });
  procs.push(second);
  await waitFor('all 300 sent', () => batch.every((r) => sent().has(r.data.messageId)), {
    timeoutMs: 300_000,
  });
  const mails = await ses.emails();
  const perRecipient = new Map<string, number>();
  for (const m of mails)
    for (const to of m.destination.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  for (const r of batch) expect(perRecipient.get(r.data.to), r.data.to).toBe(1);
  expect(mails).toHaveLength(300);
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
