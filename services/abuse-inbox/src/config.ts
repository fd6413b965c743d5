// The abuse-inbox's configuration: the only module that reads process.env (STYLE.md 8).
import { csv, keyRing, parseEnv, port } from '@sp/config';
import { Topics } from '@sp/contracts';
import { ServiceEnv, type ServiceSettings, serviceSettings, topicNamer } from '@sp/runtime';
import { SEED_HIT_TOPIC } from '@sp/suppression';
import { z } from 'zod';

/** The kit's base (LOG_LEVEL, TOPIC_PREFIX, OTLP, start and stop bounds) and the inbox's own. */
export const AbuseInboxEnv = ServiceEnv.extend({
  SMTP_HOST: z.string().default('0.0.0.0'),
  SMTP_PORT: port.default(2525),
  SMTP_SERVER_NAME: z.string().default('abuse-inbox'),
  /** PEM files enabling STARTTLS; without them STARTTLS is not offered. */
  SMTP_TLS_KEY_FILE: z.string().optional(),
  SMTP_TLS_CERT_FILE: z.string().optional(),
  OPS_PORT: port.default(9465),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().default('sp-abuse-inbox'),
  /**
   * Clients (IP addresses or CIDR ranges) allowed to connect, e.g. the mail server that forwards
   * abuse@; empty allows any. Anyone who can send here can get an address suppressed from marketing.
   */
  SMTP_ALLOWED_CLIENTS: csv.default([]),
  /** Addresses the abuse@ mailbox forwards to us; other recipients are refused at RCPT (550). */
  ABUSE_RECIPIENTS: csv.pipe(z.array(z.email()).min(1)),
  /**
   * Support mailboxes (e.g. info@) whose mail may ask to be removed from marketing (issue 19):
   * an authenticated request opts the sender out with method `support`.
   */
  SUPPORT_ADDRESSES: csv.pipe(z.array(z.email())).default([]),
  /** Reply-To addresses of our newsletters: an authenticated "unsubscribe" reply opts out (method `reply`). */
  REPLY_ADDRESSES: csv.pipe(z.array(z.email())).default([]),
  /**
   * authserv-ids (RFC 8601) of the receiving MTAs whose Authentication-Results we trust. Only
   * name a host that removes Authentication-Results carrying its own id from incoming mail
   * (RFC 8601 section 5); any other host's results are ignored.
   */
  TRUSTED_AUTHSERV_IDS: csv.default([]),
  /** Where mail to the support and reply addresses waits for an operator, sealed. */
  HELD_DIR: z.string().default('./held'),
  /** Keys sealing held mail at rest; absent: derived from TOKEN_KEYS. */
  HELD_MAIL_KEYS: keyRing.optional(),
  /** Domain of the List-Unsubscribe mailto: unsubscribe+<token>@<domain>. */
  UNSUBSCRIBE_DOMAIN: z.string().optional(),
  QUARANTINE_DIR: z.string().default('./quarantine'),
  /** Quarantined mail is deleted after this many days (issue 15); the operator releases or deletes before. */
  QUARANTINE_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** The header our email sender sets with the sealed recipient token. */
  RECIPIENT_TOKEN_HEADER: z.string().default('X-SP-Recipient-Token'),
  TOKEN_KEYS: keyRing,
  SUBJECT_PEPPERS: keyRing,
  /** The data keys of sealed events live here (issue 15). */
  DATABASE_URL: z.string().min(1).optional(),
  /** Master keys of the per-subject data keys, "kid:base64key,..."; absent: VAULT_KEYS. */
  EVENT_KEYS: keyRing.optional(),
  VAULT_KEYS: keyRing.optional(),
  /** Overrides of one topic's full name; unset, the catalog's name behind TOPIC_PREFIX. */
  TOPIC_EMAIL_OPTOUT: z.string().optional(),
  TOPIC_COMPLAINT: z.string().optional(),
  TOPIC_BOUNCE: z.string().optional(),
  /** Partner seed addresses (issue 16) live at this second accepted domain, e.g. seeds.shop.example. */
  SEED_DOMAIN: z.string().min(3).optional(),
  TOPIC_SEED_HIT: z.string().optional(),
});
export type AbuseInboxEnv = z.infer<typeof AbuseInboxEnv>;

