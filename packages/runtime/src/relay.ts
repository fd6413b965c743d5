// The changelog relay of a process: publishes the list's outbox to suppression.changelog.v1.
// Several consumer services may run it; one PostgreSQL advisory lock, held on a connection of
// its own, makes exactly one of them the publisher at a time so order per key is kept.
import { type OutboxRelay, startOutboxRelay } from '@sp/messaging';
import { fetchOutbox, markOutboxPublished } from '@sp/suppression';
import postgres from 'postgres';
import type { Resources } from './resources';

const RELAY_LOCK = 727_012;

export interface ChangelogRelay {
  /** Publishes everything pending now (only when this process is the leader). */
  drain(): Promise<void>;
  isLeader(): boolean;
  stop(): Promise<void>;
}

export function startChangelogRelay(
  res: Pick<Resources, 'bus' | 'list' | 'logger'> & Partial<Pick<Resources, 'topicName'>>,
  opts: { leaderLockUrl?: string; intervalMs?: number } = {},
): ChangelogRelay {
  const topicName = res.topicName ?? ((t: string) => t);
  const start = (): OutboxRelay =>
    startOutboxRelay({
      bus: res.bus,
      logger: res.logger,
      intervalMs: opts.intervalMs ?? 250,
      source: {
        // Outbox rows name the catalog topic; the broker's name carries TOPIC_PREFIX.
        fetch: async (limit) =>
          (await fetchOutbox(res.list, limit)).map((r) => ({ ...r, topic: topicName(r.topic) })),
        markPublished: (ids) => markOutboxPublished(res.list, ids),
      },
    });

  if (!opts.leaderLockUrl) {
    // Embedded (PGlite): one process, no contention.
    const relay = start();
    return { drain: () => relay.drain(), isLeader: () => true, stop: () => relay.stop() };
  }

  const lockConn = postgres(opts.leaderLockUrl, { max: 1, idle_timeout: 0, onnotice: () => {} });
  let relay: OutboxRelay | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      if (!relay) {
        const [row] = await lockConn<{ ok: boolean }[]>`select pg_try_advisory_lock(${RELAY_LOCK}) as ok`;
        if (row?.ok && !stopped) {
          relay = start();
          res.logger.info({ lock: RELAY_LOCK }, 'changelog relay: leader');
        }
      } else {
        await lockConn`select 1`; // the lock lives as long as this connection
      }
    } catch (err) {
      if (relay) {
        res.logger.warn({ err: (err as Error).message }, 'changelog relay: lost the leader connection');
        const r = relay;
        relay = undefined;
        await r.stop();
      }
    } finally {
      if (!stopped) timer = setTimeout(() => void tick(), 2000);
    }
  };
  void tick();
  return {
    drain: async () => {
      if (relay) await relay.drain();
    },
    isLeader: () => relay !== undefined,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (relay) await relay.stop();
      relay = undefined;
      await lockConn.end({ timeout: 5 });
    },
  };
}
