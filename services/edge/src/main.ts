// Composition root of the edge: config, Kafka bus, identity, the HTTP app and the ops server.
import { createKeyer, createSealer } from '@sp/identity';
import { createKafkaBus } from '@sp/messaging';
import { createLogger, createMetrics, startOpsServer } from '@sp/observability';
import { openSealedBus } from '@sp/runtime';
import { listTopics } from '@sp/suppression';
import { buildEdge } from './app';
import { loadConfig } from './config';
import { listPreferences } from './preferences';

const config = loadConfig();
const logger = createLogger({ service: 'edge', level: config.logLevel });
const metrics = createMetrics('edge');
// Identifiers leave the edge sealed with their subjects' data keys (issue 15).
const sealed = await openSealedBus(
  createKafkaBus({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }),
  {
    databaseUrl: config.eventSealing.databaseUrl,
    eventKeys: config.eventSealing.keys,
    peppers: config.subjectPeppers,
    defaultRegion: config.smsDefaultRegion,
  },
);
const bus = sealed.bus;
const keyer = createKeyer({
  peppers: config.subjectPeppers.keys,
  currentKeyId: config.subjectPeppers.currentKeyId,
});
const app = buildEdge({
  bus,
  sealer: createSealer(config.tokenKeys),
  keyer,
  config,
  logger,
  metrics,
  // The preference page reads the topic registry and the list in the same database (issue 13).
  preferences: listPreferences({ db: sealed.db, keyer, defaultRegion: config.smsDefaultRegion }, () =>
    listTopics(sealed.db, { channel: 'email' }),
  ),
});
const ops = await startOpsServer({
  port: config.opsPort,
  registries: [metrics.registry],
  checks: [{ name: 'kafka', check: () => bus.healthy() }],
});
await app.listen({ port: config.port, host: config.host });
logger.info({ port: config.port, opsPort: ops.port }, 'edge listening');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'edge stopping');
  // Stop taking requests first (in-flight ones finish and are acked), then the bus.
  await app.close();
  await sealed.close();
  await ops.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
