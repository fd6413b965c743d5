export { encodeValue } from './codec';
export { type EndOffsets, kafkaEndOffsets, localEndOffsets, memoryEndOffsets } from './ends';
export { createKafkaBus, type KafkaBusOptions } from './kafka';
export { createMemoryBus, type MemoryBus } from './memory';
export {
  type OutboxRelay,
  type OutboxRelayOptions,
  type OutboxRow,
  type OutboxSource,
  startOutboxRelay,
} from './relay';
export { dlqMessage, isValidationError, type RawMessage } from './runner';
export { catalogValidator, type SubscribeOptions, subscribe } from './typed';
export {
  type Bus,
  type ConsumerHandle,
  type ConsumerMetrics,
  type ConsumerOptions,
  type CounterLike,
  type Delivered,
  DLQ_HEADERS,
  dlqTopicOf,
  type GaugeLike,
  type HandlerResult,
  type Logger,
  type OutgoingMessage,
  PoisonMessages,
  silentLogger,
  type TopicSpec,
  type ValidationResult,
  type Validator,
} from './types';
