export { encodeValue } from './codec';
export { type EndOffsets, kafkaEndOffsets, localEndOffsets, memoryEndOffsets } from './ends';
export { genericPoisonReason, safeErrorText } from './errors';
export { createKafkaBus, type KafkaBusOptions } from './kafka';
export { createLocalBus, type LocalBus, type LocalBusOptions, type LogStore } from './local';
export { createMemoryBus, type MemoryBus } from './memory';
export {
  type OutboxRelay,
  type OutboxRelayOptions,
  type OutboxRow,
  type OutboxSource,
  startOutboxRelay,
} from './relay';
export {
  type BatchContext,
  classifyError,
  DEFAULT_GIVE_UP_AFTER_MS,
  dlqMessage,
  type ErrorVerdict,
  isValidationError,
  processBatch,
} from './runner';
export { createTableBus, type SqlClient, type SqlQuery, type TableBus, type TableBusOptions } from './table';
export { catalogValidator, type SubscribeOptions, subscribe } from './typed';
export {
  type Bus,
  type ConsumerHandle,
  type ConsumerMetrics,
  type ConsumerOptions,
  type CounterLike,
  DEFAULT_RETENTION,
  type DeadLetterCause,
  type Delivered,
  DLQ_HEADERS,
  dlqTopicOf,
  type GaugeLike,
  type HandlerResult,
  type Logger,
  type OutgoingMessage,
  PoisonMessages,
  type RawMessage,
  type SalvageOutcome,
  silentLogger,
  type TopicRetention,
  type TopicSpec,
  topicConfig,
  UnknownTopicError,
  type ValidationResult,
  type Validator,
} from './types';
