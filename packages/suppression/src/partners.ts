// Partners (issue 16): the suppression file an affiliate downloads, the scrub of its send list, and
// the seeds that reveal a misused file. Files are hashed from the vault WHILE streaming: readable
// addresses exist only in memory, one page at a time, and never on disk or on the wire.
//
// Why hash on download rather than store each partner's hashes at suppression time: a stored hash
// per (subject, partner) would multiply the list by the number of partners, need a backfill for
// every new partner or key rotation, and a plain MD5 column is itself a joinable copy of the list at
// rest. Hashing on download costs one AES-GCM open and one hash per row (see bench/partners), and an
// erased address (vault row gone) drops out of every file at once.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { newEnvelope } from '@sp/contracts';
import { schema } from '@sp/db';
import { toSubject } from '@sp/identity';
import { and, desc, eq, sql } from 'drizzle-orm';
import { apply } from './apply';
import type { SuppressionContext } from './context';
import type { AdminAction } from './events';
import { newSeedAddress, type SeedKeys } from './seeds';
import { openAddress } from './vault';

export type HashFormat = 'md5' | 'sha256' | 'hmac-sha256';
export const HASH_FORMATS = ['md5', 'sha256', 'hmac-sha256'] as const;

export interface Partner {
  id: string;
  name: string;
  contact: string;
  hashFormat: HashFormat;
  topics: string[];
  createdAt: Date;
  lastDownloadAt: Date | null;
  flaggedAt: Date | null;
}

/** What the brand learns once, at creation: the token and (keyed files) the HMAC key are not shown again. */
export interface NewPartner {
  partner: Partner;
  token: string;
  hmacKey: string | null;
  seeds: string[];
}

export const tokenDigest = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The hash a partner's tools compute for an address: of the trimmed, lower-cased address. */
export function partnerHash(format: HashFormat, address: string, hmacKey?: Buffer | null): string {
  const v = address.trim().toLowerCase();
  if (format === 'hmac-sha256') {
    if (!hmacKey) throw new Error('a keyed file needs its partner key');
    return createHmac('sha256', hmacKey).update(v).digest('hex');
  }
  return createHash(format).update(v).digest('hex');
}

export const hashLength = (format: HashFormat): number => (format === 'md5' ? 32 : 64);

function toPartner(r: typeof schema.partners.$inferSelect): Partner {
  return {
    id: r.id,
    name: r.name,
    contact: r.contact,
    hashFormat: r.hashFormat as HashFormat,
    topics: r.topics,
    createdAt: r.createdAt,
    lastDownloadAt: r.lastDownloadAt,
    flaggedAt: r.flaggedAt,
  };
}

/**
 * Registers a partner with its token, key and seeds. Each seed is suppressed on email/all (an admin
 * event in the ledger), so our own senders never mail it, not even transactional mail.
 */
export async function createPartner(
  ctx: SuppressionContext,
  input: {
    name: string;
    contact: string;
    hashFormat: HashFormat;
    topics: string[];
    seeds: number;
    seedDomain: string;
    /** The key ring the seeds' MAC is made with (the abuse inbox verifies it). */
    seedKeys: SeedKeys;
    actor: string;
  },
): Promise<NewPartner> {
  const id = `p_${randomBytes(6).toString('hex')}`;
  const token = `ptn_${randomBytes(24).toString('base64url')}`;
  const hmacKey = input.hashFormat === 'hmac-sha256' ? randomBytes(32).toString('base64') : null;
  const seeds = Array.from({ length: input.seeds }, () =>
    newSeedAddress(input.seedKeys, id, input.seedDomain),
  );
  const at = ctx.clock ? ctx.clock() : new Date();
  const events = seeds.map(
    (address) =>
      newEnvelope(
        'suppression.admin.v1',
        'suppression-api/partners',
        {
          subject: { type: 'email', value: address },
          action: 'suppress',
          channel: 'email',
          purpose: 'all',
          topic: '*',
          actor: input.actor,
          reason: `seed of partner ${id}`,
        },
        { occurredAt: at.toISOString() },
      ) as AdminAction,
  );
  const [row] = await ctx.db
    .insert(schema.partners)
    .values({
      id,
      name: input.name,
      contact: input.contact,
      tokenDigest: tokenDigest(token),
      hashFormat: input.hashFormat,
      hmacKey,
      topics: input.topics.length > 0 ? input.topics : ['*'],
    })
    .returning();
  if (seeds.length > 0) {
    // The seed rows first: a seed is left out of other partners' files from the moment it is suppressed.
    await ctx.db.insert(schema.partnerSeeds).values(
      seeds.map((address) => ({
        address,
        partnerId: id,
        subjectKey: ctx.keyer.keyOf(toSubject('email', address)),
      })),
    );
    await apply(ctx, events);
  }
  return { partner: toPartner(row!), token, hmacKey, seeds };
}

