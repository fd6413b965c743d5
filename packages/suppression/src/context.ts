// The small bag of resources every verb of the list takes (STYLE.md 2): no singletons.
import type { Database } from '@sp/db';
import type { Keyer } from '@sp/identity';

export type { Keyer };

export interface SuppressionContext {
  db: Database;
  keyer: Keyer;
  /** AES-256-GCM key for the readable-address vault; without it no readable copy is kept. */
  vault?: { keyId: string; key: Buffer };
  /** Region for phone numbers written without a country code (e.g. 'US'). */
  defaultRegion?: string;
  clock?: () => Date;
  /** R-SMS-8 "revoke one, revoke all": an SMS opt-out revokes every SMS purpose. Default true. */
  revokeAllSms?: boolean;
  /** R-DNS-7: how long Do-Not-Sell request records are kept; never below 24 (clamped). Default 24. */
  dnsRetentionMonths?: number;
}

export const now = (ctx: SuppressionContext): Date => (ctx.clock ? ctx.clock() : new Date());
