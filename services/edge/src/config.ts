// The edge's configuration: the only module that reads process.env (STYLE.md 8).
import { csv, keyRing, parseEnv, port } from '@sp/config';
import { Topics } from '@sp/contracts';
import { z } from 'zod';

export const EdgeEnv = z.object({
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(8080),
  OPS_PORT: port.default(9464),
  LOG_LEVEL: z.string().default('info'),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().default('sp-edge'),
  /** The URL the public reaches us at (behind proxies the Twilio signature is over this one). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:8080'),
  BRAND_NAME: z.string().default('Our shop'),
  SUPPORT_EMAIL: z.email().default('support@example.com'),
  /** Sealed-token keys "kid:secret,...", the first one seals; all of them open (R-EM-2 rotation). */
  TOKEN_KEYS: keyRing,
  /** Peppers of the subject keys "kid:secret,...", the first one is current. */
  SUBJECT_PEPPERS: keyRing,
  SMS_DEFAULT_REGION: z.string().length(2).default('US'),
  TWILIO_AUTH_TOKEN: z.string().min(1),
  /** Bearer token of POST /v1/privacy/do-not-sell (phone, email, agent requests). */
  DNS_API_TOKEN: z.string().min(16),
  /** SNS topics whose messages we accept and whose subscriptions we confirm (R-AB-4). */
  SNS_TOPIC_ARNS: csv.default([]),
  /** Host names a SigningCertURL may point at. */
  SNS_CERT_HOST_PATTERN: z.string().default('^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$'),
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  TRUST_PROXY: z.string().default('false'),
  TOPIC_EMAIL_OPTOUT: z.string().default(Topics.emailOptOut),
  TOPIC_SMS_INBOUND: z.string().default(Topics.smsInbound),
  TOPIC_DO_NOT_SELL: z.string().default(Topics.doNotSell),
  TOPIC_COMPLAINT: z.string().default(Topics.complaint),
  TOPIC_BOUNCE: z.string().default(Topics.bounce),
});
export type EdgeEnv = z.infer<typeof EdgeEnv>;

export interface EdgeConfig {
  host: string;
  port: number;
  opsPort: number;
  logLevel: string;
  kafka: { brokers: string[]; clientId: string };
  publicBaseUrl: string;
  brandName: string;
  supportEmail: string;
  tokenKeys: { currentKeyId: string; keys: Record<string, string> };
  subjectPeppers: { currentKeyId: string; keys: Record<string, string> };
  smsDefaultRegion: string;
  twilioAuthToken: string;
  dnsApiToken: string;
  sns: { topicArns: string[]; certHostPattern: RegExp };
  rateLimit: { max: number; windowMs: number };
  bodyLimitBytes: number;
  /** fastify's trustProxy: false, true, or the proxies' addresses/CIDRs (comma-separated). */
  trustProxy: boolean | string;
  topics: { emailOptOut: string; smsInbound: string; doNotSell: string; complaint: string; bounce: string };
}

function trustProxy(raw: string): boolean | string {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  return raw;
}

/** Parses the environment (process.env by default) into the edge's configuration. */
export function loadConfig(env: Record<string, string | undefined> = process.env): EdgeConfig {
  const e = parseEnv(EdgeEnv, env);
  return {
    host: e.HOST,
    port: e.PORT,
    opsPort: e.OPS_PORT,
    logLevel: e.LOG_LEVEL,
    kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID },
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    brandName: e.BRAND_NAME,
    supportEmail: e.SUPPORT_EMAIL,
    tokenKeys: e.TOKEN_KEYS,
    subjectPeppers: e.SUBJECT_PEPPERS,
    smsDefaultRegion: e.SMS_DEFAULT_REGION.toUpperCase(),
    twilioAuthToken: e.TWILIO_AUTH_TOKEN,
    dnsApiToken: e.DNS_API_TOKEN,
    sns: { topicArns: e.SNS_TOPIC_ARNS, certHostPattern: new RegExp(e.SNS_CERT_HOST_PATTERN) },
    rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS },
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: trustProxy(e.TRUST_PROXY),
    topics: {
      emailOptOut: e.TOPIC_EMAIL_OPTOUT,
      smsInbound: e.TOPIC_SMS_INBOUND,
      doNotSell: e.TOPIC_DO_NOT_SELL,
      complaint: e.TOPIC_COMPLAINT,
      bounce: e.TOPIC_BOUNCE,
    },
  };
}
