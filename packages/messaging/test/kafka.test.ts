// The contract on the real broker of the test run.
import { createTopic, freePort, testInfra, uniqueName, withAdmin } from '@sp/testing';
import { expect, it } from 'vitest';
import { createKafkaBus } from '../src/index';
import { busContract } from './contract';

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
