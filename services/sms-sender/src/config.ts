// The SMS sender's configuration: the only module that reads process.env (STYLE.md 8).
import { fileURLToPath } from 'node:url';
import { csv, keyRing, parseEnv, port } from '@sp/config';
import { Topics } from '@sp/contracts';
import { isTimeZone, parseClock } from '@sp/delivery';
import { z } from 'zod';

const DEFAULT_TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url));

const clock = z.string().refine((s) => {
  try {
    parseClock(s);
    return true;
  } catch {
    return false;
  }
}, 'expected HH:MM');

export const SmsSenderEnv = z
  .object({
    OPS_PORT: port.default(9466),
    LOG_LEVEL: z.string().default('info'),
    KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
    KAFKA_CLIENT_ID: z.string().default('sp-sms-sender'),
    GROUP_ID: z.string().default('sms-sender'),
    DATABASE_URL: z.string().min(1),
    DELIVERY_DATABASE_URL: z.string().min(1).optional(),
    SUBJECT_PEPPERS: keyRing,
    PAYLOAD_KEYS: keyRing,
    SMS_DEFAULT_REGION: z.string().length(2).default('US'),
    TWILIO_ACCOUNT_SID: z.string().startsWith('AC'),
    TWILIO_AUTH_TOKEN: z.string().min(1),
    /** Twilio's API base; tests and standalone aim it at the local double. */
    TWILIO_API_BASE_URL: z.url().default('https://api.twilio.com'),
    TWILIO_MESSAGING_SERVICE_SID: z.string().startsWith('MG').optional(),
    TWILIO_FROM: z.string().min(3).optional(),
    TWILIO_STATUS_CALLBACK: z.url().optional(),
    /** R-SMS-6: the local sending window (federal 8:00-21:00; stricter states configure less). */
    QUIET_HOURS_START: clock.default('08:00'),
    QUIET_HOURS_END: clock.default('21:00'),
    QUIET_HOURS_FALLBACK_TZ: z
      .string()
      .refine(isTimeZone, 'not an IANA time zone')
      .default('America/New_York'),
    TEMPLATES_DIRS: csv.default([DEFAULT_TEMPLATES]),
    POLL_INTERVAL_MS: z.coerce.number().int().positive().default(15_000),
    CLAIM_LEASE_MS: z.coerce.number().int().positive().default(60_000),
    RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
    RETRY_MAX_MS: z.coerce.number().int().positive().default(3_600_000),
    MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
    SEND_CONCURRENCY: z.coerce.number().int().positive().default(8),
    LIST_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    CLAIM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    TOPIC_SEND_REQUEST: z.string().default(Topics.smsSendRequest),
    TOPIC_OUTCOME: z.string().default(Topics.deliveryOutcome),
    TOPIC_SMS_INBOUND: z.string().default(Topics.smsInbound),
  })
  .refine((e) => e.TWILIO_MESSAGING_SERVICE_SID || e.TWILIO_FROM, {
    message: 'set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM',
    path: ['TWILIO_FROM'],
  });
export type SmsSenderEnv = z.infer<typeof SmsSenderEnv>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(SmsSenderEnv, env);
  return {
    opsPort: e.OPS_PORT,
    logLevel: e.LOG_LEVEL,
    kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID },
    databaseUrl: e.DATABASE_URL,
    deliveryDatabaseUrl: e.DELIVERY_DATABASE_URL,
    subjectPeppers: e.SUBJECT_PEPPERS,
    payloadKeys: e.PAYLOAD_KEYS,
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      from: e.TWILIO_FROM,
      statusCallback: e.TWILIO_STATUS_CALLBACK,
    },
    templatesDirs: e.TEMPLATES_DIRS,
    settings: {
      groupId: e.GROUP_ID,
      topics: {
        sendRequest: e.TOPIC_SEND_REQUEST,
        outcome: e.TOPIC_OUTCOME,
        smsInbound: e.TOPIC_SMS_INBOUND,
      },
      defaultRegion: e.SMS_DEFAULT_REGION.toUpperCase(),
      quietHours: {
        startMinute: parseClock(e.QUIET_HOURS_START),
        endMinute: parseClock(e.QUIET_HOURS_END),
        fallbackTimeZone: e.QUIET_HOURS_FALLBACK_TZ,
      },
      senderId: (e.TWILIO_FROM ?? e.TWILIO_MESSAGING_SERVICE_SID)!,
      pollIntervalMs: e.POLL_INTERVAL_MS,
      leaseMs: e.CLAIM_LEASE_MS,
      backoff: { baseMs: e.RETRY_BASE_MS, maxMs: e.RETRY_MAX_MS, maxAttempts: e.MAX_ATTEMPTS },
      concurrency: e.SEND_CONCURRENCY,
      checkTimeoutMs: e.LIST_CHECK_TIMEOUT_MS,
      claimTimeoutMs: e.CLAIM_TIMEOUT_MS,
    },
  };
}
export type SmsSenderConfig = ReturnType<typeof loadConfig>;
