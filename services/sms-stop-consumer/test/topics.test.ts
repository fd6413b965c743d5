// Issue 10 item 10 on real Kafka and PostgreSQL: the sms-stop-consumer process (runSmsStopConsumer,
// what main.ts runs) checks at start that every topic it reads or writes exists: one error names
// all the missing ones in one error line while it waits for them with /readyz false (issue 17). A reply
// topic that is missing while it runs does not block the partition either: the STOP is retried
// for the configured bound, then dead-lettered, and the sender is still opted out.
import { newEnvelope, Topics } from '@sp/contracts';
import { DLQ_HEADERS } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import type { RunningService } from '@sp/runtime';
import { startServiceUnderTest, TEST_PEPPER } from '@sp/runtime/testing';
import { check, history } from '@sp/suppression';
import {
  consumeAll,
  createTopic,
  type FreshDatabase,
  freshDatabase,
  produce,
  testInfra,
  uniqueName,
  waitFor,
} from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { runSmsStopConsumer, startSmsStopConsumer } from '../src/index';

let db: FreshDatabase;
const running: RunningService[] = [];
beforeAll(async () => {
  db = await freshDatabase('sp_sms_topics');
});
afterAll(async () => {
  for (const r of running) await r.stop();
  await db.drop();
});

const brokers = () => testInfra().kafkaBrokers;
const configFor = (prefix: string, extra: Record<string, string> = {}) =>
  loadConfig({
    KAFKA_BROKERS: brokers(),
    DATABASE_URL: db.url,
    SUBJECT_PEPPERS: `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`,
    TOPIC_PREFIX: prefix,
    GROUP_ID: uniqueName('sms-topics'),
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    ...extra,
  });
const makeTopics = (prefix: string, names: string[]) =>
  Promise.all(names.map((n) => createTopic(brokers(), '', { name: `${prefix}${n}`, partitions: 1 })));

async function readyz(port: number): Promise<{ status: number; checks: Record<string, boolean> }> {
  const r = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: r.status, checks: ((await r.json()) as { checks: Record<string, boolean> }).checks };
}

describe('topics at start', () => {
  it('waits for missing topics with /readyz false, names every one in one error line, then consumes once they exist', async () => {
    const prefix = `${uniqueName('sms-wait')}.`;
    await makeTopics(prefix, [Topics.smsInbound]);
    const lines: { level: number; msg: string; missing?: Record<string, string> }[] = [];
    const logger = createLogger({
      service: 'sms-stop-consumer',
      level: 'info',
      destination: { write: (l: string) => void lines.push(JSON.parse(l)) },
    });
    const svc = await runSmsStopConsumer(configFor(prefix, { DEPENDENCY_REPORT_AFTER_MS: '300' }), {
      signals: false,
      logger,
    });
    running.push(svc);
    const before = await readyz(svc.opsPort);
    expect(before.status).toBe(503);
    expect(before.checks.topics).toBe(false);
    expect(before.checks.started).toBe(false);

    const report = await waitFor('one error line naming the missing topics', async () =>
      lines.find((l) => l.level >= 50 && l.msg.includes('waiting for')),
    );
    const missing = [`${prefix}${Topics.smsSendRequest}`, `${prefix}${Topics.changelog}`];
    for (const t of missing) expect(report.msg).toContain(t);
    expect(report.msg).not.toContain(`${prefix}${Topics.smsInbound},`);
    expect(report.msg).not.toContain('\n');

    await makeTopics(prefix, [Topics.smsSendRequest, Topics.changelog]);
    let last: unknown;
    await waitFor('ready once the topics exist', async () => {
      const r = await readyz(svc.opsPort);
      last = r;
      return r.status === 200;
    }).catch((e) => {
      throw new Error(`${e} ${JSON.stringify(last)}`);
    });

    const p = '+14155557001';
    await produce(brokers(), `${prefix}${Topics.smsInbound}`, [
      {
        key: svc.resources.keyer.keyOf({ type: 'phone', value: p }),
        value: newEnvelope('consent.sms-inbound.v1', 'edge', { from: p, to: '+14155550000', body: 'STOP' }),
      },
    ]);
    await waitFor(
      'the STOP applied',
      async () =>
        !(
          await check(svc.resources.list, {
            subject: { type: 'phone', value: p },
            channel: 'sms',
            kind: 'marketing',
          })
        ).allowed,
    );
  });
});

it('a reply topic missing at run time: the STOP is dead-lettered after the retry bound, and its sender is opted out by salvage', async () => {
  const svc = await startServiceUnderTest({
    service: 'sms-stop-consumer',
    brokers: brokers(),
    database: await freshDatabase('sp_sms_noreply'),
    partitions: 1,
    start: (r) =>
      startSmsStopConsumer(
        // The reply topic's name points at a topic nobody created.
        {
          ...r,
          topicName: (t) => (t === Topics.smsSendRequest ? `${r.topicName(t)}.missing` : r.topicName(t)),
        },
        { groupId: uniqueName('sms-noreply'), giveUpAfterMs: 500 },
      ),
  });
  try {
    const { res, prefix } = svc;
    const p = '+14155557002';
    const q = '+14155557003';
    const stop = (from: string, body: string) => ({
      key: res.keyer.keyOf({ type: 'phone', value: from }),
      value: newEnvelope('consent.sms-inbound.v1', 'edge', { from, to: '+14155550000', body }),
    });
    // A STOP wants a confirmation on the missing topic; the text behind it wants no reply.
    await produce(brokers(), `${prefix}${Topics.smsInbound}`, [stop(p, 'STOP'), stop(q, 'thanks')]);
    const [dead] = await consumeAll(brokers(), `${prefix}${Topics.smsInbound}.dlq`, 1, 120_000);
    expect(dead?.headers[DLQ_HEADERS.reason]).toBe('retries-exhausted');
    expect(dead?.headers[DLQ_HEADERS.salvage]).toBe('applied');
    expect(dead?.headers[DLQ_HEADERS.offset]).toBe('0');
    const smsAllowed = async (n: string) =>
      (await check(res.list, { subject: { type: 'phone', value: n }, channel: 'sms', kind: 'marketing' }))
        .allowed;
    expect(await smsAllowed(p)).toBe(false);
    // The message behind it was handled: the partition moved on.
    const trail = await waitFor('the next message recorded', async () => {
      const h = await history(res.list, { type: 'phone', value: q });
      return h.length > 0 ? h : undefined;
    });
    expect(trail.map((e) => e.type)).toEqual(['consent.sms-inbound.v1']);
    expect(await smsAllowed(q)).toBe(true);
  } finally {
    await svc.close();
  }
});
