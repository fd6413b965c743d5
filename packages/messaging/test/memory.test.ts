// The same contract on the in-process bus of the embedded mode.
import { uniqueName } from '@sp/testing';
import { createMemoryBus } from '../src/index';
import { busContract } from './contract';

busContract('in-process', async () => {
  const bus = createMemoryBus();
  return {
    bus,
    topic: async (prefix, opts = {}) => {
      const topic = uniqueName(prefix);
      await bus.ensureTopics([
        { topic, partitions: opts.partitions ?? 1, compacted: opts.compacted ?? false },
      ]);
      return topic;
    },
    committed: async (groupId, topic) => bus.committed(groupId, topic),
    close: () => bus.close(),
  };
});
