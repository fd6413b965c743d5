// The consumer runner's decisions, shared by the Kafka and in-process adapters: validate,
// dead-letter, call the handler, retry transient errors, pause on an outage. The adapter
// commits only the prefix of the batch this returns as done.
import { ValidationError } from '@sp/contracts';
import {
  type ConsumerOptions,
  type Delivered,
  DLQ_HEADERS,
  dlqTopicOf,
  type Logger,
  type OutgoingMessage,
  PoisonMessages,
  silentLogger,
} from './types';

export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
}

export interface BatchContext {
  /** Keeps the group session alive during long retries; may throw on a rebalance. */
  heartbeat(): Promise<void>;
  /** True when stop() was called or the partition was taken away: give up, commit nothing more. */
  abandoned(): boolean;
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Set while waiting for an outage to end (ready() is false meanwhile). */
  setPaused(paused: boolean): void;
}

const MAX_ERROR_HEADER = 1000;

/** @sp/contracts' ValidationError and its subclasses (or any error named so). */
export function isValidationError(err: unknown): boolean {
  return err instanceof ValidationError || (err instanceof Error && err.name === 'ValidationError');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function dlqMessage(raw: RawMessage, error: string, now = new Date()): OutgoingMessage {
  return {
    key: raw.key,
    value: raw.value ?? Buffer.alloc(0),
    headers: {
      ...raw.headers,
      [DLQ_HEADERS.error]: error.slice(0, MAX_ERROR_HEADER),
      [DLQ_HEADERS.sourceTopic]: raw.topic,
      [DLQ_HEADERS.partition]: String(raw.partition),
      [DLQ_HEADERS.offset]: raw.offset,
      [DLQ_HEADERS.at]: now.toISOString(),
    },
  };
}

type Attempt<R> = { kind: 'ok'; value: R } | { kind: 'rejected'; error: unknown } | { kind: 'abandoned' };

/**
 * Processes one batch (one partition, offset order). Returns how many leading messages are
 * done (handled or dead-lettered) and may be committed: all of them, or fewer when the batch
 * was abandoned because of stop() or a rebalance.
 */
export async function processBatch<T>(
  opts: ConsumerOptions<T>,
  ctx: BatchContext,
  raws: RawMessage[],
): Promise<number> {
  const log: Logger = opts.logger ?? silentLogger;
  const labels = (topic: string) => ({ group: opts.groupId, topic });
  const initialMs = opts.retry?.initialMs ?? 200;
  const maxMs = opts.retry?.maxMs ?? 30_000;

  const sleep = async (ms: number) => {
    const until = Date.now() + ms;
    while (!ctx.abandoned()) {
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise((r) => setTimeout(r, Math.min(left, 250)));
      await ctx.heartbeat();
    }
  };

  /** Runs fn until it succeeds; handler rejections (poison, validation) are returned, not retried. */
  const attempt = async <R>(what: string, fn: () => Promise<R>, rejectable: boolean): Promise<Attempt<R>> => {
    let delay = initialMs;
    for (;;) {
      if (ctx.abandoned()) return { kind: 'abandoned' };
      try {
        return { kind: 'ok', value: await fn() };
      } catch (err) {
        if (rejectable && (err instanceof PoisonMessages || isValidationError(err))) {
          return { kind: 'rejected', error: err };
        }
        const topic = raws[0]?.topic ?? '';
        if (opts.isOutage?.(err)) {
          log.warn({ group: opts.groupId, topic, err: errorText(err) }, `${what}: outage, pausing`);
          ctx.setPaused(true);
          try {
            let probeDelay = initialMs;
            for (;;) {
              await sleep(probeDelay);
              if (ctx.abandoned()) return { kind: 'abandoned' };
              if (!opts.probe) break;
              try {
                await opts.probe();
                break;
              } catch {
                probeDelay = Math.min(probeDelay * 2, maxMs);
              }
            }
          } finally {
            ctx.setPaused(false);
          }
          log.info({ group: opts.groupId, topic }, `${what}: dependency back, resuming`);
          delay = initialMs;
          continue;
        }
        opts.metrics?.retried?.inc(labels(topic));
        log.warn(
          { group: opts.groupId, topic, err: errorText(err), retryInMs: delay },
          `${what} failed, retrying`,
        );
        await sleep(delay);
        delay = Math.min(delay * 2, maxMs);
      }
    }
  };

  const deadLetter = async (entries: { raw: RawMessage; error: string }[]): Promise<boolean> => {
    if (entries.length === 0) return true;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const { raw, error } of entries) {
      const list = byTopic.get(raw.topic) ?? [];
      list.push(dlqMessage(raw, error));
      byTopic.set(raw.topic, list);
      log.warn(
        { group: opts.groupId, topic: raw.topic, partition: raw.partition, offset: raw.offset, error },
        'dead-lettering message',
      );
    }
    for (const [topic, messages] of byTopic) {
      const r = await attempt('dead-letter', () => ctx.publish(dlqTopicOf(topic), messages), false);
      if (r.kind !== 'ok') return false;
      opts.metrics?.deadLettered?.inc(labels(topic), messages.length);
    }
    return true;
  };

  const first = raws[0];
  if (!first) return 0;
  opts.metrics?.consumed?.inc(labels(first.topic), raws.length);

  type Item = { index: number; raw: RawMessage; delivered: Delivered<T> };
  const valid: Item[] = [];
  const invalid: { raw: RawMessage; error: string }[] = [];
  raws.forEach((raw, index) => {
    let r: ReturnType<typeof opts.validate>;
    try {
      r = opts.validate(raw.topic, raw.value);
    } catch (err) {
      r = { ok: false, error: `validator threw: ${errorText(err)}` };
    }
    if (r.ok) valid.push({ index, raw, delivered: { ...raw, value: r.value } });
    else invalid.push({ raw, error: r.error });
  });
  if (!(await deadLetter(invalid))) return 0;

  const applied = (items: Item[], result: unknown) => {
    const dup =
      result && typeof result === 'object' && 'duplicates' in result && typeof result.duplicates === 'number'
        ? result.duplicates
        : 0;
    opts.metrics?.applied?.inc(labels(first.topic), items.length - dup);
    if (dup > 0) opts.metrics?.duplicates?.inc(labels(first.topic), dup);
  };

  let pending = valid;
  while (pending.length > 0) {
    const batch = pending;
    const r = await attempt('handler', () => opts.handle(batch.map((i) => i.delivered)), true);
    if (r.kind === 'abandoned') return 0;
    if (r.kind === 'ok') {
      applied(batch, r.value);
      return raws.length;
    }
    if (r.error instanceof PoisonMessages) {
      const poison = r.error.poison;
      const isPoison = (i: Item) =>
        poison.some((p) => p.message.partition === i.raw.partition && p.message.offset === i.raw.offset);
      const rejected = batch.filter(isPoison);
      if (rejected.length > 0) {
        const errors = new Map(poison.map((p) => [`${p.message.partition}:${p.message.offset}`, p.error]));
        const entries = rejected.map((i) => ({
          raw: i.raw,
          error: errors.get(`${i.raw.partition}:${i.raw.offset}`) ?? 'rejected by handler',
        }));
        if (!(await deadLetter(entries))) return 0;
        pending = batch.filter((i) => !isPoison(i));
        continue;
      }
      // It named no message of this batch: fall back to one message at a time.
    }
    // A ValidationError for the whole batch: find the culprits one message at a time.
    for (let n = 0; n < batch.length; n++) {
      const item = batch[n] as Item;
      const one = await attempt('handler', () => opts.handle([item.delivered]), true);
      if (one.kind === 'abandoned') return item.index;
      if (one.kind === 'ok') applied([item], one.value);
      else if (!(await deadLetter([{ raw: item.raw, error: rejectionText(one.error, item) }])))
        return item.index;
    }
    return raws.length;
  }
  return raws.length;
}

function rejectionText(err: unknown, item: { raw: RawMessage }): string {
  if (err instanceof PoisonMessages) {
    return (
      err.poison.find(
        (p) => p.message.offset === item.raw.offset && p.message.partition === item.raw.partition,
      )?.error ?? 'rejected by handler'
    );
  }
  return errorText(err);
}
