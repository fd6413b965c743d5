// The process of the API on the service kit, as main.ts runs it (and the tests start it): the
// database (migrated when MIGRATE_ON_START), with Kafka the traced bus of the send API and the
// local list view (caught up before listening); a wait for the database, Kafka and its topics with
// /readyz false; on SIGTERM HTTP stops first, then the view, then the bus and the pool.
import { createDb, migrateDb } from '@sp/db';
import { createKeyer, createSealer } from '@sp/identity';
import { openListView, type RunningListView } from '@sp/list-view';
import { createKafkaBus } from '@sp/messaging';
import {
  type Dependency,
  databaseDependency,
  kafkaDependency,
  type RunningKit,
  type RunOptions,
  runService,
  type StartedParts,
  topicsDependency,
  tracedBus,
} from '@sp/runtime';
import type { FastifyInstance } from 'fastify';
import { buildApi } from './app';
import type { ApiConfig } from './config';

export interface RunningApi {
  /** The listening app, once started. */
  app(): FastifyInstance | undefined;
}

export function runApi(config: ApiConfig, opts: RunOptions = {}): Promise<RunningKit<RunningApi>> {
  return runService<RunningApi>({
    service: 'suppression-api',
    settings: config.service,
    ...opts,
    open: async (kit) => {
      const handle = await createDb({ url: config.databaseUrl });
      const ctx = {
        db: handle.db,
        keyer: createKeyer({
          peppers: config.subjectPeppers.keys,
          currentKeyId: config.subjectPeppers.currentKeyId,
        }),
        defaultRegion: config.defaultRegion,
        ...(config.vault ? { vault: config.vault } : {}),
      };
      // One bus for the list view and the send API (without Kafka the send routes answer 503).
      const kafka = config.kafka;
      const bus = kafka
        ? tracedBus(createKafkaBus({ brokers: kafka.brokers, clientId: kafka.clientId, logger: kit.logger }))
        : undefined;
      const dependencies: Dependency[] = [databaseDependency(handle)];
      if (bus && kafka)
        dependencies.push(
          kafkaDependency(bus, kafka.brokers),
          topicsDependency(bus, [
            ...(config.listView ? [config.topics.changelog] : []),
            config.topics.emailSendRequest,
            config.topics.smsSendRequest,
          ]),
        );
      let app: FastifyInstance | undefined;
      return {
        value: { app: () => app },
        dependencies,
        pools: [async () => bus?.close(), () => handle.close()],
        start: async (): Promise<StartedParts> => {
          if (config.migrateOnStart) {
            await migrateDb(handle);
            kit.logger.info('migrations applied');
          }
          const lv = config.listView;
          const view: RunningListView | undefined =
            lv && bus
              ? await openListView({
                  bus,
                  brokers: lv.brokers,
                  clientId: lv.clientId,
                  db: handle.db,
                  keyer: ctx.keyer,
                  defaultRegion: config.defaultRegion,
                  settings: lv,
                  logger: kit.logger,
                  metrics: kit.metrics,
                })
              : undefined;
          const a = buildApi({
            ctx,
            sealer: createSealer({
              keys: config.tokenKeys.keys,
              currentKeyId: config.tokenKeys.currentKeyId,
            }),
            config,
            logger: kit.logger,
            metrics: kit.metrics,
            ...(view ? { view: view.view } : {}),
            ...(bus
              ? {
                  send: {
                    bus,
                    topics: { email: config.topics.emailSendRequest, sms: config.topics.smsSendRequest },
                  },
                }
              : {}),
          });
          await a.listen({ host: config.host, port: config.port });
          app = a;
          const address = a.server.address();
          kit.logger.info(
            { port: typeof address === 'object' && address ? address.port : config.port },
            'suppression-api listening',
          );
          return {
            inputs: [() => a.close()],
            consumers: view ? [() => view.stop()] : [],
          };
        },
      };
    },
  });
}
