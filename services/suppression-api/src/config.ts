// The API's configuration: the only module that reads process.env (STYLE.md 8).
import { createHash } from 'node:crypto';
import { csv, flag, keyRing, parseEnv, port } from '@sp/config';
import { Topics } from '@sp/contracts';
import { ServiceEnv, type ServiceSettings, serviceSettings, topicNamer } from '@sp/runtime';
import { z } from 'zod';

/** `partner` tokens are not in API_TOKENS: each partner's own token, issued by POST /v1/partners. */
export type Scope = 'check' | 'admin' | 'send' | 'partner';

/**
 * API_TOKENS: comma-separated `[name=]token:scope[+scope]` entries, e.g.
 * `API_TOKENS="sender=s3nder-token-0123456789:check,ops-anna=ops-token-0123456789:check+admin"`.
 * Scopes: `check` (check, batch check, unsubscribe links, listing keys, stats) and `admin`
 * (add/lift, import, export, history, proof, readable addresses in the listing). `admin` does not
 * imply `check`; give both when a token needs both. `send` posts messages to the senders (issue 14)
 * and reads their outcomes. Tokens are at least 16 characters.
 * The name is the token's identity: every admin write records it in the ledger (a body's `actor`
 * may add a person's name, never replace it). A token without a name (the older `token:scopes`
 * form, still accepted) is named `token-<first 8 hex of its SHA-256>`.
 */
interface ApiTokens {
  scopes: Map<string, Set<Scope>>;
  names: Map<string, string>;
}

const TOKEN_NAME = /^([A-Za-z0-9][A-Za-z0-9._@-]{0,63})=(.+)$/;

