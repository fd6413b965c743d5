// Issue 7: one trace from the Twilio webhook through Kafka (W3C context in message headers) to
// the consumer's database write, seen with an in-memory exporter.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@sp/observability';
import { freePort, freshDatabase, testInfra, waitFor } from '@sp/testing';
import twilio from 'twilio';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { type RunningSystem, startSystem } from '../src/system';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'standalone-test', exporter });
const dataDir = mkdtempSync(join(tmpdir(), 'sp-trace-'));
let system: RunningSystem | undefined;
let dropDb: (() => Promise<void>) | undefined;

afterAll(async () => {
  await system?.stop();
  await dropDb?.();
  await tracing.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
});

it('the spans from the webhook publish to the consumer database write share one trace id', async () => {
  const db = await freshDatabase('sp_trace');
  dropDb = db.drop;
  const authToken = 'trace-test-twilio-token';
  system = await startSystem(
    loadConfig({
      DATA_DIR: dataDir,
      KAFKA_BROKERS: testInfra().kafkaBrokers,
      DATABASE_URL: db.url,
      EDGE_PORT: String(await freePort()),
      API_PORT: '0',
      SMTP_PORT: '0',
      SES_PORT: '0',
      OPS_PORT: '0',
      TWILIO_AUTH_TOKEN: authToken,
      LOG_LEVEL: 'warn',
    }),
  );
  const webhook = `${system.urls.edge}/twilio/sms`;
  const params = {
    From: '+14155550177',
    To: '+14155550100',
    Body: 'STOP',
    MessageSid: `SM${'ab'.repeat(16)}`,
  };
  const res = await fetch(webhook, {
    method: 'POST',
    headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, webhook, params) },
    body: new URLSearchParams(params),
  });
  expect(res.status).toBe(200);

  const spans = await waitFor('the consumer database span of the STOP', () => {
    const all = exporter.getFinishedSpans();
    const publish = all.find((s) => s.name === 'consent.sms-inbound.v1 publish');
    if (!publish) return undefined;
    const trace = all.filter((s) => s.spanContext().traceId === publish.spanContext().traceId);
    return trace.some((s) => s.name === 'db apply') ? trace : undefined;
  });
  const names = spans.map((s) => s.name);
  expect(names).toEqual(
    expect.arrayContaining(['consent.sms-inbound.v1 publish', 'consent.sms-inbound.v1 process', 'db apply']),
  );
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const dbSpan = spans.find((s) => s.name === 'db apply')!;
  const parent = byId.get(dbSpan.parentSpanContext?.spanId ?? '');
  expect(parent?.name).toBe('consent.sms-inbound.v1 process');
  expect(byId.get(parent?.parentSpanContext?.spanId ?? '')?.name).toBe('consent.sms-inbound.v1 publish');
});
