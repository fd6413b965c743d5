// The edge's configuration: the only module that reads process.env (STYLE.md 8).
import { type Brand, csv, keyRing, loadBrand, parseEnv, port } from '@sp/config';
import { Topics } from '@sp/contracts';
import { ServiceEnv, type ServiceSettings, serviceSettings, topicNamer } from '@sp/runtime';
import { z } from 'zod';

const count = z.coerce.number().int().positive();

/**
 * The abuse limits and the proxy trust: what `npm start` passes through as well (README, "Limits").
 * A valid sealed token or Twilio/SNS signature is never refused for volume; these bound the rest.
 */
export const EdgeLimitsEnv = z.object({
  /** Length of every counting window. */
  RATE_LIMIT_WINDOW_MS: count.default(60_000),
  /** Page views (GET pages, the Do-Not-Sell form and GPC posts) per client IP and window. */
  PAGE_RATE_LIMIT_MAX: count.default(120),
  /** Failed tokens, signatures and API bearers per client IP and window; past it, 429. */
  FAILED_AUTH_RATE_LIMIT_MAX: count.default(30),
  /** Do-Not-Sell form posts per identifier (email, phone) and window. */
  FORM_RATE_LIMIT_MAX: count.default(5),
  /** How many IPs/identifiers the counters remember (memory bound; the oldest go first). */
  RATE_LIMIT_MAX_KEYS: count.default(100_000),
  /** A token (or Twilio MessageSid, SNS MessageId) seen again within this window is answered, not re-published. */
  DEDUPE_WINDOW_MS: count.default(10 * 60_000),
  /**
   * Whose X-Forwarded-For to believe (fastify's trustProxy): false, true, or the proxies'
   * IPs/CIDRs (comma-separated; proxy-addr's names loopback, linklocal, uniquelocal too).
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .refine(
      (v) => !/^\s*\d+\s*$/.test(v),
      "a hop count is not supported (fastify 5 cannot check the proxy with it): give the proxies' IPs or CIDRs",
    ),
});
export type EdgeLimitsEnv = z.infer<typeof EdgeLimitsEnv>;
/** The variable names above, for processes that embed the edge (the standalone `npm start`). */
export const EDGE_LIMIT_VARIABLES = Object.keys(EdgeLimitsEnv.shape) as (keyof EdgeLimitsEnv)[];

/** The kit's base (LOG_LEVEL, TOPIC_PREFIX, OTLP, OPS_PORT, start and stop bounds), the limits, the edge's own. */
export const EdgeEnv = ServiceEnv.extend(EdgeLimitsEnv.shape).extend({
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(8080),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().default('sp-edge'),
  /** The URL the public reaches us at (behind proxies the Twilio signature is over this one). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:8080'),
  /**
   * The brand (issue 13): BRAND_FILE (JSON) and/or BRAND_NAME, BRAND_LOGO_URL, BRAND_PRIMARY_COLOR,
   * SUPPORT_EMAIL, SUPPORT_PHONE, PRIVACY_POLICY_URL, POSTAL_ADDRESS (@sp/config loadBrand). None
   * set: the pages speak neutrally ("we") and show no header.
   */
  BRAND_FILE: z.string().optional(),
  /**
   * The opt-out box (/privacy/opt-out) asks for a "you have been unsubscribed" email; the
   * optout-consumer sends it at most once per address per 30 days.
   */
  OPTOUT_CONFIRMATION_EMAIL: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Sealed-token keys "kid:secret,...", the first one seals; all of them open (R-EM-2 rotation). */
  TOKEN_KEYS: keyRing,
  /** Peppers of the subject keys "kid:secret,...", the first one is current. */
  SUBJECT_PEPPERS: keyRing,
  SMS_DEFAULT_REGION: z.string().length(2).default('US'),
  /** The data keys of sealed events live here (issue 15). */
  DATABASE_URL: z.string().min(1).optional(),
  /** Master keys of the per-subject data keys, "kid:base64key,..."; absent: VAULT_KEYS. */
  EVENT_KEYS: keyRing.optional(),
  VAULT_KEYS: keyRing.optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1),
  /** Bearer token of POST /v1/privacy/do-not-sell (phone, email, agent requests). */
  DNS_API_TOKEN: z.string().min(16),
  /** SNS topics whose messages we accept and whose subscriptions we confirm (R-AB-4). */
  SNS_TOPIC_ARNS: csv.default([]),
  /** Host names a SigningCertURL may point at. */
  SNS_CERT_HOST_PATTERN: z.string().default('^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
});
export type EdgeEnv = z.infer<typeof EdgeEnv>;

export interface EdgeConfig {
  /** The kit's settings (log level, topic prefix, OTLP, ops port, bounds). */
  service: ServiceSettings;
  host: string;
  port: number;
  opsPort: number;
  logLevel: string;
  kafka: { brokers: string[]; clientId: string };
  publicBaseUrl: string;
  /** Name, logo, colour, support contacts, privacy policy and postal address of the pages. */
  brand: Brand;
  /** The opt-out box's opt-outs ask for a confirmation email (OPTOUT_CONFIRMATION_EMAIL). */
  optOutConfirmationEmail: boolean;
  tokenKeys: { currentKeyId: string; keys: Record<string, string> };
  subjectPeppers: { currentKeyId: string; keys: Record<string, string> };
  smsDefaultRegion: string;
  twilioAuthToken: string;
  dnsApiToken: string;
  sns: { topicArns: string[]; certHostPattern: RegExp };
  limits: EdgeLimitsConfig;
  bodyLimitBytes: number;
  /** fastify's trustProxy: false, true, or the proxies' addresses/CIDRs. */
  trustProxy: boolean | string;
  /** The broker's names of the topics the edge publishes to: the catalog's behind TOPIC_PREFIX. */
  topics: { emailOptOut: string; smsInbound: string; doNotSell: string; complaint: string; bounce: string };
  /** Where the per-subject data keys live and the master keys wrapping them (issue 15). */
  eventSealing: {
    databaseUrl: string | undefined;
    keys: { currentKeyId: string; keys: Record<string, string> } | undefined;
  };
}

export interface EdgeLimitsConfig {
  windowMs: number;
  pageViewsPerIp: number;
  failedAuthPerIp: number;
  formPostsPerIdentifier: number;
  maxKeys: number;
  dedupeWindowMs: number;
}

function trustProxy(raw: string): boolean | string {
  const v = raw.trim();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  return v;
}

/** Parses the environment (process.env by default) into the edge's configuration. */
export function loadConfig(env: Record<string, string | undefined> = process.env): EdgeConfig {
  const e = parseEnv(EdgeEnv, env);
  const topic = topicNamer(e.TOPIC_PREFIX);
  return {
    service: serviceSettings(e),
    host: e.HOST,
    port: e.PORT,
    opsPort: e.OPS_PORT,
    logLevel: e.LOG_LEVEL,
    kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID },
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    brand: loadBrand(env),
    optOutConfirmationEmail: e.OPTOUT_CONFIRMATION_EMAIL,
    tokenKeys: e.TOKEN_KEYS,
    subjectPeppers: e.SUBJECT_PEPPERS,
    smsDefaultRegion: e.SMS_DEFAULT_REGION.toUpperCase(),
    twilioAuthToken: e.TWILIO_AUTH_TOKEN,
    dnsApiToken: e.DNS_API_TOKEN,
    sns: { topicArns: e.SNS_TOPIC_ARNS, certHostPattern: new RegExp(e.SNS_CERT_HOST_PATTERN) },
    limits: {
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      pageViewsPerIp: e.PAGE_RATE_LIMIT_MAX,
      failedAuthPerIp: e.FAILED_AUTH_RATE_LIMIT_MAX,
      formPostsPerIdentifier: e.FORM_RATE_LIMIT_MAX,
      maxKeys: e.RATE_LIMIT_MAX_KEYS,
      dedupeWindowMs: e.DEDUPE_WINDOW_MS,
    },
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: trustProxy(e.TRUST_PROXY),
    eventSealing: { databaseUrl: e.DATABASE_URL, keys: e.EVENT_KEYS ?? e.VAULT_KEYS },
    topics: {
      emailOptOut: topic(Topics.emailOptOut),
      smsInbound: topic(Topics.smsInbound),
      doNotSell: topic(Topics.doNotSell),
      complaint: topic(Topics.complaint),
      bounce: topic(Topics.bounce),
    },
  };
}
