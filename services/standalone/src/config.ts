// Standalone configuration: the only place this process reads process.env. Secrets not given
// in the environment are generated once and kept in the data dir, so a restart keeps working
// links and the same subject keys.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BRAND_VARIABLES, type Brand, loadBrand, parseEnv, port } from '@sp/config';
import { EDGE_LIMIT_VARIABLES, EdgeLimitsEnv } from '@sp/edge';
import { generateSecret } from '@sp/identity';
import { type LanguageTable, SmsKeywordsFile } from '@sp/sms-stop-consumer';
import { z } from 'zod';

const StandaloneEnv = z.object({
  DATA_DIR: z.string().default('.data'),
  HOST: z.string().default('127.0.0.1'),
  EDGE_PORT: port.default(8080),
  API_PORT: port.default(8081),
  SMTP_PORT: port.default(2525),
  /** Local stand-ins for SES and Twilio; 0 picks a free port. */
  SES_PORT: port.default(8005),
  TWILIO_PORT: port.default(0),
  /** The one ops server of the whole process: /healthz, /readyz, /metrics (issue 17). */
  OPS_PORT: port.default(9464),
  API_TOKEN: z.string().min(16).optional(),
  KAFKA_BROKERS: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_ACCOUNT_SID: z.string().startsWith('AC').optional(),
  /** Default: the brand's name <news@shop.localhost>. */
  EMAIL_FROM: z.string().optional(),
  /** Default: the brand file's postal address. */
  POSTAL_ADDRESS: z.string().optional(),
  /**
   * The brand of the pages and mail (issue 13): a JSON file; unset, the seed brand
   * (services/standalone/brand.seed.json); empty, none (neutral wording). BRAND_NAME,
   * SUPPORT_EMAIL, SUPPORT_PHONE, ... override single fields (@sp/config loadBrand).
   */
  BRAND_FILE: z.string().optional(),
  SMS_FROM: z.string().default('+15005550006'),
  /** JSON file of SMS keywords per language, added to the en/fr/es defaults (R-SMS-9). */
  SMS_KEYWORDS_FILE: SmsKeywordsFile,
  TOKEN_KEYS: z.string().optional(),
  SUBJECT_PEPPERS: z.string().optional(),
  VAULT_KEYS: z.string().optional(),
  /** Former name of VAULT_KEYS, still read. */
  VAULT_KEY: z.string().optional(),
  DNS_API_TOKEN: z.string().optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  UNSUBSCRIBE_DOMAIN: z.string().default('unsubscribe.localhost'),
  ABUSE_RECIPIENTS: z.string().default('abuse@abuse.localhost'),
  LOG_LEVEL: z.string().default('info'),
  /**
   * `off` is a maintenance mode: the edge, the inbox and the API take requests and every accepted
   * event is kept in the bus (the database's bus tables without Kafka), but nothing is applied to
   * the list and nothing is sent (a sender must not send while opt-outs wait). The next start
   * without it applies what waited, in order.
   */
  CONSUMERS: z.enum(['on', 'off']).default('on'),
  /** `ses`: mirror email/all and email/marketing (topic *) into the SES stand-in's account suppression list. */
  PROVIDER_SYNC: z.enum(['none', 'ses']).default('none'),
});
type StandaloneEnv = z.infer<typeof StandaloneEnv>;

/** The seed brand `npm start` shows: support phone, Long Beach postal address (issue 13). */
const SEED_BRAND_FILE = fileURLToPath(new URL('../brand.seed.json', import.meta.url));

const Secrets = z.object({
  apiToken: z.string(),
  twilioAuthToken: z.string(),
  tokenKeys: z.string(),
  subjectPeppers: z.string(),
  vaultKey: z.string(),
  dnsApiToken: z.string(),
  payloadKeys: z.string(),
  twilioAccountSid: z.string(),
  /** Ed25519 seed that signs proof reports (issue 15): kept, so old proofs still verify. */
  proofSigningKey: z.string(),
});
type Secrets = z.infer<typeof Secrets>;

export interface StandaloneConfig {
  dataDir: string;
  host: string;
  ports: { edge: number; api: number; smtp: number; ses: number; twilio: number; ops: number };
  kafkaBrokers?: string;
  databaseUrl?: string;
  secrets: Secrets;
  publicBaseUrl?: string;
  unsubscribeDomain: string;
  abuseRecipients: string;
  emailFrom: string;
  postalAddress: string;
  brand: Brand;
  /** The brand's variables as given (BRAND_FILE defaulted), for the edge and the senders. */
  brandEnv: Record<string, string>;
  smsFrom: string;
  /** SMS keywords per language (SMS_KEYWORDS_FILE over the defaults). */
  smsLanguages: LanguageTable;
  logLevel: string;
  /** False in the maintenance mode (CONSUMERS=off): nothing consumes the bus. */
  consumers: boolean;
  /** The edge's abuse limits and TRUST_PROXY, as given (the edge's own config parses them). */
  edgeLimits: Record<string, string>;
  /** Provider sync into the SES stand-in (issue 14); absent: off. */
  providerSync?: 'ses';
}

