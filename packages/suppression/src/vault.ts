// The encrypted copy of readable addresses (AES-256-GCM, bound to its subject key), kept apart from
// the list so an erasure request removes it while the opt-out keeps working.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { schema } from '@sp/db';
import { eq, inArray } from 'drizzle-orm';
import type { SuppressionContext } from './context';
import { keepPartnerHashes } from './partners';
import { resolveSubject, type SubjectInput } from './subjects';

/** `iv`: 12 random bytes of the caller's (a bulk import draws them many at a time). */
export function sealAddress(key: Buffer, subjectKey: string, value: string, iv = randomBytes(12)): string {
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(subjectKey));
  const ct = Buffer.concat([c.update(value, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
}

export function openAddress(key: Buffer, subjectKey: string, sealed: string): string {
  const buf = Buffer.from(sealed, 'base64');
  const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
  d.setAAD(Buffer.from(subjectKey));
  d.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
}

/** The readable address kept for a subject key, or null (erased, never kept, or another vault key). */
export async function revealAddress(ctx: SuppressionContext, subjectKey: string): Promise<string | null> {
  if (!ctx.vault) return null;
  const [row] = await ctx.db
    .select()
    .from(schema.subjectVault)
    .where(eq(schema.subjectVault.subjectKey, subjectKey));
  if (!row || row.keyId !== ctx.vault.keyId) return null;
  return openAddress(ctx.vault.key, subjectKey, row.ciphertext);
}

/**
 * Erasure: deletes the readable copy under every pepper's key; the list entries (keys only) stay,
 * and so do partners' hashes of the address (stored first), so the opt-out keeps reaching them.
 */
export async function eraseAddress(ctx: SuppressionContext, subject: SubjectInput): Promise<void> {
  const { keys } = resolveSubject(ctx, subject);
  await keepPartnerHashes(ctx, keys);
  await ctx.db.delete(schema.subjectVault).where(inArray(schema.subjectVault.subjectKey, keys));
}
