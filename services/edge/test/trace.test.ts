// Issue 17 acceptance: one trace from the Twilio webhook at the real edge through Kafka to the
// sms-stop-consumer's database write, exported by the two processes (each its own OpenTelemetry
// provider, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) to a test OTLP/HTTP collector; and the API's check
// of that number, a server span exported by the API process, continuing the caller's trace.
import { createDb, type DbHandle } from '@sp/db';
import { listContext } from '@sp/runtime';
import { TEST_PEPPER } from '@sp/runtime/testing';
import { check } from '@sp/suppression';
import { type FreshDatabase, freePort, freshDatabase, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, expect, it } from 'vitest';
import { type CollectedSpan, type OtlpCollector, startOtlpCollector } from './otlp-collector';
import { makeAllTopics, postTwilioSms, type ServiceProcess, sharedSecrets, startProcess } from './processes';

const procs: ServiceProcess[] = [];
let collector: OtlpCollector | undefined;
let db: FreshDatabase | undefined;
let handle: DbHandle | undefined;
afterAll(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await collector?.close();
  await handle?.close();
  await db?.drop();
});

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

it('one trace: Twilio webhook at the edge -> Kafka -> sms-stop-consumer database write, and the API check', async () => {
  const { kafkaBrokers } = testInfra();
  db = await freshDatabase('sp_trace');
  collector = await startOtlpCollector();
  const prefix = `${uniqueName('trace')}.`;
  await makeAllTopics(kafkaBrokers, prefix);
  const secrets = {
    ...sharedSecrets(),
    SUBJECT_PEPPERS: `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`,
  };
  const common = {
    ...secrets,
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: db.url,
    TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url,
  };
  const [edgePort, apiPort] = [await freePort(), await freePort()];
  const publicBaseUrl = `http://127.0.0.1:${edgePort}`;
  const apiToken = `tok-${uniqueName('trace')}`;
  const consumer = startProcess('sms-stop-consumer', {
    ...common,
    OPS_PORT: String(await freePort()),
    GROUP_ID: uniqueName('trace'),
  });
  const edge = startProcess('edge', {
    ...common,
    HOST: '127.0.0.1',
    PORT: String(edgePort),
    OPS_PORT: String(await freePort()),
    PUBLIC_BASE_URL: publicBaseUrl,
  });
  // The API answers from the database here (no Kafka): its check is what is traced.
  const api = startProcess('suppression-api', {
    ...secrets,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url,
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    OPS_PORT: String(await freePort()),
    API_TOKENS: `${apiToken}:check`,
    PUBLIC_BASE_URL: publicBaseUrl,
    UNSUBSCRIBE_DOMAIN: 'shop.example',
  });
  procs.push(consumer, edge, api);
  for (const p of procs)
    await waitFor(
      `${p.name} ready`,
      async () => (await p.ops('/readyz').catch(() => undefined))?.status === 200,
      {
        timeoutMs: 120_000,
      },
    );

  const from = '+14155557021';
  const res = await postTwilioSms(publicBaseUrl, publicBaseUrl, secrets.TWILIO_AUTH_TOKEN, {
    sid: 'SM000000000000000000000000000trace01',
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

  // The edge: the webhook's server span, and the publish under it.
  const webhook = await waitFor('the edge exported the webhook span', () =>
    collector?.spans.find((s) => s.service === 'edge' && s.kind === SERVER && s.name === 'POST /twilio/sms'),
  );
  expect(webhook.parentSpanId).toBe('');
  const inTrace = (service: string, pred: (s: CollectedSpan) => boolean) =>
    collector?.spans.find((s) => s.traceId === webhook.traceId && s.service === service && pred(s));
  const publish = await waitFor('the edge exported the publish span', () =>
    inTrace('edge', (s) => s.kind === PRODUCER && s.name === `${prefix}consent.sms-inbound.v1 publish`),
  );
  expect(publish.parentSpanId).toBe(webhook.spanId);

  // The consumer, a separate process: its batch continues the trace from the Kafka headers, and
  // the database write is inside it.
  const consumed = await waitFor('the consumer exported its span in the same trace', () =>
    inTrace('sms-stop-consumer', (s) => s.kind === CONSUMER),
  );
  expect(consumed.parentSpanId).toBe(publish.spanId);
  expect(consumed.attributes['messaging.destination.name']).toBe(`${prefix}consent.sms-inbound.v1`);
  const write = await waitFor('the consumer exported the database write in the same trace', () =>
    inTrace('sms-stop-consumer', (s) => s.name === 'db apply'),
  );
  expect(write.parentSpanId).toBe(consumed.spanId);
  expect(write.attributes['db.system.name']).toBe('postgresql');

  // The API's check of that number, called within the same trace (a caller passing traceparent).
  const parentSpan = 'a1b2c3d4e5f60718';
  const checked = await fetch(`http://127.0.0.1:${apiPort}/v1/check`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiToken}`,
      'content-type': 'application/json',
      traceparent: `00-${webhook.traceId}-${parentSpan}-01`,
    },
    body: JSON.stringify({ phone: from, channel: 'sms', kind: 'marketing' }),
  });
  expect(await checked.json()).toMatchObject({ allowed: false });
  const apiSpan = await waitFor('the API exported its check span in the same trace', () =>
    inTrace('suppression-api', (s) => s.kind === SERVER && s.name === 'POST /v1/check'),
  );
  expect(apiSpan.parentSpanId).toBe(parentSpan);
  expect(Number(apiSpan.attributes['http.response.status_code'])).toBe(200);

  // Nothing a span carries names the person: no phone number in any exported attribute.
  expect(JSON.stringify(collector.spans)).not.toContain('4155557021');
  expect(collector.refused).toEqual([]);

  for (const p of procs) p.child.kill('SIGTERM');
  for (const p of procs) expect(await p.exited).toEqual({ code: 0, signal: null });
}, 600_000);
