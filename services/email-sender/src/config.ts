// The email sender's configuration: the only module that reads process.env (STYLE.md 8).
import { fileURLToPath } from 'node:url';
import { csv, keyRing, parseEnv, port } from '@sp/config';
import { Topics } from '@sp/contracts';
import { z } from 'zod';

const DEFAULT_TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url));

export const EmailSenderEnv = z.object({
  OPS_PORT: port.default(9465),
  LOG_LEVEL: z.string().default('info'),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().default('sp-email-sender'),
  GROUP_ID: z.string().default('email-sender'),
  /** The list's database. */
  DATABASE_URL: z.string().min(1),
  /** delivery_log's database when it is not the list's (transactional mail then survives a list outage). */
  DELIVERY_DATABASE_URL: z.string().min(1).optional(),
  SUBJECT_PEPPERS: keyRing,
  /** Sealed-token keys "kid:secret,...", the first one seals (same ring as the edge, which opens them). */
  TOKEN_KEYS: keyRing,
  /** Keys sealing deferred requests at rest "kid:secret,...". */
  PAYLOAD_KEYS: keyRing,
  DEFAULT_REGION: z.string().length(2).default('US'),
  AWS_REGION: z.string().default('us-east-1'),
  /** SES v2 endpoint override (aws-ses-v2-local in tests and standalone); unset for AWS. */
  SES_ENDPOINT: z.url().optional(),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  SES_CONFIGURATION_SET: z.string().optional(),
  EMAIL_FROM: z.string().min(3),
  PUBLIC_BASE_URL: z.url(),
  UNSUBSCRIBE_DOMAIN: z.string().min(1),
  /** The sender's postal address, shown in every marketing mail (CAN-SPAM). */
  POSTAL_ADDRESS: z.string().min(5),
  TEMPLATES_DIRS: csv.default([DEFAULT_TEMPLATES]),
  POLL_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  CLAIM_LEASE_MS: z.coerce.number().int().positive().default(60_000),
  RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
  RETRY_MAX_MS: z.coerce.number().int().positive().default(3_600_000),
  MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
  SEND_CONCURRENCY: z.coerce.number().int().positive().default(16),
  LIST_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  CLAIM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  TOPIC_SEND_REQUEST: z.string().default(Topics.emailSendRequest),
  TOPIC_OUTCOME: z.string().default(Topics.deliveryOutcome),
});
export type EmailSenderEnv = z.infer<typeof EmailSenderEnv>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(EmailSenderEnv, env);
  return {
    opsPort: e.OPS_PORT,
    logLevel: e.LOG_LEVEL,
    kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID },
    databaseUrl: e.DATABASE_URL,
    deliveryDatabaseUrl: e.DELIVERY_DATABASE_URL,
    subjectPeppers: e.SUBJECT_PEPPERS,
    tokenKeys: e.TOKEN_KEYS,
    payloadKeys: e.PAYLOAD_KEYS,
    ses: {
      region: e.AWS_REGION,
      endpoint: e.SES_ENDPOINT,
      credentials:
        e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
          ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY }
          : undefined,
      configurationSet: e.SES_CONFIGURATION_SET,
    },
    templatesDirs: e.TEMPLATES_DIRS,
    settings: {
      groupId: e.GROUP_ID,
      topics: { sendRequest: e.TOPIC_SEND_REQUEST, outcome: e.TOPIC_OUTCOME },
      defaultRegion: e.DEFAULT_REGION.toUpperCase(),
      from: e.EMAIL_FROM,
      publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      unsubscribeDomain: e.UNSUBSCRIBE_DOMAIN,
      postalAddress: e.POSTAL_ADDRESS,
      pollIntervalMs: e.POLL_INTERVAL_MS,
      leaseMs: e.CLAIM_LEASE_MS,
      backoff: { baseMs: e.RETRY_BASE_MS, maxMs: e.RETRY_MAX_MS, maxAttempts: e.MAX_ATTEMPTS },
      concurrency: e.SEND_CONCURRENCY,
      checkTimeoutMs: e.LIST_CHECK_TIMEOUT_MS,
      claimTimeoutMs: e.CLAIM_TIMEOUT_MS,
    },
  };
}
export type EmailSenderConfig = ReturnType<typeof loadConfig>;
