// The email sender's configuration: the only module that reads process.env (STYLE.md 8).
import { fileURLToPath } from 'node:url';
import { ConfigError, keyRing, loadBrand, parseEnv } from '@sp/config';
import { Topics } from '@sp/contracts';
import { senderConfig, senderEnv, senderTuning } from '@sp/delivery';
import { z } from 'zod';
import { defaultCfblAddress } from './compose';

const DEFAULT_TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url));

export const EmailSenderEnv = senderEnv({
  opsPort: 9465,
  clientId: 'sp-email-sender',
  groupId: 'email-sender',
  templatesDir: DEFAULT_TEMPLATES,
  pollIntervalMs: 5_000,
  concurrency: 16,
  sendRequestTopic: Topics.emailSendRequest,
  outcomeTopic: Topics.deliveryOutcome,
}).extend({
  /** Sealed-token keys "kid:secret,...", the first one seals (same ring as the edge, which opens them). */
  TOKEN_KEYS: keyRing,
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
  /**
   * The sender's postal address, shown in every marketing mail (CAN-SPAM 316.5, R-EM-7); else the
   * brand file's (BRAND_FILE, issue 13). One of the two is required.
   */
  POSTAL_ADDRESS: z.string().min(5).optional(),
  BRAND_FILE: z.string().optional(),
  /** RFC 9477: marketing mail names abuse@<CFBL_DOMAIN> as its CFBL-Address; default the From domain. */
  CFBL_DOMAIN: z.string().min(1).optional(),
});
export type EmailSenderEnv = z.infer<typeof EmailSenderEnv>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseEnv(EmailSenderEnv, env);
  const base = senderConfig(e, {
    sendRequestTopic: Topics.emailSendRequest,
    outcomeTopic: Topics.deliveryOutcome,
  });
  const brand = loadBrand(env);
  if (!brand.postalAddress || brand.postalAddress.length < 5) {
    throw new ConfigError(
      "Invalid configuration:\n  POSTAL_ADDRESS: marketing mail must carry a postal address (R-EM-7): set POSTAL_ADDRESS or the brand file's postalAddress",
    );
  }
  return {
    ...base,
    tokenKeys: e.TOKEN_KEYS,
    ses: {
      region: e.AWS_REGION,
      endpoint: e.SES_ENDPOINT,
      credentials:
        e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
          ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY }
          : undefined,
      configurationSet: e.SES_CONFIGURATION_SET,
    },
    settings: {
      ...senderTuning(e),
      topics: base.topics,
      defaultRegion: e.DEFAULT_REGION.toUpperCase(),
      from: e.EMAIL_FROM,
      publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      unsubscribeDomain: e.UNSUBSCRIBE_DOMAIN,
      postalAddress: brand.postalAddress,
      ...(brand.name ? { brandName: brand.name } : {}),
      cfblAddress: e.CFBL_DOMAIN ? `abuse@${e.CFBL_DOMAIN.toLowerCase()}` : defaultCfblAddress(e.EMAIL_FROM),
    },
  };
}
export type EmailSenderConfig = ReturnType<typeof loadConfig>;
