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

/** A message as read from the bus, before validation. */
export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
  /** When the bus accepted it (ms since the epoch, as a string), when the adapter knows. */
  timestamp?: string;
}

/** Why a message is being dead-lettered: a metric label and a text safe for logs and headers. */
export interface DeadLetterCause {
  /** validation | handler | json | encoding | data-exception | constraint | retries-exhausted … */
  reason: string;
  error: string;
}

/** What a salvage hook did: wrote the safest form of the message, found it written, or had nothing to do. */
export type SalvageOutcome = 'applied' | 'duplicate' | 'not-applicable';

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
   * Applies a batch in one transaction: at most maxBatchSize messages of one topic, from one or
   * more partitions (on Kafka, every partition of a fetch joins one batch), each partition's
   * messages in offset order. Resolving means committed: only then are the offsets committed.
   * Throw `PoisonMessages` to dead-letter some messages and have the rest re-handled; a
   * `ValidationError` (by name) makes the runner re-handle the batch in halves down to single
   * messages and dead-letter the ones that throw it. Otherwise: an outage when `isOutage(err)`
   * says so (pause, probe until healthy, retry, without a bound: an outage is not the message's
   * fault); poison when `isPoison(err)` or the runner's own rules (JSON, encoding) say so
   * (re-handle in halves, dead-letter the culprit alone); anything else is retried with backoff
   * for at most `retry.giveUpAfterMs`, then dead-lettered as `retries-exhausted`.
   */
  handle: (batch: Delivered<T>[]) => Promise<HandlerResult>;
  isOutage?: (err: unknown) => boolean;
  /** A label (e.g. 'data-exception') when `err` cannot succeed on retry; undefined when it might. */
  isPoison?: (err: unknown) => string | undefined;
  /** Called while paused for an outage; resolves when the dependency answers again. */
  probe?: () => Promise<void>;
  /**
   * Called for each message before it goes to the DLQ, so a consumer can still honour what the
   * message asked in its safest form ("when in doubt, suppress"). A throw is recorded on the
   * dead letter (`x-dlq-salvage: failed`) and the partition moves on all the same; an outage
   * (`isOutage`) pauses and retries it like the handler.
   */
  salvage?: (raw: RawMessage, cause: DeadLetterCause) => Promise<SalvageOutcome>;
  /** Rewrites dead letters before they are published (issue 15: seals identifiers published readable). */
  sealDeadLetters?: (values: Buffer[]) => Promise<Buffer[]>;
  /**
   * Turns each raw value into the bytes to validate (issue 15: opens the sealed identifiers of an
   * event), one result per message in order. A message it cannot open comes back as an error and
   * is dead-lettered as it was read (still sealed); a throw is an outage or retried like one.
   */
  open?: (
    batch: RawMessage[],
  ) => Promise<Array<{ ok: true; value: Buffer | null } | { ok: false; error: string }>>;
  maxBatchSize?: number;
  /** Backoff from initialMs doubling to maxMs; give up on a message after giveUpAfterMs (default 10 minutes). */
  retry?: { initialMs?: number; maxMs?: number; giveUpAfterMs?: number };
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
  /** retention.ms of this topic; default: the bus's retention for events or for dead letters. */
  retentionMs?: number;
}

/**
 * How long topics keep messages (issue 15: events and dead letters hold sealed identifiers, and
 * nothing is kept forever). A compacted topic keeps compaction instead (latest value per key).
 */
export interface TopicRetention {
  /** Event topics; default 7 days. */
  eventsMs: number;
  /** `<topic>.dlq`; default 30 days: time enough for an operator to look. */
  dlqMs: number;
}
export const DEFAULT_RETENTION: TopicRetention = { eventsMs: 7 * 86_400_000, dlqMs: 30 * 86_400_000 };

/** The broker config of a topic: compaction for a compacted one, else a bounded retention. */
export function topicConfig(
  spec: Pick<TopicSpec, 'topic' | 'compacted' | 'retentionMs'>,
  retention: TopicRetention = DEFAULT_RETENTION,
): Record<string, string> {
  if (spec.compacted) return { 'cleanup.policy': 'compact' };
  const ms = spec.retentionMs ?? (spec.topic.endsWith('.dlq') ? retention.dlqMs : retention.eventsMs);
  return { 'cleanup.policy': 'delete', 'retention.ms': String(ms) };
}

export interface Bus {
  /** Resolves only when acknowledged by all in-sync replicas (acks=-1); order kept per call. */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  consume<T>(opts: ConsumerOptions<T>): Promise<ConsumerHandle>;
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /**
   * The given topics that do not exist, in the order given. Adapters that make a topic on first
   * use (the in-process bus) may leave it out: then every topic counts as present.
   */
  missingTopics?(topics: string[]): Promise<string[]>;
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
  /** Dead letters by cause; labels group, topic, reason (DeadLetterCause.reason). */
  poisoned?: CounterLike;
  /** Salvage attempts; labels group, topic, outcome (applied | duplicate | not-applicable | failed). */
  salvaged?: CounterLike;
  retried?: CounterLike;
  lag?: GaugeLike;
}

export const DLQ_HEADERS = {
  error: 'x-dlq-error',
  sourceTopic: 'x-dlq-source-topic',
  partition: 'x-dlq-source-partition',
  offset: 'x-dlq-source-offset',
  at: 'x-dlq-at',
  /** DeadLetterCause.reason: validation, data-exception, retries-exhausted … */
  reason: 'x-dlq-reason',
  /** What the salvage hook did: applied | duplicate | not-applicable | failed. */
  salvage: 'x-dlq-salvage',
  /** Why the salvage failed (safe text). */
  salvageError: 'x-dlq-salvage-error',
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

/**
 * A publish to (or a consumer of) a topic the bus does not have: topics are never made by a
 * publish, on Kafka as on the table bus. `type` as kafkajs names the broker's error.
 */
export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
  readonly type = 'UNKNOWN_TOPIC_OR_PARTITION';
  constructor(readonly topic: string) {
    super(`topic ${topic} does not exist`);
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
