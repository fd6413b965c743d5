// The main of a list consumer service on the kit: open resources (no connection yet), wait for
// the database, Kafka and the topics it reads and writes (/readyz false meanwhile), migrate, start
// its consumers and the changelog relay; stop consumers, then the relay, then the pools.
import { Topics } from '@sp/contracts';
import { migrateDb } from '@sp/db';
import type { ConsumerHandle } from '@sp/messaging';
import type { Logger, Metrics } from '@sp/observability';
import type { BaseEnv } from './config';
import {
  databaseDependency,
  kafkaDependency,
  type RunningKit,
  runService,
  serviceSettings,
  topicsDependency,
} from './kit';
import { type ChangelogRelay, startChangelogRelay } from './relay';
import { openResources, type Resources } from './resources';

export interface RunningService extends RunningKit<Resources> {
  resources: Resources;
}

/** How a service's run function is started: by its main (signals), a test, or inside standalone. */
export interface RunOptions {
  signals?: boolean;
  logger?: Logger;
  /** Inside standalone: the process's logger and metrics, no ops server or tracing of its own. */
  embedded?: { logger: Logger; metrics: Metrics };
}

export async function runConsumerService(
  service: string,
  env: BaseEnv,
  start: (res: Resources) => Promise<ConsumerHandle[]>,
  opts: RunOptions & {
    /** Catalog names of the topics the service reads and writes (the changelog is added). */
    topics?: string[];
  } = {},
): Promise<RunningService> {
  const running = await runService<Resources>({
    service,
    settings: serviceSettings(env),
    ...(opts.signals !== undefined ? { signals: opts.signals } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.embedded ? { embedded: opts.embedded } : {}),
    open: async (kit) => {
      const res = await openResources(service, env, {
        logger: kit.logger,
        metrics: kit.metrics,
        migrate: false,
      });
      const topics = [...new Set([...(opts.topics ?? []), Topics.changelog])].map(res.topicName);
      let relay: ChangelogRelay | undefined;
      return {
        value: res,
        dependencies: [
          databaseDependency(res.db),
          kafkaDependency(res.bus, env.KAFKA_BROKERS),
          topicsDependency(res.bus, topics),
        ],
        pools: [() => res.bus.close(), () => res.db.close()],
        start: async () => {
          if (env.MIGRATE_ON_START) await migrateDb(res.db);
          const consumers = await start(res);
          relay = startChangelogRelay(res, { leaderLockUrl: env.DATABASE_URL });
          const r = relay;
          return {
            consumers: consumers.map((c) => () => c.stop()),
            flush: [() => r.stop()],
            checks: [{ name: 'consumers', check: async () => consumers.every((c) => c.ready()) }],
          };
        },
      };
    },
  });
  return { ...running, resources: running.value };
}
