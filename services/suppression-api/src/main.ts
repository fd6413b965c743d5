// Composition root of the standalone API process: config, database (postgres via DATABASE_URL),
// optional migration, the local list view when Kafka is configured (caught up before listening),
// the fastify app, and one stop() on SIGTERM/SIGINT.
import { createDb, migrateDb } from '@sp/db';
import { createKeyer, createSealer } from '@sp/identity';
import { openListView } from '@sp/list-view';
import { createKafkaBus } from '@sp/messaging';
import { createLogger, createMetrics } from '@sp/observability';
import { buildApi } from './app';
import { loadConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'suppression-api', level: config.logLevel });
  const handle = await createDb({ url: config.databaseUrl });
  if (config.migrateOnStart) {
    await migrateDb(handle);
    logger.info('migrations applied');
  }
  const ctx = {
    db: handle.db,
    keyer: createKeyer({
      peppers: config.subjectPeppers.keys,
      currentKeyId: config.subjectPeppers.currentKeyId,
    }),
    defaultRegion: config.defaultRegion,
    ...(config.vault ? { vault: config.vault } : {}),
  };
  const sealer = createSealer({ keys: config.tokenKeys.keys, currentKeyId: config.tokenKeys.currentKeyId });
  const metrics = createMetrics('suppression-api');
  const lv = config.listView;
  // One bus for the list view and the send API (without Kafka the send routes answer 503).
  const kafka = config.kafka;
  const bus = kafka ? createKafkaBus({ brokers: kafka.brokers, clientId: kafka.clientId }) : undefined;
  const view =
    lv && bus
      ? await openListView({
          bus,
          brokers: lv.brokers,
          clientId: lv.clientId,
          db: handle.db,
          keyer: ctx.keyer,
          defaultRegion: config.defaultRegion,
          settings: lv,
          logger,
          metrics,
        })
      : undefined;
  const app = buildApi({
    ctx,
    sealer,
    config,
    logger,
    metrics,
    ...(view ? { view: view.view } : {}),
    ...(bus ? { send: { bus } } : {}),
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  logger.info(
    { port: typeof address === 'object' && address ? address.port : config.port },
    'suppression-api listening',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app.close(); // stops accepting, lets in-flight requests finish
    await view?.stop();
    await bus?.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
