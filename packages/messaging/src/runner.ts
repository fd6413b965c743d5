// The consumer runner's decisions, shared by the Kafka and in-process adapters: validate,
// dead-letter, call the handler, retry transient errors (for a bounded time), pause on an
// outage (without a bound), and never let one message block its partition. The adapter
// commits only the prefix of the batch this returns as done.
import { ValidationError } from '@sp/contracts';
import { genericPoisonReason, safeErrorText } from './errors';
import {
  type ConsumerOptions,
  type DeadLetterCause,
  type Delivered,
  DLQ_HEADERS,
  dlqTopicOf,
  type Logger,
  type OutgoingMessage,
  PoisonMessages,
  type RawMessage,
  silentLogger,
} from './types';

export type { RawMessage } from './types';

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
/** How long an error of unknown kind is retried before the message is dead-lettered. */
export const DEFAULT_GIVE_UP_AFTER_MS = 10 * 60_000;
/** A salvage that fails for a reason other than an outage is retried this long at most. */
const SALVAGE_BUDGET_MS = 30_000;

/** @sp/contracts' ValidationError and its subclasses (or any error named so). */
export function isValidationError(err: unknown): boolean {
  return err instanceof ValidationError || (err instanceof Error && err.name === 'ValidationError');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function dlqMessage(
  raw: RawMessage,
  error: string,
  now = new Date(),
  extra: Record<string, string> = {},
): OutgoingMessage {
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
      ...extra,
    },
  };
}

export type ErrorVerdict =
  | { kind: 'reject'; cause: DeadLetterCause }
  | { kind: 'outage' }
  | { kind: 'retry' };

/**
 * Which way a handler error goes: the message is rejected (validation, poison: no retry can
 * cure it), the dependency is down (pause until it answers), or it may pass next time (retry).
 */
export function classifyError(
  opts: Pick<ConsumerOptions<unknown>, 'isOutage' | 'isPoison'>,
  err: unknown,
): ErrorVerdict {
  if (err instanceof PoisonMessages)
    return { kind: 'reject', cause: { reason: 'handler', error: err.message } };
  if (isValidationError(err))
    return { kind: 'reject', cause: { reason: 'validation', error: errorText(err) } };
  if (opts.isOutage?.(err)) return { kind: 'outage' };
  const poison = opts.isPoison?.(err) ?? genericPoisonReason(err);
  if (poison) return { kind: 'reject', cause: { reason: poison, error: safeErrorText(err) } };
  return { kind: 'retry' };
}

type Attempt<R> =
  | { kind: 'ok'; value: R }
  | { kind: 'rejected'; error: unknown; cause: DeadLetterCause }
  | { kind: 'abandoned' };

interface Entry {
  raw: RawMessage;
  cause: DeadLetterCause;
}

