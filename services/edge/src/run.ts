// The process of the edge on the service kit, as main.ts runs it (and the tests start it): the
// traced, sealed Kafka bus (identifiers leave sealed with their subjects' data keys, issue 15),
// a wait for the database, Kafka and the edge's topics with /readyz false, then HTTP; on SIGTERM
// HTTP stops first (in-flight requests finish and are published), then the bus, then the pool.
import { migrateDb } from '@sp/db';
import { createSealer } from '@sp/identity';
import { openSealedKafka, type RunningKit, type RunOptions, runService } from '@sp/runtime';
import { listTopics } from '@sp/suppression';
import type { FastifyInstance } from 'fastify';
import { buildEdge } from './app';
import type { EdgeConfig } from './config';
import { listPreferences } from './preferences';

export interface RunningEdge {
  /** The listening app, once started. */
  app(): FastifyInstance | undefined;
}

export function runEdge(config: EdgeConfig, opts: RunOptions = {}): Promise<RunningKit<RunningEdge>> {
  return runService<RunningEdge>({
    service: 'edge',
    settings: config.service,
    ...opts,
    open: async (kit) => {
      const { db, keyer, bus, dependencies, pools } = await openSealedKafka(kit.logger, {
        ...config,
        topics: Object.values(config.topics),
        defaultRegion: config.smsDefaultRegion,
      });
      let app: FastifyInstance | undefined;
      return {
        value: { app: () => app },
        dependencies,
        pools,
        start: async () => {
          // The data_keys table must exist before the first publish (migrations are locked and idempotent).
          await migrateDb(db);
          const a = buildEdge({
            bus,
            sealer: createSealer(config.tokenKeys),
            keyer,
            config,
            logger: kit.logger,
            metrics: kit.metrics,
            // The preference page reads the topic registry and the list in the same database (issue 13).
            preferences: listPreferences({ db: db.db, keyer, defaultRegion: config.smsDefaultRegion }, () =>
              listTopics(db.db, { channel: 'email' }),
            ),
          });
          await a.listen({ port: config.port, host: config.host });
          app = a;
          kit.logger.info({ port: config.port }, 'edge listening');
          return { inputs: [() => a.close()] };
        },
      };
    },
  });
}
