// The process of the edge on the service kit, as main.ts runs it (and the tests start it): the
// traced, sealed Kafka bus (identifiers leave sealed with their subjects' data keys, issue 15),
// a wait for the database, Kafka and the edge's topics with /readyz false, then HTTP; on SIGTERM
// HTTP stops first (in-flight requests finish and are published), then the bus, then the pool.
import { createDb, migrateDb } from '@sp/db';
import { createKeyer, createSealer } from '@sp/identity';
import { createKafkaBus } from '@sp/messaging';
import {
  databaseDependency,
  kafkaDependency,
  type RunningKit,
  type RunOptions,
  runService,
  sealedBus,
  topicsDependency,
  tracedBus,
} from '@sp/runtime';
import { createDataKeyring, listTopics } from '@sp/suppression';
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
      const { databaseUrl, keys } = config.eventSealing;
      if (!databaseUrl || !keys)
        throw new Error(
          'DATABASE_URL and EVENT_KEYS (or VAULT_KEYS) are required: events carry sealed identifiers',
        );
      const db = await createDb({ url: databaseUrl });
      const kafka = tracedBus(
        createKafkaBus({
          brokers: config.kafka.brokers,
          clientId: config.kafka.clientId,
          logger: kit.logger,
        }),
      );
      const keyer = createKeyer({
        peppers: config.subjectPeppers.keys,
        currentKeyId: config.subjectPeppers.currentKeyId,
      });
      const bus = sealedBus(kafka, {
        ring: createDataKeyring(db.db, keys),
        keyer,
        defaultRegion: config.smsDefaultRegion,
      });
      let app: FastifyInstance | undefined;
      return {
        value: { app: () => app },
        dependencies: [
          databaseDependency(db),
          kafkaDependency(kafka, config.kafka.brokers),
          topicsDependency(kafka, Object.values(config.topics)),
        ],
        pools: [() => bus.close(), () => db.close()],
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