export async function listPartners(ctx: SuppressionContext): Promise<Partner[]> {
  const rows = await ctx.db.select().from(schema.partners).orderBy(schema.partners.createdAt);
  return rows.map(toPartner);
}

export async function partnerSeeds(ctx: SuppressionContext, partnerId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ address: schema.partnerSeeds.address })
    .from(schema.partnerSeeds)
    .where(eq(schema.partnerSeeds.partnerId, partnerId));
  return rows.map((r) => r.address);
}

export interface PartnerAuth extends Partner {
  hmacKey: Buffer | null;
}

export async function partnerByToken(ctx: SuppressionContext, token: string): Promise<PartnerAuth | null> {
  const [r] = await ctx.db
    .select()
    .from(schema.partners)
    .where(eq(schema.partners.tokenDigest, tokenDigest(token)));
  if (!r) return null;
  return { ...toPartner(r), hmacKey: r.hmacKey ? Buffer.from(r.hmacKey, 'base64') : null };
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}

/** The state of the list a file is cut from: its watermark (microseconds) and a cheap identity for ETags. */
export async function fileBasis(
  ctx: SuppressionContext,
  partnerId: string,
): Promise<{ watermark: string; states: number; seeds: number }> {
  const [r] = rowsOf(
    await ctx.db.execute(sql`
      select coalesce((extract(epoch from max(updated_at)) * 1000000)::bigint, 0)::text as wm,
             count(*)::int as n,
             (select count(*)::int from partner_seeds where partner_id = ${partnerId}) as seeds
        from suppression_state`),
  );
  return { watermark: String(r!.wm), states: Number(r!.n), seeds: Number(r!.seeds) };
}

export interface FileOptions {
  /** A previous file's watermark: only subjects whose deciding entry changed after it. */
  since?: string;
  /**
   * How far before `since` a delta starts again. `updated_at` is the applying process's clock,
   * taken before its transaction commits: a row may become visible after a file whose watermark
   * is already past it. Repeating the last moments (a few lines the partner already has) is
   * what keeps such an opt-out from being missed by every delta.
   */
  sinceOverlapMs?: number;
  pageSize?: number;
}

/**
 * Yields the partner's hashes, one per suppressed subject of its scope, then its own seeds. A
 * subject is in the file when `check(email, marketing, topic)` refuses it for one of the partner's
 * topics: per (channel, purpose) among topic T and '*', the newest entry decides, suppression on
 * ties (as check and apply rank). Other partners' seeds are left out; subjects without a readable
 * copy under the current vault key cannot be hashed and are counted in `unhashable`.
 */
export async function* partnerFile(
  ctx: SuppressionContext,
  partner: PartnerAuth,
  opts: FileOptions,
  counts: { rows: number; unhashable: number } = { rows: 0, unhashable: 0 },
): AsyncGenerator<string> {
  const vault = ctx.vault;
  if (!vault) throw new Error('partner files need the vault key (VAULT_KEYS)');
  const pageSize = opts.pageSize ?? 5000;
  const since = opts.since ?? null;
  const from = since === null ? null : String(BigInt(since) - BigInt(opts.sinceOverlapMs ?? 0) * 1000n);
  let after = '';
  for (;;) {
    const bounds = rowsOf(
      await ctx.db.execute(sql`
        select max(subject_key) as upto, count(*)::int as n from (
          select distinct subject_key from suppression_state
           where subject_key > ${after} order by subject_key limit ${pageSize}) b`),
    );
    const upto = bounds[0]?.upto;
    if (upto === null || upto === undefined) break;
    const rows = rowsOf(
      await ctx.db.execute(sql`
        select k.subject_key, v.ciphertext, v.key_id
          from (select d.subject_key, max(d.upd) as upd
                  from (select distinct on (s.subject_key, s.channel, s.purpose, t.topic)
                               s.subject_key, s.suppressed,
                               (extract(epoch from s.updated_at) * 1000000)::bigint as upd
                          from suppression_state s
                          cross join jsonb_array_elements_text(${JSON.stringify(partner.topics)}::jsonb) as t(topic)
                         where s.subject_key > ${after} and s.subject_key <= ${String(upto)}
                           and s.channel in ('email', 'any') and s.purpose in ('marketing', 'all')
                           and s.topic in (t.topic, '*')
                         order by s.subject_key, s.channel, s.purpose, t.topic,
                                  s.occurred_at desc, s.suppressed desc, s.event_id desc) d
                 where d.suppressed
                 group by d.subject_key) k
          join subject_vault v on v.subject_key = k.subject_key and v.subject_type = 'email'
         where not exists (select 1 from partner_seeds p where p.subject_key = k.subject_key)
           and (${from}::bigint is null or k.upd > ${from}::bigint)
         order by k.subject_key`),
    );
    let page = '';
    for (const r of rows) {
      if (r.key_id !== vault.keyId) {
        counts.unhashable++;
        continue;
      }
      const address = openAddress(vault.key, String(r.subject_key), String(r.ciphertext));
      page += `${partnerHash(partner.hashFormat, address, partner.hmacKey)}\n`;
      counts.rows++;
    }
    if (page) yield page;
    after = String(upto);
  }
  const seeds = await ctx.db
    .select({ address: schema.partnerSeeds.address })
    .from(schema.partnerSeeds)
    .where(
      since === null
        ? eq(schema.partnerSeeds.partnerId, partner.id)
        : and(
            eq(schema.partnerSeeds.partnerId, partner.id),
            sql`(extract(epoch from ${schema.partnerSeeds.createdAt}) * 1000000)::bigint > ${from}::bigint`,
          ),
    );
  let tail = '';
  for (const s of seeds) {
    tail += `${partnerHash(partner.hashFormat, s.address, partner.hmacKey)}\n`;
    counts.rows++;
  }
  if (tail) yield tail;
}

