// The environment every service shares. A service's own config.ts extends this schema and is
// the only place that reads process.env (STYLE.md 8).
import { csv, flag, keyRing, port } from '@sp/config';
import { z } from 'zod';

export const BaseEnv = z.object({
  /** Comma-separated bootstrap servers. */
  KAFKA_BROKERS: csv,
  DATABASE_URL: z.string().min(1),
  /** Peppers for subject keys, "keyId:secret[,keyId:secret]"; the first is current. */
  SUBJECT_PEPPERS: keyRing,
  /** AES-256 keys (base64) for the readable-address vault, "keyId:key"; the first is current. */
  VAULT_KEYS: keyRing.optional(),
  /**
   * Master keys (AES-256, base64) wrapping the per-subject data keys that seal identifiers in
   * events, "keyId:key[,keyId:key]"; the first is current, older ones stay to unwrap older keys.
   * Absent: VAULT_KEYS serve (issue 15).
   */
  EVENT_KEYS: keyRing.optional(),
  DEFAULT_REGION: z.string().length(2).default('US'),
  /** R-SMS-8 "revoke one, revoke all". */
  REVOKE_ALL_SMS: flag.default(true),
  /** Port of /healthz, /readyz and /metrics. */
  OPS_PORT: port.default(9464),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  MIGRATE_ON_START: flag.default(true),
  /**
   * How long a consumer retries a message whose error is of unknown kind before it dead-letters
   * it (after salvaging an opt-out in it). Outages pause without a bound; poison goes at once.
   */
  CONSUMER_GIVE_UP_AFTER_MS: z.coerce.number().int().min(0).default(600_000),
  /** How often each consumer measures its lag from the broker (gauge sp_consumer_lag, a log line). */
  CONSUMER_LAG_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  /** At start, wait (with /readyz false) for missing Kafka topics instead of failing. */
  WAIT_FOR_TOPICS: flag.default(false),
  /** retention.ms of the event topics this service creates (issue 15); default 7 days. */
  EVENT_RETENTION_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 86_400_000),
  /** retention.ms of the dead-letter topics this service creates; default 30 days. */
  DLQ_RETENTION_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(30 * 86_400_000),
  /** Prepended to every topic name on the broker (several environments on one cluster; tests). */
  TOPIC_PREFIX: z.string().default(''),
});
export type BaseEnv = z.infer<typeof BaseEnv>;
