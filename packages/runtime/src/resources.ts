// Opens what a service needs — database, bus, logger, metrics, the list's context — once, in
// its composition root, and closes them in the right order.
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createKeyer, type Keyer } from '@sp/identity';
import { type Bus, createKafkaBus } from '@sp/messaging';
import { createLogger, createMetrics, type Logger, type Metrics } from '@sp/observability';
import type { SuppressionContext } from '@sp/suppression';
import type { BaseEnv } from './config';
import { tracedBus } from './traced-bus';

export interface Resources {
  service: string;
  /** The topic's name on the broker (TOPIC_PREFIX + catalog name). */
  topicName: (topic: string) => string;
  db: DbHandle;
  bus: Bus;
  logger: Logger;
  metrics: Metrics;
  keyer: Keyer;
  list: SuppressionContext;
}

export interface ListOptions {
  peppers: { currentKeyId: string; keys: Record<string, string> };
  vaultKeys?: { currentKeyId: string; keys: Record<string, string> } | undefined;
  defaultRegion: string;
  revokeAllSms: boolean;
}

export function listContext(db: DbHandle, opts: ListOptions): SuppressionContext {
  const keyer = createKeyer({ peppers: opts.peppers.keys, currentKeyId: opts.peppers.currentKeyId });
  const vaultKey = opts.vaultKeys?.keys[opts.vaultKeys.currentKeyId];
  return {
    db: db.db,
    keyer,
    vault:
      vaultKey && opts.vaultKeys
        ? { keyId: opts.vaultKeys.currentKeyId, key: Buffer.from(vaultKey, 'base64') }
        : undefined,
    defaultRegion: opts.defaultRegion,
    revokeAllSms: opts.revokeAllSms,
  };
}

/** Production wiring: PostgreSQL and Kafka from the environment. */
export async function openResources(service: string, env: BaseEnv): Promise<Resources> {
  const logger = createLogger({ service, level: env.LOG_LEVEL });
  const db = await createDb({ url: env.DATABASE_URL });
  if (env.MIGRATE_ON_START) await migrateDb(db);
  const bus = tracedBus(createKafkaBus({ brokers: env.KAFKA_BROKERS, clientId: service, logger }));
  const list = listContext(db, {
    peppers: env.SUBJECT_PEPPERS,
    vaultKeys: env.VAULT_KEYS,
    defaultRegion: env.DEFAULT_REGION,
    revokeAllSms: env.REVOKE_ALL_SMS,
  });
  const topicName = (t: string) => `${env.TOPIC_PREFIX}${t}`;
  return { service, topicName, db, bus, logger, metrics: createMetrics(service), keyer: list.keyer, list };
}

/** Resources around an already open database and bus (standalone mode, tests). */
export function assembleResources(opts: {
  service: string;
  db: DbHandle;
  bus: Bus;
  logger: Logger;
  list: ListOptions;
  topicPrefix?: string;
}): Resources {
  const list = listContext(opts.db, opts.list);
  return {
    service: opts.service,
    topicName: (t) => `${opts.topicPrefix ?? ''}${t}`,
    db: opts.db,
    bus: opts.bus,
    logger: opts.logger,
    metrics: createMetrics(opts.service, { defaultMetrics: false }),
    keyer: list.keyer,
    list,
  };
}
