export { BaseEnv } from './config';
export {
  consumerMetrics,
  LIST_CONSUMER_BATCH_SIZE,
  type ListConsumerOptions,
  startListConsumer,
} from './consumer';
export {
  type Dependency,
  databaseDependency,
  defaultServiceSettings,
  exitOnFailure,
  kafkaDependency,
  type OpenedService,
  type RunningKit,
  runService,
  ServiceEnv,
  type ServiceKit,
  type ServiceSettings,
  type StartedParts,
  type StopPhases,
  serviceSettings,
  stopPhases,
  topicNamer,
  topicsDependency,
  waitForDependencies,
} from './kit';
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
export { openSealedKafka, type SealedKafkaOptions } from './sealed-kafka';
export { type RunningService, type RunOptions, runConsumerService } from './service';
export { tracedBus } from './traced-bus';
