// Composition root of the abuse-inbox: config, Kafka bus, identity, quarantine, SMTP and ops.
import { readFileSync } from 'node:fs';
import { createKafkaBus } from '@sp/messaging';
import { createLogger, createMetrics, startOpsServer } from '@sp/observability';
import { openSealedBus } from '@sp/runtime';
import { createAbuseInbox } from './app';
import { loadConfig } from './config';
import { inboxDepsFrom } from './inbox';

const config = loadConfig();
const logger = createLogger({ service: 'abuse-inbox', level: config.logLevel });
const metrics = createMetrics('abuse-inbox');
// Identifiers leave the inbox sealed with their subjects' data keys (issue 15).
const sealed = await openSealedBus(
  createKafkaBus({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }),
  {
    databaseUrl: config.eventSealing.databaseUrl,
    eventKeys: config.eventSealing.keys,
    peppers: config.subjectPeppers,
  },
);
const bus = sealed.bus;
const deps = inboxDepsFrom(config, bus, logger, sealed.dataKeys);
// The quarantine's retention bound (issue 15): older items go, at start and every six hours.
const prune = async () => {
  const before = new Date(Date.now() - config.quarantineRetentionDays * 86_400_000);
  const removed = await deps.quarantine.prune(before).catch((err: unknown) => {
    logger.error({ err: String(err) }, 'quarantine prune failed');
    return 0;
  });
  if (removed > 0) logger.info({ removed }, 'quarantined mail past its retention deleted');
};
await prune();
setInterval(() => void prune(), 6 * 3_600_000).unref();
const inbox = createAbuseInbox(
  { ...deps, metrics },
  config.smtp.tlsKeyFile && config.smtp.tlsCertFile
    ? { key: readFileSync(config.smtp.tlsKeyFile), cert: readFileSync(config.smtp.tlsCertFile) }
    : {},
);
const ops = await startOpsServer({
  port: config.opsPort,
  registries: [metrics.registry],
  checks: [{ name: 'kafka', check: () => bus.healthy() }],
});
const { port } = await inbox.listen(config.smtp.port, config.smtp.host);
logger.info({ port, opsPort: ops.port }, 'abuse-inbox listening');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'abuse-inbox stopping');
  await inbox.close();
  await sealed.close();
  await ops.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
