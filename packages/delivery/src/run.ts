// runSender: the composition root both senders share, on the service kit (issue 17). Opens the
// databases, the keyer, the traced (and sealed) Kafka bus and metrics with the outcome counter;
// waits for the databases, Kafka and the sender's topics with /readyz false; then migrates and
// starts the sender the service builds from them (the gate asking the local list view, caught up
// first, unless LIST_VIEW=off). On SIGTERM: the sender's consumer and poller first (the batch in
// hand finishes and commits), then the view, then the bus, the service's transport and the pools.
import { createDb, migrateDb } from '@sp/db';
import { createKeyer, type Keyer } from '@sp/identity';
import { openListView, type RunningListView } from '@sp/list-view';
import { createKafkaBus } from '@sp/messaging';
import {
  type Dependency,
  databaseDependency,
  kafkaDependency,
  type RunningKit,
  type RunOptions,
  runService,
  sealedBus,
  topicsDependency,
  tracedBus,
} from '@sp/runtime';
import { createDataKeyring } from '@sp/suppression';
import { createPayloadBox } from './payload-box';
import type { Sender, SenderDeps } from './sender';
import type { SenderConfig } from './sender-env';
import { loadTemplates, type TemplateRegistry } from './templates';

/** What runSender opened for the service's sender: its deps but settings and the channel's own. */
export type SenderResources = Omit<SenderDeps, 'settings'> & { keyer: Keyer; templates: TemplateRegistry };

export interface RunningSender {
  /** The running sender, once started. */
  sender(): Sender | undefined;
}

export function runSender(
  opts: RunOptions & {
    service: string;
    config: SenderConfig & { settings: { defaultRegion: string; topics: Record<string, string> } };
    create(resources: SenderResources): Sender;
    /** Closes what the service opened itself (its transport), after the bus. */
    close?(): void | Promise<void>;
  },
): Promise<RunningKit<RunningSender>> {
  const { service, config, create, close, ...run } = opts;
  return runService<RunningSender>({
    service,
    settings: config.service,
    ...run,
    open: async (kit) => {
      const outcomes = kit.metrics.counter('delivery_outcomes_total', 'Delivery outcomes by status', [
        'status',
        'category',
      ]);
      const listDb = await createDb({ url: config.databaseUrl });
      const logDb = config.deliveryDatabaseUrl ? await createDb({ url: config.deliveryDatabaseUrl }) : listDb;
      const keyer = createKeyer({
        peppers: config.subjectPeppers.keys,
        currentKeyId: config.subjectPeppers.currentKeyId,
      });
      const kafka = tracedBus(
        createKafkaBus({
          brokers: config.kafka.brokers,
          clientId: config.kafka.clientId,
          logger: kit.logger,
        }),
      );
      // The 21610 feedback (an SMS opt-out) leaves sealed like every other event (issue 15).
      const bus = config.eventKeys
        ? sealedBus(kafka, {
            ring: createDataKeyring(listDb.db, config.eventKeys),
            keyer,
            defaultRegion: config.settings.defaultRegion,
          })
        : kafka;
      const dependencies: Dependency[] = [
        databaseDependency(listDb),
        ...(logDb !== listDb ? [databaseDependency(logDb, 'delivery-database')] : []),
        kafkaDependency(kafka, config.kafka.brokers),
        topicsDependency(kafka, [
          ...Object.values(config.settings.topics),
          ...(config.listView.enabled ? [config.listView.topic] : []),
        ]),
      ];
      let sender: Sender | undefined;
      return {
        value: { sender: () => sender },
        dependencies,
        pools: [
          () => bus.close(),
          async () => close?.(),
          async () => {
            if (logDb !== listDb) await logDb.close();
          },
          () => listDb.close(),
        ],
        start: async () => {
          await migrateDb(listDb);
          if (logDb !== listDb) await migrateDb(logDb);
          const view: RunningListView | undefined = config.listView.enabled
            ? await openListView({
                bus,
                brokers: config.kafka.brokers,
                clientId: config.kafka.clientId,
                db: listDb.db,
                keyer,
                defaultRegion: config.settings.defaultRegion,
                settings: config.listView,
                logger: kit.logger,
                metrics: kit.metrics,
              })
            : undefined;
          const s = create({
            bus,
            log: logDb.db,
            list: { db: listDb.db, keyer, defaultRegion: config.settings.defaultRegion },
            ...(view ? { checker: view.view } : {}),
            keyer,
            templates: loadTemplates(config.templatesDirs),
            box: createPayloadBox(config.payloadKeys),
            logger: kit.logger,
            probe: () => logDb.ping(),
            onOutcome: (o) => outcomes.inc({ status: o.status, category: o.category }),
          });
          await s.start();
          sender = s;
          return {
            consumers: [() => s.stop()],
            // The view outlives the sender: its gate asks it until the last batch is done.
            flush: view ? [() => view.stop()] : [],
            checks: [
              { name: 'consumer', check: async () => s.ready() },
              // A stale view defers marketing: the sender is not ready while it is.
              ...(view ? [{ name: 'list-view', check: async () => view.view.fresh() }] : []),
            ],
          };
        },
      };
    },
  });
}
