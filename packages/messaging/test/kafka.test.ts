// The contract on the real broker of the test run.
import { createTopic, freePort, testInfra, uniqueName, waitFor, withAdmin } from '@sp/testing';
import { expect, it } from 'vitest';
import { createKafkaBus } from '../src/index';
import { busContract, ping, validatePing } from './contract';

busContract('kafka', async () => {
  const brokers = testInfra().kafkaBrokers;
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('sp-messaging-test') });
  return {
    bus,
    topic: (prefix, opts = {}) =>
      createTopic(brokers, prefix, {
        partitions: opts.partitions ?? 1,
        config: opts.compacted ? { 'cleanup.policy': 'compact' } : {},
      }),
    committed: (groupId, topic) =>
      withAdmin(brokers, async (admin) => {
        const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const offset = Number(t?.partitions.find((p) => p.partition === 0)?.offset ?? -1);
        return offset >= 0 ? offset : undefined;
      }),
    close: () => bus.close(),
  };
});

it('healthy() is true with the broker and false, quickly, without one (readyz)', async () => {
  const up = createKafkaBus({ brokers: testInfra().kafkaBrokers.split(','), clientId: uniqueName('health') });
  const down = createKafkaBus({ brokers: [`127.0.0.1:${await freePort()}`], clientId: uniqueName('health') });
  try {
    expect(await up.healthy()).toBe(true);
    expect(await down.healthy()).toBe(false);
  } finally {
    await Promise.all([up.close(), down.close()]);
  }
});

it('logs the lag of each assigned partition periodically, measured from the broker while a batch is in hand', async () => {
  const brokers = testInfra().kafkaBrokers;
  const lines: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const record = (obj: object, msg?: string) => void lines.push({ obj: obj as Record<string, unknown>, msg });
  const logger = { info: record, warn: record, error: record };
  const bus = createKafkaBus({
    brokers: brokers.split(','),
    clientId: uniqueName('lag'),
    lagIntervalMs: 100,
  });
  const topic = await createTopic(brokers, 'lag', { partitions: 2 });
  const groupId = uniqueName('lag');
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  const handled: number[] = [];
  const lagLines = () => lines.filter((l) => l.msg === 'consumer lag' && l.obj.group === groupId);
  try {
    const consumer = await bus.consume({
      groupId,
      topics: [topic],
      validate: validatePing,
      logger,
      handle: async (batch) => {
        await held;
        handled.push(...batch.map((d) => d.value.data.n));
      },
    });
    await bus.publish(
      topic,
      Array.from({ length: 10 }, (_, i) => ping(i, `key-${i}`)),
    );
    const waiting = await waitFor('a log line with the 10 waiting', () =>
      lagLines().find((l) => l.obj.lag === 10),
    );
    expect(Object.keys(waiting.obj.partitions as object).sort()).toEqual([`${topic}:0`, `${topic}:1`]);
    release();
    await waitFor('all handled', () => handled.length === 10);
    await waitFor('a log line with lag 0', () => lagLines().at(-1)?.obj.lag === 0);
    await consumer.stop();
  } finally {
    release();
    await bus.close();
  }
});