export interface AbuseInboxConfig {
  /** The kit's settings (log level, topic prefix, OTLP, ops port, bounds). */
  service: ServiceSettings;
  smtp: {
    host: string;
    port: number;
    serverName: string;
    tlsKeyFile?: string;
    tlsCertFile?: string;
    maxMessageBytes: number;
  };
  opsPort: number;
  logLevel: string;
  kafka: { brokers: string[]; clientId: string };
  recipients: string[];
  /** IPs or CIDRs allowed to connect; empty = any. */
  allowedClients: string[];
  unsubscribeDomain?: string;
  /** Support mailboxes, lower-case. */
  supportAddresses: string[];
  /** Newsletter reply addresses, lower-case. */
  replyAddresses: string[];
  /** authserv-ids whose Authentication-Results are trusted, lower-case. */
  trustedAuthservIds: string[];
  quarantineDir: string;
  quarantineRetentionDays: number;
  heldDir: string;
  heldMailKeys: { currentKeyId: string; keys: Record<string, string> };
  recipientTokenHeader: string;
  tokenKeys: { currentKeyId: string; keys: Record<string, string> };
  subjectPeppers: { currentKeyId: string; keys: Record<string, string> };
  topics: { emailOptOut: string; complaint: string; bounce: string; seedHit: string };
  seedDomain?: string;
  /** Where the per-subject data keys live and the master keys wrapping them (issue 15). */
  eventSealing: {
    databaseUrl: string | undefined;
    keys: { currentKeyId: string; keys: Record<string, string> } | undefined;
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AbuseInboxConfig {
  const e = parseEnv(AbuseInboxEnv, env);
  const topic = topicNamer(e.TOPIC_PREFIX);
  return {
    service: serviceSettings(e),
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      serverName: e.SMTP_SERVER_NAME,
      ...(e.SMTP_TLS_KEY_FILE ? { tlsKeyFile: e.SMTP_TLS_KEY_FILE } : {}),
      ...(e.SMTP_TLS_CERT_FILE ? { tlsCertFile: e.SMTP_TLS_CERT_FILE } : {}),
      maxMessageBytes: e.MAX_MESSAGE_BYTES,
    },
    opsPort: e.OPS_PORT,
    logLevel: e.LOG_LEVEL,
    kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID },
    recipients: e.ABUSE_RECIPIENTS.map((r) => r.toLowerCase()),
    allowedClients: e.SMTP_ALLOWED_CLIENTS,
    ...(e.UNSUBSCRIBE_DOMAIN ? { unsubscribeDomain: e.UNSUBSCRIBE_DOMAIN.toLowerCase() } : {}),
    supportAddresses: e.SUPPORT_ADDRESSES.map((a) => a.toLowerCase()),
    replyAddresses: e.REPLY_ADDRESSES.map((a) => a.toLowerCase()),
    trustedAuthservIds: e.TRUSTED_AUTHSERV_IDS.map((a) => a.toLowerCase()),
    quarantineDir: e.QUARANTINE_DIR,
    quarantineRetentionDays: e.QUARANTINE_RETENTION_DAYS,
    heldDir: e.HELD_DIR,
    // Derived, not shared: the token keys' secrets under another label give other AES keys.
    heldMailKeys: e.HELD_MAIL_KEYS ?? {
      currentKeyId: e.TOKEN_KEYS.currentKeyId,
      keys: Object.fromEntries(
        Object.entries(e.TOKEN_KEYS.keys).map(([id, secret]) => [id, `held-mail:${secret}`]),
      ),
    },
    recipientTokenHeader: e.RECIPIENT_TOKEN_HEADER.toLowerCase(),
    tokenKeys: e.TOKEN_KEYS,
    subjectPeppers: e.SUBJECT_PEPPERS,
    eventSealing: { databaseUrl: e.DATABASE_URL, keys: e.EVENT_KEYS ?? e.VAULT_KEYS },
    topics: {
      emailOptOut: e.TOPIC_EMAIL_OPTOUT ?? topic(Topics.emailOptOut),
      complaint: e.TOPIC_COMPLAINT ?? topic(Topics.complaint),
      bounce: e.TOPIC_BOUNCE ?? topic(Topics.bounce),
      seedHit: e.TOPIC_SEED_HIT ?? topic(SEED_HIT_TOPIC),
    },
    ...(e.SEED_DOMAIN ? { seedDomain: e.SEED_DOMAIN.toLowerCase() } : {}),
  };
}

/** Where the user ran the command (pnpm --filter runs scripts in the package folder). */
export function invocationDir(env: Record<string, string | undefined> = process.env): string {
  return env.INIT_CWD ?? process.cwd();
}
