// The abuse-inbox's configuration: the only module that reads process.env (STYLE.md 8).
import { csv, keyRing, parseEnv, port } from '@sp/config';
import { Topics } from '@sp/contracts';
import { SEED_HIT_TOPIC } from '@sp/suppression';
import { z } from 'zod';

export const AbuseInboxEnv = z.object({
  SMTP_HOST: z.string().default('0.0.0.0'),
  SMTP_PORT: port.default(2525),
  SMTP_SERVER_NAME: z.string().default('abuse-inbox'),
  /** PEM files enabling STARTTLS; without them STARTTLS is not offered. */
  SMTP_TLS_KEY_FILE: z.string().optional(),
  SMTP_TLS_CERT_FILE: z.string().optional(),
  OPS_PORT: port.default(9465),
  LOG_LEVEL: z.string().default('info'),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().default('sp-abuse-inbox'),
  /**
   * Clients (IP addresses or CIDR ranges) allowed to connect, e.g. the mail server that forwards
   * abuse@; empty allows any. Anyone who can send here can get an address suppressed from marketing.
   */
  SMTP_ALLOWED_CLIENTS: csv.default([]),
  /** Addresses the abuse@ mailbox forwards to us; other recipients are refused at RCPT (550). */
  ABUSE_RECIPIENTS: csv.pipe(z.array(z.email()).min(1)),
  /** Domain of the List-Unsubscribe mailto: unsubscribe+<token>@<domain>. */
  UNSUBSCRIBE_DOMAIN: z.string().optional(),
  QUARANTINE_DIR: z.string().default('./quarantine'),
  MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** The header our email sender sets with the sealed recipient token. */
  RECIPIENT_TOKEN_HEADER: z.string().default('X-SP-Recipient-Token'),
  TOKEN_KEYS: keyRing,
  SUBJECT_PEPPERS: keyRing,
  TOPIC_EMAIL_OPTOUT: z.string().default(Topics.emailOptOut),
  TOPIC_COMPLAINT: z.string().default(Topics.complaint),
  TOPIC_BOUNCE: z.string().default(Topics.bounce),
  /** Partner seed addresses (issue 16) live at this second accepted domain, e.g. seeds.shop.example. */
  SEED_DOMAIN: z.string().min(3).optional(),
  TOPIC_SEED_HIT: z.string().default(SEED_HIT_TOPIC),
});
export type AbuseInboxEnv = z.infer<typeof AbuseInboxEnv>;

export interface AbuseInboxConfig {
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
  quarantineDir: string;
  recipientTokenHeader: string;
  tokenKeys: { currentKeyId: string; keys: Record<string, string> };
  subjectPeppers: { currentKeyId: string; keys: Record<string, string> };
  topics: { emailOptOut: string; complaint: string; bounce: string; seedHit: string };
  seedDomain?: string;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AbuseInboxConfig {
  const e = parseEnv(AbuseInboxEnv, env);
  return {
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
    quarantineDir: e.QUARANTINE_DIR,
    recipientTokenHeader: e.RECIPIENT_TOKEN_HEADER.toLowerCase(),
    tokenKeys: e.TOKEN_KEYS,
    subjectPeppers: e.SUBJECT_PEPPERS,
    topics: {
      emailOptOut: e.TOPIC_EMAIL_OPTOUT,
      complaint: e.TOPIC_COMPLAINT,
      bounce: e.TOPIC_BOUNCE,
      seedHit: e.TOPIC_SEED_HIT,
    },
    ...(e.SEED_DOMAIN ? { seedDomain: e.SEED_DOMAIN.toLowerCase() } : {}),
  };
}

/** Where the user ran the command (pnpm --filter runs scripts in the package folder). */
export function invocationDir(env: Record<string, string | undefined> = process.env): string {
  return env.INIT_CWD ?? process.cwd();
}
