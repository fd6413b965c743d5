// runSender: the composition root both senders share. Opens the databases (migrated), the keyer,
// Kafka, metrics with the outcome counter and the ops server, starts the sender the service
// builds from them (the gate asking the local list view, caught up first, unless LIST_VIEW=off),
// and on SIGTERM/SIGINT stops the consumer first (its batch finishes and
// commits), then the poller, then closes the clients.
import { createDb, migrateDb } from '@sp/db';
import { createKeyer, type Keyer } from '@sp/identity';
import { openListView } from '@sp/list-view';
import { createKafkaBus } from '@sp/messaging';
import { createLogger, createMetrics, startOpsServer } from '@sp/observability';
import { sealedBus } from '@sp/runtime';
import { createDataKeyring } from '@sp/suppression';
import { createPayloadBox } from './payload-box';
import type { Sender, SenderDeps } from './sender';
import type { SenderConfig } from './sender-env';
import { loadTemplates, type TemplateRegistry } from './templates';

/** What runSender opened for the service's sender: its deps but settings and the channel's own. */
export type SenderResources = Omit<SenderDeps, 'settings'> & { keyer: Keyer; templates: TemplateRegistry };

export async function runSender(opts: {
  service: string;
  config: SenderConfig & { settings: { defaultRegion: string } };
  create(resources: SenderResources): Sender;
  /** Closes what the service opened itself (its transport), after the bus. */
  close?(): void | Promise<void>;
}): Promise<void> {
  const { service, config } = opts;
  const logger = createLogger({ service, level: config.logLevel });
  const metrics = createMetrics(service);
  const outcomes = metrics.counter('delivery_outcomes_total', 'Delivery outcomes by status', [
    'status',
    'category',
  ]);

  const listDb = await createDb({ url: config.databaseUrl });
  await migrateDb(listDb);
  const logDb = config.deliveryDatabaseUrl ? await createDb({ url: config.deliveryDatabaseUrl }) : listDb;
  if (logDb !== listDb) await migrateDb(logDb);
  const keyer = createKeyer({
    peppers: config.subjectPeppers.keys,
    currentKeyId: config.subjectPeppers.currentKeyId,
  });
  const kafka = createKafkaBus({ brokers: config.kafka.brokers, clientId: config.kafka.clientId });
  // The 21610 feedback (an SMS opt-out) leaves sealed like every other event (issue 15).
  const bus = config.eventKeys
    ? sealedBus(kafka, {
        ring: createDataKeyring(listDb.db, config.eventKeys),
        keyer,
        defaultRegion: config.settings.defaultRegion,
      })
    : kafka;
  const view = config.listView.enabled
    ? await openListView({
        bus,
        brokers: config.kafka.brokers,
        clientId: config.kafka.clientId,
        db: listDb.db,
        keyer,
        defaultRegion: config.settings.defaultRegion,
        settings: config.listView,
        logger,
        metrics,
      })
    : undefined;

  const sender = opts.create({
    bus,
    log: logDb.db,
    list: { db: listDb.db, keyer, defaultRegion: config.settings.defaultRegion },
    ...(view ? { checker: view.view } : {}),
    keyer,
    templates: loadTemplates(config.templatesDirs),
    box: createPayloadBox(config.payloadKeys),
    logger,
    probe: () => logDb.ping(),
    onOutcome: (o) => outcomes.inc({ status: o.status, category: o.category }),
  });
  await sender.start();
  const ops = await startOpsServer({
    port: config.opsPort,
    registries: [metrics.registry],
    checks: [
      { name: 'kafka', check: () => bus.healthy() },
      { name: 'consumer', check: async () => sender.ready() },
      { name: 'database', check: () => logDb.ping().then(() => true) },
      // A stale view defers marketing: the sender is not ready while it is.
      ...(view ? [{ name: 'list-view', check: async () => view.view.fresh() }] : []),
    ],
  });
  logger.info({ opsPort: ops.port }, `${service} running`);

  let stopping = false;
  async function stop(signal: string) {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${service} stopping`);
    await sender.stop();
    await view?.stop();
    await bus.close();
    await opts.close?.();
    if (logDb !== listDb) await logDb.close();
    await listDb.close();
    await ops.close();
    process.exit(0);
  }
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
