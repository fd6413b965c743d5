// The contract on the real broker of the test run.
import { createTopic, testInfra, uniqueName, withAdmin } from '@sp/testing';
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