function loadSecrets(dataDir: string, e: StandaloneEnv): Secrets {
  const file = join(dataDir, 'secrets.json');
  const kept: Partial<Secrets> = existsSync(file)
    ? Secrets.partial().parse(JSON.parse(readFileSync(file, 'utf8')))
    : {};
  const generated: Secrets = {
    apiToken: kept.apiToken ?? generateSecret(24),
    twilioAuthToken: kept.twilioAuthToken ?? generateSecret(16),
    tokenKeys: kept.tokenKeys ?? `k1:${generateSecret(32)}`,
    subjectPeppers: kept.subjectPeppers ?? `p1:${generateSecret(32)}`,
    vaultKey: kept.vaultKey ?? `v1:${Buffer.from(generateSecret(32), 'base64url').toString('base64')}`,
    dnsApiToken: kept.dnsApiToken ?? generateSecret(24),
    payloadKeys: kept.payloadKeys ?? `d1:${generateSecret(32)}`,
    twilioAccountSid:
      kept.twilioAccountSid ?? `AC${Buffer.from(generateSecret(16), 'base64url').toString('hex')}`,
    proofSigningKey:
      kept.proofSigningKey ?? `proof1:${Buffer.from(generateSecret(32), 'base64url').toString('base64')}`,
  };
  writeFileSync(file, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600 });
  return {
    apiToken: e.API_TOKEN ?? generated.apiToken,
    twilioAuthToken: e.TWILIO_AUTH_TOKEN ?? generated.twilioAuthToken,
    tokenKeys: e.TOKEN_KEYS ?? generated.tokenKeys,
    subjectPeppers: e.SUBJECT_PEPPERS ?? generated.subjectPeppers,
    vaultKey: e.VAULT_KEYS ?? e.VAULT_KEY ?? generated.vaultKey,
    dnsApiToken: e.DNS_API_TOKEN ?? generated.dnsApiToken,
    payloadKeys: generated.payloadKeys,
    twilioAccountSid: e.TWILIO_ACCOUNT_SID ?? generated.twilioAccountSid,
    proofSigningKey: generated.proofSigningKey,
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): StandaloneConfig {
  const e = parseEnv(StandaloneEnv, env);
  const edgeLimits: Record<string, string> = {};
  for (const name of EDGE_LIMIT_VARIABLES) {
    const v = env[name];
    if (v !== undefined && v !== '') edgeLimits[name] = v;
  }
  // Checked now, so a bad value stops `npm start` before anything starts.
  parseEnv(EdgeLimitsEnv, edgeLimits);
  const brandEnv: Record<string, string> = {};
  for (const name of BRAND_VARIABLES) {
    const v = env[name];
    if (v !== undefined) brandEnv[name] = v;
  }
  if (brandEnv.BRAND_FILE === undefined) brandEnv.BRAND_FILE = SEED_BRAND_FILE;
  const brand = loadBrand(brandEnv);
  const dataDir = resolve(e.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  return {
    dataDir,
    host: e.HOST,
    ports: {
      edge: e.EDGE_PORT,
      api: e.API_PORT,
      smtp: e.SMTP_PORT,
      ses: e.SES_PORT,
      twilio: e.TWILIO_PORT,
      ops: e.OPS_PORT,
    },
    ...(e.KAFKA_BROKERS ? { kafkaBrokers: e.KAFKA_BROKERS } : {}),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.PUBLIC_BASE_URL ? { publicBaseUrl: e.PUBLIC_BASE_URL } : {}),
    secrets: loadSecrets(dataDir, e),
    unsubscribeDomain: e.UNSUBSCRIBE_DOMAIN,
    abuseRecipients: e.ABUSE_RECIPIENTS,
    emailFrom: e.EMAIL_FROM ?? `${brand.name ?? 'Newsletter'} <news@shop.localhost>`,
    postalAddress: brand.postalAddress ?? '1 Example Street, Springfield, CA 90000, USA',
    brand,
    brandEnv,
    smsFrom: e.SMS_FROM,
    smsLanguages: e.SMS_KEYWORDS_FILE,
    logLevel: e.LOG_LEVEL,
    consumers: e.CONSUMERS === 'on',
    edgeLimits,
    ...(e.PROVIDER_SYNC === 'ses' ? { providerSync: 'ses' as const } : {}),
  };
}
