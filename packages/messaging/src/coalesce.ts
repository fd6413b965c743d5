// Batches across partitions (issue 12). The Kafka adapter hands every partition's batch of a
// fetch to `submit` at once; the coalescer joins them into runner batches of up to maxBatch
// messages of one topic (each partition's messages in offset order), runs one at a time, and
// after each run resolves and commits the offsets of what the runner reports done, in one
// commit. A partition's batch resolves when all of it is done, or as soon as a run leaves part
// of it undone (stop, rebalance): the rest is fetched again, as with one partition per batch.
import type { BatchContext, RawMessage } from './runner';
import type { OutgoingMessage } from './types';

/** One partition's batch as the adapter received it. */
export interface PartitionSource {
  topic: string;
  partition: number;
  /** The partition's end when fetched (for the lag gauge). */
  highWatermark: string;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  /** Commits every offset resolved so far (the whole consumer's). */
  commit(): Promise<void>;
  /** The consumer stopped or this partition was taken away. */
  gone(): boolean;
}

export interface CoalescerOptions {
  maxBatch: number;
  /** Runs one batch; returns how many leading messages are done (processBatch). */
  process(ctx: BatchContext, raws: RawMessage[]): Promise<number>;
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  stopping(): boolean;
  setPaused(paused: boolean): void;
  setLag?(topic: string, partition: number, lag: bigint): void;
}

interface Pending {
  src: PartitionSource;
  raws: RawMessage[];
  /** First message not yet taken into a run. */
  next: number;
  /** Messages done (resolved). */
  done: number;
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

export interface Coalescer {
  /** Resolves when every message is done or the partition's batch was left (stop, rebalance). */
  submit(src: PartitionSource, raws: RawMessage[]): Promise<void>;
}

export function createCoalescer(opts: CoalescerOptions): Coalescer {
  const queue: Pending[] = [];
  let running = false;
  let scheduled = false;

  const settle = (p: Pending, err?: unknown) => {
    if (p.settled) return;
    p.settled = true;
    const i = queue.indexOf(p);
    if (i >= 0) queue.splice(i, 1);
    if (err === undefined) p.resolve();
    else p.reject(err);
  };

  const runOne = async () => {
    const topic = (queue[0] as Pending).src.topic;
    const parts: { p: Pending; from: number; to: number }[] = [];
    let n = 0;
    for (const p of queue) {
      if (n >= opts.maxBatch) break;
      if (p.src.topic !== topic) continue;
      const take = Math.min(p.raws.length - p.next, opts.maxBatch - n);
      parts.push({ p, from: p.next, to: p.next + take });
      p.next += take;
      n += take;
    }
    for (const { p } of parts) {
      const i = queue.indexOf(p);
      if (p.next >= p.raws.length && i >= 0) queue.splice(i, 1);
    }
    const raws = parts.flatMap(({ p, from, to }) => p.raws.slice(from, to));
    const first = (parts[0] as (typeof parts)[number]).p.src;
    const ctx: BatchContext = {
      heartbeat: () => first.heartbeat(),
      abandoned: () => opts.stopping() || parts.some(({ p }) => p.src.gone()),
      publish: opts.publish,
      setPaused: opts.setPaused,
    };
    try {
      const done = await opts.process(ctx, raws);
      let at = 0;
      let any = false;
      for (const part of parts) {
        const len = part.to - part.from;
        const k = Math.max(0, Math.min(len, done - at));
        at += len;
        const last = part.p.raws[part.from + k - 1];
        if (k > 0 && last) {
          part.p.src.resolveOffset(last.offset);
          any = true;
        }
        part.p.done += k;
      }
      // Commit after write: the offsets go to Kafka only once the runner reported them done.
      if (any) await first.commit();
    } catch (err) {
      for (const { p } of parts) settle(p, err);
      return;
    }
    for (const { p, to } of parts) {
      const last = p.raws[p.done - 1];
      if (last)
        opts.setLag?.(p.src.topic, p.src.partition, BigInt(p.src.highWatermark) - BigInt(last.offset) - 1n);
      // Left undone (stop, rebalance): its rest is not run; Kafka delivers it again.
      if (p.done < to || p.done >= p.raws.length) settle(p);
    }
  };

  const drain = async () => {
    if (running) return;
    running = true;
    try {
      while (queue.length > 0) await runOne();
    } finally {
      running = false;
    }
  };

  return {
    submit(src, raws) {
      if (raws.length === 0) return Promise.resolve();
      const done = new Promise<void>((resolve, reject) => {
        queue.push({ src, raws, next: 0, done: 0, settled: false, resolve, reject });
      });
      // One turn of the event loop lets the other partitions of the same fetch join the run.
      if (!running && !scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void drain();
        });
      }
      return done;
    },
  };
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: bigint;
}

/** Measures and reports lag every intervalMs until stopped; a failed measurement is reported, not thrown. */
export function startLagReporter(o: {
  intervalMs: number;
  measure(): Promise<PartitionLag[]>;
  report(lags: PartitionLag[]): void;
  onError(err: unknown): void;
}): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), o.intervalMs);
    timer.unref();
  };
  const tick = async () => {
    try {
      const lags = await o.measure();
      if (!stopped && lags.length > 0) o.report(lags);
    } catch (err) {
      if (!stopped) o.onError(err);
    } finally {
      schedule();
    }
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
