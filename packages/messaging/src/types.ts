// The bus interface every service codes against; Kafka and in-process adapters implement it.

export interface OutgoingMessage {
  key: string | null;
  /** A string or Buffer is sent as is; anything else is JSON-serialized by the bus. */
  value: unknown;
  /** Passed through untouched (W3C `traceparent`/`tracestate` among them). */
  headers?: Record<string, string>;
}

export interface Delivered<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: T;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; error: string };
export type Validator<T> = (topic: string, raw: Buffer | null) => ValidationResult<T>;

/** A handler may report how many messages of the batch were already applied (redeliveries). */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers usually return nothing
export type HandlerResult = void | { duplicates?: number };

export interface ConsumerOptions<T> {
  groupId: string;
  topics: string[];
  /** Where a group without committed offsets starts. Default true: a new group misses nothing. */
  fromBeginning?: boolean;
  validate: Validator<T>;
  /**
   * Applies a batch (one partition, in offset order, at most maxBatchSize messages) in one
   * transaction. Resolving means committed: only then are the offsets committed.
   * Throw `PoisonMessages` to dead-letter some messages and have the rest re-handled; a
   * `ValidationError` (by name) makes the runner re-handle the batch one message at a time and
   * dead-letter the ones that throw it; anything else is transient (retry with backoff), or an
   * outage when `isOutage(err)` says so (pause, probe until healthy, retry).
   */
  handle: (batch: Delivered<T>[]) => Promise<HandlerResult>;
  isOutage?: (err: unknown) => boolean;
  /** Called while paused for an outage; resolves when the dependency answers again. */
  probe?: () => Promise<void>;
  maxBatchSize?: number;
  retry?: { initialMs?: number; maxMs?: number };
  metrics?: ConsumerMetrics;
  logger?: Logger;
}

export interface ConsumerHandle {
  /** Finishes the batch in hand, commits it, leaves the group. Idempotent. */
  stop(): Promise<void>;
  /** Joined, not stopped, not paused by an outage (for /readyz). */
  ready(): boolean;
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
  compacted?: boolean;
  /** Also create `<topic>.dlq` (1 partition). Default true unless the topic is itself a DLQ. */
  dlq?: boolean;
}

export interface Bus {
  /** Resolves only when acknowledged by all in-sync replicas (acks=-1); order kept per call. */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  consume<T>(opts: ConsumerOptions<T>): Promise<ConsumerHandle>;
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Minimal logger; a pino logger fits. Never pass addresses or phone numbers in `obj`. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

/** Shaped like prom-client's Counter/Gauge so `metrics.counter(...)` can be passed as is. */
export interface CounterLike {
  inc(labels: Record<string, string>, value?: number): void;
}
export interface GaugeLike {
  set(labels: Record<string, string>, value: number): void;
}
/** Labels: `topic` (and `partition` for lag), plus `group`. */
export interface ConsumerMetrics {
  consumed?: CounterLike;
  applied?: CounterLike;
  duplicates?: CounterLike;
  deadLettered?: CounterLike;
  retried?: CounterLike;
  lag?: GaugeLike;
}

export const DLQ_HEADERS = {
  error: 'x-dlq-error',
  sourceTopic: 'x-dlq-source-topic',
  partition: 'x-dlq-source-partition',
  offset: 'x-dlq-source-offset',
  at: 'x-dlq-at',
} as const;

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Thrown by a handler to reject single messages: they go to the DLQ, the rest is re-handled. */
export class PoisonMessages extends Error {
  override readonly name = 'PoisonMessages';
  constructor(readonly poison: { message: Delivered<unknown>; error: string }[]) {
    super(`${poison.length} poison message(s)`);
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
