export { BaseEnv } from './config';
export { consumerMetrics, startListConsumer } from './consumer';
export { type Stopper, stopInOrder, stopOnSignals } from './lifecycle';
export { type ChangelogRelay, startChangelogRelay } from './relay';
export { assembleResources, type ListOptions, listContext, openResources, type Resources } from './resources';
export { type RunningService, runConsumerService } from './service';
export { tracedBus } from './traced-bus';
