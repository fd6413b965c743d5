export { BaseEnv } from './config';
export {
  consumerMetrics,
  LIST_CONSUMER_BATCH_SIZE,
  type ListConsumerOptions,
  startListConsumer,
} from './consumer';
export { type Stopper, stopInOrder, stopOnSignals } from './lifecycle';
export { type ChangelogRelay, startChangelogRelay } from './relay';
export {
  assembleResources,
  type ListOptions,
  listContext,
  openResources,
  type Resources,
  sealing,
} from './resources';
export {
  type PeekedEnvelope,
  peekEnvelope,
  type SalvagePolicy,
  type SalvageScope,
  salvageHook,
} from './salvage';
export { openSealedBus, sealedBus } from './sealed-bus';
export { type RunningService, runConsumerService } from './service';
export { MissingTopicsError, missingTopics, waitForTopics } from './topics';
export { tracedBus } from './traced-bus';
