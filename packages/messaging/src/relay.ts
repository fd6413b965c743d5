// The outbox relay: moves rows that the domain wrote in its transaction (the outbox) to Kafka,
// in the order the source returns them, and marks them published only after the broker acked.
// A crash between the ack and the mark repeats a change; nothing is ever lost.
import type { Bus, Logger, OutgoingMessage } from './types';
import { silentLogger } from './types';

export interface OutboxRow {
  id: string;
  topic: string;
  /** For the changelog: subject key + scope, so compaction keeps the latest per key. */
  key: string;
  /** The serialized event (JSON). */
  value: string;
  /** Trace context captured when the row was written, passed through. */
  headers?: Record<string, string>;
}

export interface OutboxSource {
  /**
   * The oldest unpublished rows, in commit order, at most `limit`. Only one relay may read a
   * source at a time (e.g. hold a PostgreSQL advisory lock) or order per key is lost.
   */
  fetch(limit: number): Promise<OutboxRow[]>;
  markPublished(ids: string[]): Promise<void>;
}

export interface OutboxRelayOptions {
  bus: Bus;
  source: OutboxSource;
  intervalMs?: number;
  batchSize?: number;
  logger?: Logger;
}

export interface OutboxRelay {
  /** Stops polling after a last drain attempt (its failure is logged, the rows stay pending). */
  stop(): Promise<void>;
  /** Publishes everything pending now; rejects if the broker or the source fails. */
  drain(): Promise<void>;
}

export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const log = opts.logger ?? silentLogger;
  const intervalMs = opts.intervalMs ?? 500;
  const batchSize = Math.max(1, opts.batchSize ?? 500);
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  /** One pass: publish fetched rows as runs of one topic, each run acked before the next. */
  const once = async (): Promise<number> => {
    const rows = await opts.source.fetch(batchSize);
    let i = 0;
    while (i < rows.length) {
      const topic = (rows[i] as OutboxRow).topic;
      let j = i;
      while (j < rows.length && (rows[j] as OutboxRow).topic === topic) j++;
      const run = rows.slice(i, j);
      const messages: OutgoingMessage[] = run.map((r) => ({
        key: r.key,
        value: r.value,
        headers: r.headers,
      }));
      await opts.bus.publish(topic, messages);
      await opts.source.markPublished(run.map((r) => r.id));
      i = j;
    }
    return rows.length;
  };

  // Serializes passes: the timer and drain() never publish the same rows side by side.
  const exclusive = (fn: () => Promise<void>): Promise<void> => {
    const next = running.then(fn, fn);
    running = next.catch(() => {});
    return next;
  };

  const drain = () =>
    exclusive(async () => {
      while ((await once()) >= batchSize) {}
    });

  const tick = async () => {
    try {
      await drain();
    } catch (err) {
      log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'outbox relay pass failed, will retry',
      );
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, 0);

  return {
    drain,
    async stop() {
      if (stopped) return running;
      stopped = true;
      if (timer) clearTimeout(timer);
      try {
        await drain();
      } catch (err) {
        log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'outbox relay final drain failed',
        );
      }
    },
  };
}