/**
 * Processes one batch (one topic; one or more partitions, each in offset order, one after the
 * other). Returns how many leading messages are
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
  const giveUpAfterMs = opts.retry?.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS;

  const sleep = async (ms: number) => {
    const until = Date.now() + ms;
    while (!ctx.abandoned()) {
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise((r) => setTimeout(r, Math.min(left, 250)));
      await ctx.heartbeat();
    }
  };

  /**
   * Runs fn until it succeeds. With a budget, rejections (validation, poison) come back at once
   * and other errors once the budget is spent; without one (publishing dead letters), it retries
   * until it succeeds. Outages pause without a bound either way.
   */
  const attempt = async <R>(what: string, fn: () => Promise<R>, budgetMs?: number): Promise<Attempt<R>> => {
    let delay = initialMs;
    let since: number | undefined;
    let tries = 0;
    for (;;) {
      if (ctx.abandoned()) return { kind: 'abandoned' };
      try {
        return { kind: 'ok', value: await fn() };
      } catch (err) {
        const first = raws[0];
        const where = { group: opts.groupId, topic: first?.topic ?? '', partition: first?.partition };
        const verdict = classifyError(opts, err);
        if (budgetMs !== undefined && verdict.kind === 'reject') {
          return { kind: 'rejected', error: err, cause: verdict.cause };
        }
        if (verdict.kind === 'outage') {
          log.warn({ ...where, err: safeErrorText(err) }, `${what}: outage, pausing`);
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
          log.info(where, `${what}: dependency back, resuming`);
          delay = initialMs;
          since = undefined; // the wait for the outage does not count against the message
          continue;
        }
        tries++;
        since ??= Date.now();
        const text = safeErrorText(err);
        const elapsed = Date.now() - since;
        if (budgetMs !== undefined && elapsed >= budgetMs) {
          return {
            kind: 'rejected',
            error: err,
            cause: {
              reason: 'retries-exhausted',
              error: `gave up after ${tries} attempt(s) in ${Math.round(elapsed / 1000)} s: ${text}`,
            },
          };
        }
        opts.metrics?.retried?.inc(labels(where.topic));
        log.warn({ ...where, err: text, attempt: tries, retryInMs: delay }, `${what} failed, retrying`);
        await sleep(budgetMs === undefined ? delay : Math.min(delay, Math.max(0, budgetMs - elapsed)));
        delay = Math.min(delay * 2, maxMs);
      }
    }
  };

  /** Headers saying what the salvage hook did; null when abandoned meanwhile. */
  const salvage = async ({ raw, cause }: Entry): Promise<Record<string, string> | null> => {
    const hook = opts.salvage;
    if (!hook) return {};
    const r = await attempt('salvage', () => hook(raw, cause), Math.min(giveUpAfterMs, SALVAGE_BUDGET_MS));
    if (r.kind === 'abandoned') return null;
    const where = { group: opts.groupId, topic: raw.topic, partition: raw.partition, offset: raw.offset };
    if (r.kind === 'ok') {
      opts.metrics?.salvaged?.inc({ ...labels(raw.topic), outcome: r.value });
      if (r.value !== 'not-applicable')
        log.info({ ...where, salvage: r.value }, 'salvaged before dead-lettering');
      return { [DLQ_HEADERS.salvage]: r.value };
    }
    const error = r.cause.reason === 'retries-exhausted' ? r.cause.error : safeErrorText(r.error);
    opts.metrics?.salvaged?.inc({ ...labels(raw.topic), outcome: 'failed' });
    log.error({ ...where, err: error }, 'salvage failed; dead-lettering without it');
    return { [DLQ_HEADERS.salvage]: 'failed', [DLQ_HEADERS.salvageError]: error.slice(0, MAX_ERROR_HEADER) };
  };

  const deadLetter = async (entries: Entry[]): Promise<boolean> => {
    if (entries.length === 0) return true;
    const byTopic = new Map<string, { messages: OutgoingMessage[]; reasons: string[] }>();
    for (const entry of entries) {
      const { raw, cause } = entry;
      const salvaged = await salvage(entry);
      if (salvaged === null) return false;
      const list = byTopic.get(raw.topic) ?? { messages: [], reasons: [] };
      list.messages.push(
        dlqMessage(raw, cause.error, new Date(), { [DLQ_HEADERS.reason]: cause.reason, ...salvaged }),
      );
      list.reasons.push(cause.reason);
      byTopic.set(raw.topic, list);
      log.error(
        {
          group: opts.groupId,
          topic: raw.topic,
          partition: raw.partition,
          offset: raw.offset,
          reason: cause.reason,
          error: cause.error.slice(0, MAX_ERROR_HEADER),
          salvage: salvaged[DLQ_HEADERS.salvage],
        },
        'dead-lettering message',
      );
    }
    for (const [topic, { messages, reasons }] of byTopic) {
      // A dead letter keeps no readable identifier: one published readable is sealed first.
      const seal = opts.sealDeadLetters;
      if (seal) {
        const sealed = await attempt('seal dead letters', () => seal(messages.map((m) => m.value as Buffer)));
        if (sealed.kind !== 'ok') return false;
        messages.forEach((m, i) => {
          m.value = sealed.value[i] ?? m.value;
        });
      }
      const r = await attempt('dead-letter', () => ctx.publish(dlqTopicOf(topic), messages));
      if (r.kind !== 'ok') return false;
      opts.metrics?.deadLettered?.inc(labels(topic), messages.length);
      for (const reason of reasons) opts.metrics?.poisoned?.inc({ ...labels(topic), reason });
    }
    return true;
  };

  const first = raws[0];
  if (!first) return 0;
  opts.metrics?.consumed?.inc(labels(first.topic), raws.length);

  type Item = { index: number; raw: RawMessage; delivered: Delivered<T> };
  const valid: Item[] = [];
  const invalid: Entry[] = [];
  let opened: Array<{ ok: true; value: Buffer | null } | { ok: false; error: string }> | undefined;
  if (opts.open) {
    const open = opts.open;
    const r = await attempt('open', () => open(raws));
    if (r.kind !== 'ok') return 0;
    opened = r.value;
  }
  raws.forEach((raw, index) => {
    let r: ReturnType<typeof opts.validate>;
    const o = opened?.[index];
    try {
      if (o && !o.ok) r = { ok: false, error: o.error };
      else r = opts.validate(raw.topic, o ? o.value : raw.value);
    } catch (err) {
      r = { ok: false, error: `validator threw: ${safeErrorText(err)}` };
    }
    if (r.ok) valid.push({ index, raw, delivered: { ...raw, value: r.value } });
    else invalid.push({ raw, cause: { reason: 'validation', error: r.error } });
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
    const r = await attempt('handler', () => opts.handle(batch.map((i) => i.delivered)), giveUpAfterMs);
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
          cause: {
            reason: 'handler',
            error: errors.get(`${i.raw.partition}:${i.raw.offset}`) ?? 'rejected by handler',
          },
        }));
        if (!(await deadLetter(entries))) return 0;
        pending = batch.filter((i) => !isPoison(i));
        continue;
      }
      // It named no message of this batch: fall back to halves.
    } else if (batch.length === 1) {
      // One message: the verdict is its own.
      const only = batch[0] as Item;
      return (await deadLetter([{ raw: only.raw, cause: r.cause }])) ? raws.length : only.index;
    }
    // Find the culprits by halves: a part that passes is applied, a part that fails is split,
    // a single message that fails is dead-lettered. One poison message among thousands costs
    // about two attempts per halving, not one per message. Parts run in offset order, so what
    // precedes the part in hand is done. When the batch already spent the retry budget on an
    // error of unknown kind, each part gets one more try, not a budget of its own.
    const budget = r.cause.reason === 'retries-exhausted' ? 0 : giveUpAfterMs;
    const parts: Item[][] = halves(batch).reverse();
    for (let part = parts.pop(); part; part = parts.pop()) {
      const items = part;
      const head = items[0] as Item;
      const one = await attempt('handler', () => opts.handle(items.map((i) => i.delivered)), budget);
      if (one.kind === 'abandoned') return head.index;
      if (one.kind === 'ok') {
        applied(items, one.value);
        continue;
      }
      if (one.error instanceof PoisonMessages) {
        const named = one.error.poison;
        const isNamed = (i: Item) =>
          named.some((p) => p.message.partition === i.raw.partition && p.message.offset === i.raw.offset);
        const rejected = items.filter(isNamed);
        if (rejected.length > 0) {
          const entries = rejected.map((i) => ({
            raw: i.raw,
            cause: { reason: 'handler', error: rejectionText(one.error as PoisonMessages, i) },
          }));
          if (!(await deadLetter(entries))) return head.index;
          const rest = items.filter((i) => !isNamed(i));
          if (rest.length > 0) parts.push(rest);
          continue;
        }
      }
      if (items.length > 1) {
        parts.push(...halves(items).reverse());
        continue;
      }
      const cause =
        one.error instanceof PoisonMessages
          ? { reason: 'handler', error: rejectionText(one.error, head) }
          : one.cause;
      if (!(await deadLetter([{ raw: head.raw, cause }]))) return head.index;
    }
    return raws.length;
  }
  return raws.length;
}

function halves<I>(items: I[]): I[][] {
  const mid = Math.ceil(items.length / 2);
  return [items.slice(0, mid), items.slice(mid)].filter((h) => h.length > 0);
}

function rejectionText(err: PoisonMessages, item: { raw: RawMessage }): string {
  return (
    err.poison.find((p) => p.message.offset === item.raw.offset && p.message.partition === item.raw.partition)
      ?.error ?? 'rejected by handler'
  );
}
