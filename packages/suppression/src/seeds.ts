// Seed addresses (issue 16): s-<partner>-<random>-<mac>@<seed domain>. The MAC (HMAC-SHA256 under the
// token key ring both the API and the abuse inbox hold) lets the inbox name the partner from the
// address alone, without a database, and a forger cannot mint a seed that frames another partner.
// Seeds never leave us readable: partners get them only hashed, inside their own file.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventTypes, SeedHitData, Topics } from '@sp/contracts';

export interface SeedKeys {
  currentKeyId: string;
  keys: Record<string, string>;
}

export const SEED_HIT_TYPE = EventTypes.seedHit;
export const SEED_HIT_TOPIC = Topics.seedHit;

/** The data of a `partner.seed-hit.v1` event (the contract lives in @sp/contracts' catalog). */
export const SeedHit = SeedHitData;
export type SeedHit = SeedHitData;

const mac = (secret: string, partnerId: string, nonce: string) =>
  createHmac('sha256', `partner-seed:${secret}`).update(`${partnerId}:${nonce}`).digest('hex').slice(0, 16);

export function newSeedAddress(keys: SeedKeys, partnerId: string, domain: string): string {
  const nonce = randomBytes(6).toString('hex');
  const secret = keys.keys[keys.currentKeyId]!;
  return `s-${partnerId}-${nonce}-${mac(secret, partnerId, nonce)}@${domain.toLowerCase()}`;
}

/** The partner a seed address was minted for, or null (not a seed of ours, or a forged one). */
export function seedPartnerOf(keys: SeedKeys, domain: string, address: string): string | null {
  const m = /^s-(p_[0-9a-f]{12})-([0-9a-f]{12})-([0-9a-f]{16})@(.+)$/.exec(address.trim().toLowerCase());
  if (!m || m[4] !== domain.toLowerCase()) return null;
  const given = Buffer.from(m[3]!, 'hex');
  for (const secret of Object.values(keys.keys)) {
    if (timingSafeEqual(given, Buffer.from(mac(secret, m[1]!, m[2]!), 'hex'))) return m[1]!;
  }
  return null;
}
