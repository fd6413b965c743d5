// Composition root of the abuse-inbox: config, Kafka bus, identity, quarantine, SMTP and ops.
import { readFileSync } from 'node:fs';
import { createKafkaBus } from '@sp/messaging';
import { createLogger, createMetrics, startOpsServer } from '@sp/observability';
import { createAbuseInbox } from './app';
import { loadConfig } from './config';
import { inboxDepsFrom } from './inbox';

const config = loadConfig();
const logger = createLogger({ service: 'abuse-inbox', level: config.logLevel });
const metrics = createMetrics('abuse-inbox');
const bus = createKafkaBus({ brokers: config.kafka.brokers, clientId: config.kafka.clientId });
const inbox = createAbuseInbox(
  { ...inboxDepsFrom(config, bus, logger), metrics },
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
  await bus.close();
  await ops.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
