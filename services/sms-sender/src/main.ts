// Composition root of the SMS sender: config, databases, Kafka, identity, Twilio; SIGTERM stops
// the consumer first (its batch finishes and commits), then the poller, then closes the clients.
import { createDb, migrateDb } from '@sp/db';
import { createPayloadBox, loadTemplates } from '@sp/delivery';
import { createKeyer } from '@sp/identity';
import { createKafkaBus } from '@sp/messaging';
import { createLogger, createMetrics, startOpsServer } from '@sp/observability';
import { loadConfig } from './config';
import { createSmsSender } from './sender';
import { createTwilioTransport } from './transport';

const config = loadConfig();
const logger = createLogger({ service: 'sms-sender', level: config.logLevel });
const metrics = createMetrics('sms-sender');
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
const bus = createKafkaBus({ brokers: config.kafka.brokers, clientId: config.kafka.clientId });

const sender = createSmsSender({
  bus,
  log: logDb.db,
  list: { db: listDb.db, keyer, defaultRegion: config.settings.defaultRegion },
  keyer,
  transport: createTwilioTransport(config.twilio),
  templates: loadTemplates(config.templatesDirs),
  box: createPayloadBox(config.payloadKeys),
  settings: config.settings,
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
  ],
});
logger.info({ opsPort: ops.port }, 'sms-sender running');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'sms-sender stopping');
  await sender.stop();
  await bus.close();
  if (logDb !== listDb) await logDb.close();
  await listDb.close();
  await ops.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