/** Scrub: which of the partner's hashes are in its file (their order kept, duplicates once). */
export async function scrubHashes(
  ctx: SuppressionContext,
  partner: PartnerAuth,
  hashes: string[],
): Promise<{ remove: string[]; watermark: string }> {
  const wanted = new Set(hashes.map((h) => h.toLowerCase()));
  const found = new Set<string>();
  const { watermark } = await fileBasis(ctx, partner.id);
  for await (const chunk of partnerFile(ctx, partner, {})) {
    for (const h of chunk.split('\n')) if (h && wanted.has(h)) found.add(h);
  }
  return { remove: [...wanted].filter((h) => found.has(h)), watermark };
}

export async function recordPartnerAccess(
  ctx: SuppressionContext,
  a: {
    partnerId: string;
    kind: 'file' | 'delta' | 'scrub';
    watermark: string | null;
    since: string | null;
    rows: number;
    received?: number;
    at: Date;
  },
): Promise<void> {
  await ctx.db.insert(schema.partnerAccess).values({
    partnerId: a.partnerId,
    kind: a.kind,
    at: a.at,
    watermark: a.watermark,
    since: a.since,
    rows: a.rows,
    received: a.received ?? null,
  });
  if (a.kind !== 'scrub') {
    await ctx.db
      .update(schema.partners)
      .set({ lastDownloadAt: a.at })
      .where(eq(schema.partners.id, a.partnerId));
  }
}

export async function partnerAccessLog(ctx: SuppressionContext, partnerId: string, limit = 100) {
  return ctx.db
    .select()
    .from(schema.partnerAccess)
    .where(eq(schema.partnerAccess.partnerId, partnerId))
    .orderBy(desc(schema.partnerAccess.id))
    .limit(limit);
}

/** Stale: never downloaded, or last download older than `maxAgeDays`. */
export function isStale(p: Partner, now: Date, maxAgeDays: number): boolean {
  return !p.lastDownloadAt || now.getTime() - p.lastDownloadAt.getTime() > maxAgeDays * 86_400_000;
}

/** The partner whose seed this address is, or null. */
export async function seedOwner(
  ctx: Pick<SuppressionContext, 'db'>,
  address: string,
): Promise<string | null> {
  const [r] = await ctx.db
    .select({ partnerId: schema.partnerSeeds.partnerId })
    .from(schema.partnerSeeds)
    .where(eq(schema.partnerSeeds.address, address.trim().toLowerCase()));
  return r?.partnerId ?? null;
}

/** Records a `partner.seed-hit.v1` (idempotent by event id) and flags the partner it names. */
export async function recordSeedHit(
  ctx: Pick<SuppressionContext, 'db'>,
  hit: {
    eventId: string;
    partnerId: string;
    seed: string;
    source: string;
    messageId: string | null;
    at: Date;
  },
): Promise<void> {
  await ctx.db
    .insert(schema.partnerSeedHits)
    .values({
      eventId: hit.eventId,
      partnerId: hit.partnerId,
      seedAddress: hit.seed.trim().toLowerCase(),
      source: hit.source,
      messageId: hit.messageId,
      receivedAt: hit.at,
    })
    .onConflictDoNothing();
  await ctx.db
    .update(schema.partners)
    .set({ flaggedAt: hit.at })
    .where(eq(schema.partners.id, hit.partnerId));
}