/** The identity of an unnamed token: stable, and it does not reveal the token. */
export const unnamedTokenName = (token: string) =>
  `token-${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;

export const apiTokens = z.string().transform((s, ctx): ApiTokens => {
  const tokens = new Map<string, Set<Scope>>();
  const names = new Map<string, string>();
  for (const part of s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    // "name=token:scopes" when what follows the name still holds a full token; otherwise the whole
    // entry is the older "token:scopes" (a token may itself contain '=', e.g. base64 padding).
    const named = TOKEN_NAME.exec(part);
    const namedRest = named ? named[2]! : '';
    const useName = named !== null && namedRest.lastIndexOf(':') >= 16;
    const entry = useName ? namedRest : part;
    const i = entry.lastIndexOf(':');
    const token = i > 0 ? entry.slice(0, i) : '';
    const scopes = i > 0 ? entry.slice(i + 1).split('+') : [];
    if (
      token.length < 16 ||
      scopes.length === 0 ||
      scopes.some((x) => x !== 'check' && x !== 'admin' && x !== 'send')
    ) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected "[name=]token:check[+admin][+send],..." with tokens of 16+ characters and scopes check|admin|send',
      });
      return z.NEVER;
    }
    tokens.set(token, new Set(scopes as Scope[]));
    names.set(token, useName ? named![1]! : unnamedTokenName(token));
  }
  if (tokens.size === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one token is needed' });
    return z.NEVER;
  }
  const seen = new Set<string>();
  for (const n of names.values()) {
    if (seen.has(n)) {
      ctx.addIssue({ code: 'custom', message: `two tokens are named "${n}": names must be unique` });
      return z.NEVER;
    }
    seen.add(n);
  }
  return { scopes: tokens, names };
});

/**
 * Ed25519 key that signs proof reports: "kid:base64 of the 32-byte private seed". Without it the
 * API makes one at start (proofs then verify only against that process's public key).
 */
const proofKey = z.string().transform((s, ctx) => {
  const i = s.indexOf(':');
  const seed = i > 0 ? Buffer.from(s.slice(i + 1), 'base64') : Buffer.alloc(0);
  if (seed.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'expected "keyId:<base64 of a 32-byte Ed25519 seed>"' });
    return z.NEVER;
  }
  return { keyId: s.slice(0, i), seed };
});

/** "kid:base64-of-32-bytes" for the AES-256-GCM vault of readable addresses. */
const vaultKey = z.string().transform((s, ctx) => {
  const i = s.indexOf(':');
  const key = i > 0 ? Buffer.from(s.slice(i + 1), 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'expected "keyId:<base64 of 32 bytes>"' });
    return z.NEVER;
  }
  return { keyId: s.slice(0, i), key };
});

/** The kit's base (LOG_LEVEL, TOPIC_PREFIX, OTLP, OPS_PORT, start and stop bounds) and the API's own. */
const ApiEnv = ServiceEnv.extend({
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(8081),
  DATABASE_URL: z.string().min(1),
  /** Run the SQL migrations before listening (off in production, where a job migrates). */
  MIGRATE_ON_START: flag.default(false),
  API_TOKENS: apiTokens,
  /** Peppers of the subject keys "kid:secret,...", the first one is current. */
  SUBJECT_PEPPERS: keyRing,
  /** Sealed-token keys "kid:secret,...", the first one seals (unsubscribe links). */
  TOKEN_KEYS: keyRing,
  /**
   * Optional: lets admins see readable addresses in the listing and the export. "kid:<base64 of
   * 32 bytes>[,…]", the same setting as every other service's (the first key is current).
   */
  VAULT_KEYS: z
    .string()
    .transform((s) => s.split(',')[0]!.trim())
    .pipe(vaultKey)
    .optional(),
  /** The API's former name for VAULT_KEYS, still read when VAULT_KEYS is unset. */
  VAULT_KEY: vaultKey.optional(),
  DEFAULT_REGION: z.string().length(2).default('US'),
  /** The edge's public URL: unsubscribe links are PUBLIC_BASE_URL/u/<token>. */
  PUBLIC_BASE_URL: z.url(),
  /** mailto unsubscribe addresses are unsubscribe+<token>@UNSUBSCRIBE_DOMAIN (the abuse inbox). */
  UNSUBSCRIBE_DOMAIN: z.string().min(3),
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(10_000),
  /** Largest import body in bytes (the CLI sends files in batches well below it). */
  IMPORT_BODY_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** R-OC-5: the window of the spam-complaint rate, in days. */
  COMPLAINT_WINDOW_DAYS: z.coerce.number().int().positive().default(30),
  /** Seed addresses are s-<random>@PARTNER_SEED_DOMAIN (a domain the abuse inbox accepts). */
  PARTNER_SEED_DOMAIN: z.string().min(3).optional(),
  /** A partner without a file younger than this is flagged stale (R-EM-1: 10 business days). */
  PARTNER_STALE_DAYS: z.coerce.number().int().positive().default(7),
  PARTNER_SCRUB_MAX_HASHES: z.coerce.number().int().positive().default(50_000),
  PARTNER_SCRUB_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** A delta repeats this much before its watermark, so a commit that lands late is never missed. */
  PARTNER_DELTA_OVERLAP_MS: z.coerce.number().int().min(0).default(120_000),
  /** With Kafka, checks are answered from a local view of the changelog (LIST_VIEW=off: database only). */
  KAFKA_BROKERS: csv.optional(),
  KAFKA_CLIENT_ID: z.string().default('suppression-api'),
  LIST_VIEW: flag.default(true),
  /** Past this lag the view is not used: the database answers. */
  LIST_VIEW_MAX_LAG_MS: z.coerce.number().int().positive().default(2_000),
  /** Shown on proof reports (issue 15). */
  BRAND_NAME: z.string().min(1).max(200).default('Our shop'),
  PROOF_SIGNING_KEY: proofKey.optional(),
});

export interface ApiConfig {
  /** The kit's settings (log level, topic prefix, OTLP, ops port, bounds). */
  service: ServiceSettings;
  /** The broker's names of the topics the API reads and writes: the catalog's behind TOPIC_PREFIX. */
  topics: { changelog: string; emailSendRequest: string; smsSendRequest: string };
  host: string;
  port: number;
  logLevel: string;
  databaseUrl: string;
  migrateOnStart: boolean;
  tokens: Map<string, Set<Scope>>;
  /** token -> its name (the identity recorded for admin writes). */
  tokenNames: Map<string, string>;
  brandName: string;
  /** Ed25519 seed of the proof signer (absent: a key made at start). */
  proofKey?: { keyId: string; seed: Buffer };
  subjectPeppers: { currentKeyId: string; keys: Record<string, string> };
  tokenKeys: { currentKeyId: string; keys: Record<string, string> };
  vault?: { keyId: string; key: Buffer };
  defaultRegion: string;
  publicBaseUrl: string;
  unsubscribeDomain: string;
  importBatchSize: number;
  importBodyLimit: number;
  complaintWindowDays: number;
  partners: {
    seedDomain: string;
    staleDays: number;
    scrubMaxHashes: number;
    scrubPerMinute: number;
    deltaOverlapMs: number;
  };
  /** Set with KAFKA_BROKERS: the send API publishes send requests there (issue 14). */
  kafka?: { brokers: string[]; clientId: string };
  /** Set when checks should come from the local list view (Kafka configured and LIST_VIEW on). */
  listView?: { brokers: string[]; clientId: string; enabled: true; maxLagMs: number; topic: string };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const e = parseEnv(ApiEnv, env);
  const topic = topicNamer(e.TOPIC_PREFIX);
  return {
    service: serviceSettings(e),
    topics: {
      changelog: topic(Topics.changelog),
      emailSendRequest: topic(Topics.emailSendRequest),
      smsSendRequest: topic(Topics.smsSendRequest),
    },
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    migrateOnStart: e.MIGRATE_ON_START,
    tokens: e.API_TOKENS.scopes,
    tokenNames: e.API_TOKENS.names,
    brandName: e.BRAND_NAME,
    ...(e.PROOF_SIGNING_KEY ? { proofKey: e.PROOF_SIGNING_KEY } : {}),
    subjectPeppers: e.SUBJECT_PEPPERS,
    tokenKeys: e.TOKEN_KEYS,
    ...((e.VAULT_KEYS ?? e.VAULT_KEY) ? { vault: e.VAULT_KEYS ?? e.VAULT_KEY } : {}),
    defaultRegion: e.DEFAULT_REGION,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    unsubscribeDomain: e.UNSUBSCRIBE_DOMAIN,
    importBatchSize: e.IMPORT_BATCH_SIZE,
    importBodyLimit: e.IMPORT_BODY_LIMIT,
    complaintWindowDays: e.COMPLAINT_WINDOW_DAYS,
    partners: {
      seedDomain: e.PARTNER_SEED_DOMAIN ?? `seeds.${e.UNSUBSCRIBE_DOMAIN}`,
      staleDays: e.PARTNER_STALE_DAYS,
      scrubMaxHashes: e.PARTNER_SCRUB_MAX_HASHES,
      scrubPerMinute: e.PARTNER_SCRUB_PER_MINUTE,
      deltaOverlapMs: e.PARTNER_DELTA_OVERLAP_MS,
    },
    ...(e.KAFKA_BROKERS ? { kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID } } : {}),
    ...(e.KAFKA_BROKERS && e.LIST_VIEW
      ? {
          listView: {
            brokers: e.KAFKA_BROKERS,
            clientId: e.KAFKA_CLIENT_ID,
            enabled: true as const,
            maxLagMs: e.LIST_VIEW_MAX_LAG_MS,
            topic: topic(Topics.changelog),
          },
        }
      : {}),
  };
}

const MigrateEnv = z.object({ DATABASE_URL: z.string().min(1), LOG_LEVEL: z.string().default('info') });

/** The one-shot migration entry's settings (src/migrate.ts): the database and the log level. */
export function loadMigrateConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(MigrateEnv, env);
  return { databaseUrl: e.DATABASE_URL, logLevel: e.LOG_LEVEL };
}
