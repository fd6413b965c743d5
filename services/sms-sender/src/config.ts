// The SMS sender's configuration: the only module that reads process.env (STYLE.md 8).
import { fileURLToPath } from 'node:url';
import { parseEnv } from '@sp/config';
import { Topics } from '@sp/contracts';
import { isTimeZone, parseClock, senderConfig, senderEnv, senderTuning } from '@sp/delivery';
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

export const SmsSenderEnv = senderEnv({
  opsPort: 9466,
  clientId: 'sp-sms-sender',
  groupId: 'sms-sender',
  templatesDir: DEFAULT_TEMPLATES,
  pollIntervalMs: 15_000,
  concurrency: 8,
  sendRequestTopic: Topics.smsSendRequest,
  outcomeTopic: Topics.deliveryOutcome,
})
  .extend({
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
    /** Override of the topic's full name; unset, the catalog's behind TOPIC_PREFIX. */
    TOPIC_SMS_INBOUND: z.string().optional(),
  })
  .refine((e) => e.TWILIO_MESSAGING_SERVICE_SID || e.TWILIO_FROM, {
    message: 'set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM',
    path: ['TWILIO_FROM'],
  });
export type SmsSenderEnv = z.infer<typeof SmsSenderEnv>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(SmsSenderEnv, env);
  const base = senderConfig(e, {
    sendRequestTopic: Topics.smsSendRequest,
    outcomeTopic: Topics.deliveryOutcome,
  });
  return {
    ...base,
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      from: e.TWILIO_FROM,
      statusCallback: e.TWILIO_STATUS_CALLBACK,
    },
    settings: {
      ...senderTuning(e),
      topics: { ...base.topics, smsInbound: e.TOPIC_SMS_INBOUND ?? `${e.TOPIC_PREFIX}${Topics.smsInbound}` },
      defaultRegion: e.SMS_DEFAULT_REGION.toUpperCase(),
      quietHours: {
        startMinute: parseClock(e.QUIET_HOURS_START),
        endMinute: parseClock(e.QUIET_HOURS_END),
        fallbackTimeZone: e.QUIET_HOURS_FALLBACK_TZ,
      },
      senderId: (e.TWILIO_FROM ?? e.TWILIO_MESSAGING_SERVICE_SID)!,
    },
  };
}
export type SmsSenderConfig = ReturnType<typeof loadConfig>;
