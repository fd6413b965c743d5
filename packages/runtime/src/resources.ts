// Opens what a service needs — database, bus, logger, metrics, the list's context — once, in
// its composition root, and closes them in the right order.
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createKeyer, type Keyer } from '@sp/identity';
import { type Bus, createKafkaBus } from '@sp/messaging';
import { createLogger, createMetrics, type Logger, type Metrics } from '@sp/observability';
import {
  createDataKeyring,
  type DataKeyring,
  type MasterKeys,
  type SuppressionContext,
} from '@sp/suppression';
import type { BaseEnv } from './config';
import { sealedBus } from './sealed-bus';
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
  /** Per-subject data keys of sealed events (erasure shreds them); absent without event keys. */
  dataKeys?: DataKeyring;
}

export interface ListOptions {
  peppers: { currentKeyId: string; keys: Record<string, string> };
  vaultKeys?: { currentKeyId: string; keys: Record<string, string> } | undefined;
  defaultRegion: string;
  revokeAllSms: boolean;
  /** Master keys of the per-subject data keys (EVENT_KEYS, else the vault keys). */
  eventKeys?: MasterKeys | undefined;
}

/** The bus with sealed identifiers (issue 15) and its keyring, when master keys are configured. */
export function sealing(db: DbHandle, bus: Bus, list: SuppressionContext, keys: MasterKeys | undefined) {
  if (!keys) return { bus };
  const dataKeys = createDataKeyring(db.db, keys);
  return {
    bus: sealedBus(bus, { ring: dataKeys, keyer: list.keyer, defaultRegion: list.defaultRegion }),
    dataKeys,
  };
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
  const list = listContext(db, {
    peppers: env.SUBJECT_PEPPERS,
    vaultKeys: env.VAULT_KEYS,
    defaultRegion: env.DEFAULT_REGION,
    revokeAllSms: env.REVOKE_ALL_SMS,
  });
  const sealed = sealing(
    db,
    tracedBus(
      createKafkaBus({
        brokers: env.KAFKA_BROKERS,
        clientId: service,
        logger,
        retention: { eventsMs: env.EVENT_RETENTION_MS, dlqMs: env.DLQ_RETENTION_MS },
        lagIntervalMs: env.CONSUMER_LAG_INTERVAL_MS,
      }),
    ),
    list,
    env.EVENT_KEYS ?? env.VAULT_KEYS,
  );
  const topicName = (t: string) => `${env.TOPIC_PREFIX}${t}`;
  return {
    service,
    topicName,
    db,
    logger,
    metrics: createMetrics(service),
    keyer: list.keyer,
    list,
    ...sealed,
  };
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
  const sealed = sealing(opts.db, opts.bus, list, opts.list.eventKeys);
  return {
    service: opts.service,
    topicName: (t) => `${opts.topicPrefix ?? ''}${t}`,
    db: opts.db,
    ...sealed,
    logger: opts.logger,
    metrics: createMetrics(opts.service, { defaultMetrics: false }),
    keyer: list.keyer,
    list,
  };
}
