// The same contract on the in-memory bus of unit tests.
import { createMemoryBus } from '../src/index';
import { busContract, ensuredTopic } from './contract';

busContract('in-process', async () => {
  const bus = createMemoryBus();
  return {
    bus,
    topic: ensuredTopic(bus),
    committed: async (groupId, topic) => bus.committed(groupId, topic),
    close: () => bus.close(),
  };
});
