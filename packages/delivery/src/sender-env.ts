// The environment both senders share. Each sender's config.ts extends this schema with its
// provider's variables and is still the only module that reads process.env (STYLE.md 8).
import { csv, flag, keyRing, port } from '@sp/config';
import { ServiceEnv, serviceSettings, topicNamer } from '@sp/runtime';
import { z } from 'zod';

/** Where the two senders differ in their defaults. */
export interface SenderEnvDefaults {
  opsPort: number;
  /** Kafka client id and consumer group default to the service's name. */
  clientId: string;
  groupId: string;
  templatesDir: string;
  pollIntervalMs: number;
  concurrency: number;
  sendRequestTopic: string;
  outcomeTopic: string;
}

export function senderEnv(d: SenderEnvDefaults) {
  // The kit's base (LOG_LEVEL, TOPIC_PREFIX, OTLP, start and stop bounds), the sender's OPS_PORT.
  return ServiceEnv.extend({
    OPS_PORT: port.default(d.opsPort),
    KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
    KAFKA_CLIENT_ID: z.string().default(d.clientId),
    GROUP_ID: z.string().default(d.groupId),
    /** The list's database. */
    DATABASE_URL: z.string().min(1),
    /** delivery_log's database when it is not the list's (transactional mail then survives a list outage). */
    DELIVERY_DATABASE_URL: z.string().min(1).optional(),
    SUBJECT_PEPPERS: keyRing,
    /** Master keys of the per-subject data keys sealing identifiers in events (issue 15); absent: VAULT_KEYS. */
    EVENT_KEYS: keyRing.optional(),
    VAULT_KEYS: keyRing.optional(),
    /** Keys sealing deferred requests at rest "kid:secret,...". */
    PAYLOAD_KEYS: keyRing,
    TEMPLATES_DIRS: csv.default([d.templatesDir]),
    POLL_INTERVAL_MS: z.coerce.number().int().positive().default(d.pollIntervalMs),
    CLAIM_LEASE_MS: z.coerce.number().int().positive().default(60_000),
    RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
    RETRY_MAX_MS: z.coerce.number().int().positive().default(3_600_000),
    MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
    SEND_CONCURRENCY: z.coerce.number().int().positive().default(d.concurrency),
    LIST_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    CLAIM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Overrides of one topic's full name; unset, the catalog's name behind TOPIC_PREFIX. */
    TOPIC_SEND_REQUEST: z.string().optional(),
    TOPIC_OUTCOME: z.string().optional(),
    /** The gate asks a local view of the list (the changelog in memory); off: the database. */
    LIST_VIEW: flag.default(true),
    /** Past this lag the view counts as unreachable: marketing deferred (fail closed). */
    LIST_VIEW_MAX_LAG_MS: z.coerce.number().int().positive().default(2_000),
    TOPIC_CHANGELOG: z.string().optional(),
    /** Keep the view's records in an unlinked file in this directory (lists of millions: less RSS). */
    LIST_VIEW_RECORDS_DIR: z.string().min(1).optional(),
  });
}
export type SenderEnv = z.infer<ReturnType<typeof senderEnv>>;

/** The shared part of a sender's config, read from its parsed environment. */
export function senderConfig(e: SenderEnv, d: Pick<SenderEnvDefaults, 'sendRequestTopic' | 'outcomeTopic'>) {
  const topic = topicNamer(e.TOPIC_PREFIX);
  return {
    /** The broker's names of the sender's topics: TOPIC_PREFIX + the catalog's, unless overridden. */
    topics: {
      sendRequest: e.TOPIC_SEND_REQUEST ?? topic(d.sendRequestTopic),
      outcome: e.TOPIC_OUTCOME ?? topic(d.outcomeTopic),
    },
    service: serviceSettings(e),
    opsPort: e.OPS_PORT,
    logLevel: e.LOG_LEVEL,
    kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID },
    databaseUrl: e.DATABASE_URL,
    deliveryDatabaseUrl: e.DELIVERY_DATABASE_URL,
    subjectPeppers: e.SUBJECT_PEPPERS,
    eventKeys: e.EVENT_KEYS ?? e.VAULT_KEYS,
    payloadKeys: e.PAYLOAD_KEYS,
    templatesDirs: e.TEMPLATES_DIRS,
    listView: {
      enabled: e.LIST_VIEW,
      maxLagMs: e.LIST_VIEW_MAX_LAG_MS,
      topic: e.TOPIC_CHANGELOG ?? topic('suppression.changelog.v1'),
      ...(e.LIST_VIEW_RECORDS_DIR ? { recordsDir: e.LIST_VIEW_RECORDS_DIR } : {}),
    },
  };
}
export type SenderConfig = ReturnType<typeof senderConfig>;

/** The shared part of a sender's settings (SenderSettings without topics and region). */
export function senderTuning(e: SenderEnv) {
  return {
    groupId: e.GROUP_ID,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    leaseMs: e.CLAIM_LEASE_MS,
    backoff: { baseMs: e.RETRY_BASE_MS, maxMs: e.RETRY_MAX_MS, maxAttempts: e.MAX_ATTEMPTS },
    concurrency: e.SEND_CONCURRENCY,
    checkTimeoutMs: e.LIST_CHECK_TIMEOUT_MS,
    claimTimeoutMs: e.CLAIM_TIMEOUT_MS,
  };
}
