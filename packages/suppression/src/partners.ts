// Partners (issue 16): the suppression file an affiliate downloads, the scrub of its send list, and
// the seeds that reveal a misused file. Readable addresses exist only in memory, one page at a
// time, never on disk or on the wire.
//
// Each partner's hash of a subject is computed once, from the vault, the first time a file or a
// scrub needs it, and kept in `partner_hashes` (hashed when needed rather than at suppression time:
// a new partner or key needs no backfill job, and rows exist only for partners that exist). Later
// files read the stored hashes without any vault open, and scrub becomes an indexed lookup
// (bench/partners.ts: the vault open and the insert of the hash cost about 8x a stored read). The
// price: for an md5/sha256 partner the stored hash is the plain hash that partner receives, a
// pseudonym at rest (README "Partners and affiliates"). An erasure stores every partner's hash
// before the readable copy goes, so the opt-out keeps reaching partners.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { newEnvelope } from '@sp/contracts';
import { schema } from '@sp/db';
import { toSubject } from '@sp/identity';
import { and, desc, eq, sql } from 'drizzle-orm';
import { apply } from './apply';
import { now, type SuppressionContext } from './context';
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

/** The list's watermark: the newest state write, in microseconds (an index lookup). */
export async function listWatermark(ctx: SuppressionContext): Promise<string> {
  const [r] = rowsOf(
    await ctx.db.execute(
      sql`select coalesce((extract(epoch from max(updated_at)) * 1000000)::bigint, 0)::text as wm from suppression_state`,
    ),
  );
  return String(r!.wm);
}

/**
 * The state of the list a file is cut from: its watermark (microseconds) and what the ETag is made
 * of. Anything that can change a file's lines changes one of these: a state row written or
 * rewritten (`updated_at`, count), a readable copy erased or added (vault count: an erased subject
 * that never had its hash stored leaves the file), a seed added.
 */
export async function fileBasis(
  ctx: SuppressionContext,
  partnerId: string,
): Promise<{ watermark: string; states: number; vault: number; seeds: number }> {
  const [r] = rowsOf(
    await ctx.db.execute(sql`
      select coalesce((extract(epoch from max(updated_at)) * 1000000)::bigint, 0)::text as wm,
             count(*)::int as n,
             (select count(*)::int from subject_vault where subject_type = 'email') as vault,
             (select count(*)::int from partner_seeds where partner_id = ${partnerId}) as seeds
        from suppression_state`),
  );
  return {
    watermark: String(r!.wm),
    states: Number(r!.n),
    vault: Number(r!.vault),
    seeds: Number(r!.seeds),
  };
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
  /** Subjects per page (one pair of indexed queries each). */
  pageSize?: number;
}

/**
 * The subjects of a page (`after` < key <= `upto`, or a list of keys) that a partner's file holds:
 * per (channel, purpose) among topic T and '*', the newest entry decides, suppression on ties (as
 * check and apply rank); suppressed for one of the partner's topics; not a seed. With the
 * partner's stored hash (hex) when it has one.
 */
function pageQuery(
  partner: PartnerAuth,
  range: { after: string; upto: string } | { keys: string[] },
  from: string | null,
) {
  const where =
    'keys' in range
      ? sql`s.subject_key in (select jsonb_array_elements_text(${JSON.stringify(range.keys)}::jsonb))`
      : sql`s.subject_key > ${range.after} and s.subject_key <= ${range.upto}`;
  // array[$1, $2, ...]: the planner sees how many topics there are (a jsonb set looked like 100).
  return sql`
    select k.subject_key, encode(h.hash, 'hex') as hash
      from (select d.subject_key, max(d.upd) as upd
              from (select distinct on (s.subject_key, s.channel, s.purpose, t.topic)
                           s.subject_key, s.suppressed,
                           (extract(epoch from s.updated_at) * 1000000)::bigint as upd
                      from suppression_state s
                      cross join unnest(array[${partner.topics}]::text[]) as t(topic)
                     where ${where}
                       and s.channel in ('email', 'any') and s.purpose in ('marketing', 'all')
                       and s.topic in (t.topic, '*')
                     order by s.subject_key, s.channel, s.purpose, t.topic,
                              s.occurred_at desc, s.suppressed desc, s.event_id desc) d
             where d.suppressed
             group by d.subject_key) k
      left join partner_hashes h on h.partner_id = ${partner.id} and h.subject_key = k.subject_key
     where not exists (select 1 from partner_seeds p where p.subject_key = k.subject_key)
       and (${from}::bigint is null or k.upd > ${from}::bigint)
     order by k.subject_key`;
}

/**
 * Runs a page query without JIT compilation or parallel workers: the scope rule's estimates are
 * poor (a few hundred rows guessed for thousands), and JIT plus worker start-up cost more than the
 * query itself on a page (about 5x measured, bench/partners.ts).
 */
async function pageRows(ctx: SuppressionContext, query: ReturnType<typeof pageQuery>) {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    return rowsOf(await tx.execute(query));
  });
}

/**
 * The hex hashes of a page's subjects, hashing from the vault (and storing, for the next file and
 * for scrub) those without a stored hash yet. Subjects with neither a stored hash nor a readable
 * email copy under the current vault key (erased before any pass, sealed under a retired key, not
 * an email subject) cannot be hashed: counted in `unhashable`.
 */
async function hashPage(
  ctx: SuppressionContext,
  partner: PartnerAuth,
  rows: Record<string, unknown>[],
  counts: { rows: number; unhashable: number },
  onHash: (hex: string) => void,
  range?: { after: string; upto: string },
): Promise<void> {
  const missing = rows
    .filter((r) => r.hash === null || r.hash === undefined)
    .map((r) => String(r.subject_key));
  const fresh = new Map<string, string>();
  if (missing.length > 0) {
    const vault = ctx.vault;
    // A page's copies by key range (an index range scan); a list of keys when there is no range.
    const which =
      range && missing.length > 100
        ? sql`subject_key > ${range.after} and subject_key <= ${range.upto}`
        : sql`subject_key in (select jsonb_array_elements_text(${JSON.stringify(missing)}::jsonb))`;
    const copies = vault
      ? rowsOf(
          await ctx.db.execute(sql`
            select subject_key, ciphertext from subject_vault
             where subject_type = 'email' and key_id = ${vault.keyId} and ${which}`),
        )
      : [];
    const wanted = new Set(missing);
    for (const c of copies) {
      const key = String(c.subject_key);
      if (!wanted.has(key)) continue;
      const address = openAddress(vault!.key, key, String(c.ciphertext));
      fresh.set(key, partnerHash(partner.hashFormat, address, partner.hmacKey));
    }
    if (fresh.size > 0) await storeHashes(ctx, partner.id, [...fresh]);
  }
  for (const r of rows) {
    const hex = r.hash === null || r.hash === undefined ? fresh.get(String(r.subject_key)) : String(r.hash);
    if (hex === undefined) counts.unhashable++;
    else onHash(hex);
  }
}

// Two text arrays (PostgreSQL array literals: subject keys and hex hashes never hold quotes,
// backslashes or commas), ordered by key: much cheaper to insert than a jsonb document of pairs.
async function storeHashes(ctx: SuppressionContext, partnerId: string, pairs: [string, string][]) {
  const sorted = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const keys = `{${sorted.map(([k]) => `"${k}"`).join(',')}}`;
  const hashes = `{${sorted.map(([, h]) => h).join(',')}}`;
  await ctx.db.execute(sql`
    insert into partner_hashes (partner_id, subject_key, hash)
    select ${partnerId}, k, decode(h, 'hex') from unnest(${keys}::text[], ${hashes}::text[]) as u(k, h)
    on conflict do nothing`);
}

/**
 * Yields the partner's hashes, one per suppressed subject of its scope, then its own seeds (see
 * pageQuery for the scope). A subject is hashed from the vault the first time a file or a scrub
 * needs it, and its hash is kept in `partner_hashes`: later files are read from there, without a
 * vault open. Subjects that are neither hashed yet nor readable under the current vault key (erased
 * before any file, or sealed under a retired key) cannot be hashed and are counted in `unhashable`.
 */
export async function* partnerFile(
  ctx: SuppressionContext,
  partner: PartnerAuth,
  opts: FileOptions,
  counts: { rows: number; unhashable: number } = { rows: 0, unhashable: 0 },
): AsyncGenerator<string> {
  const pageSize = opts.pageSize ?? 20_000;
  const since = opts.since ?? null;
  const from = since === null ? null : String(BigInt(since) - BigInt(opts.sinceOverlapMs ?? 0) * 1000n);
  // A full file hashes every subject it holds: once it is out, the partner's stored hashes are
  // complete up to the watermark read before it started (scrub then only hashes what came after).
  const startedAt = now(ctx);
  const startWm = since === null ? await listWatermark(ctx) : null;
  let after = '';
  for (;;) {
    // The page's last key, cut on a key boundary (all scope rows of a subject are in one page).
    const bounds = rowsOf(
      await ctx.db.execute(sql`
        select max(subject_key) as upto from (
          select subject_key from suppression_state
           where subject_key > ${after} order by subject_key limit ${pageSize}) b`),
    );
    const upto = bounds[0]?.upto;
    if (upto === null || upto === undefined) break;
    const rows = await pageRows(ctx, pageQuery(partner, { after, upto: String(upto) }, from));
    let page = '';
    await hashPage(
      ctx,
      partner,
      rows,
      counts,
      (hex) => {
        page += `${hex}\n`;
        counts.rows++;
      },
      { after, upto: String(upto) },
    );
    if (page) yield page;
    after = String(upto);
  }
  let tail = '';
  for (const hex of await seedHashes(ctx, partner, from)) {
    tail += `${hex}\n`;
    counts.rows++;
  }
  if (tail) yield tail;
  if (startWm !== null) await markHashed(ctx, partner.id, startWm, startedAt);
}

/**
 * Records that every subject written up to `watermark` has its hash. A row may commit after the
 * pass although its `updated_at` is older (the applying process's clock is read before commit):
 * the mark is never later than the pass's start minus `HASH_OVERLAP_MS`, so the next sync looks
 * at those rows again. On a quiet list the mark is the watermark itself and a sync re-reads
 * nothing (a fixed overlap behind the watermark re-read a whole bulk import on every scrub).
 */
async function markHashed(ctx: SuppressionContext, partnerId: string, watermark: string, startedAt: Date) {
  const safe = BigInt(startedAt.getTime() - HASH_OVERLAP_MS) * 1000n;
  const mark = BigInt(watermark) < safe ? watermark : String(safe);
  await ctx.db.execute(sql`
    update partners set hashed_upto = greatest(coalesce(hashed_upto, 0), ${mark}::bigint)
     where id = ${partnerId}`);
}

const HASH_OVERLAP_MS = 120_000;

/** The partner's own seeds, hashed (created after `from`, when given). */
async function seedHashes(ctx: SuppressionContext, partner: PartnerAuth, from: string | null) {
  const seeds = await ctx.db
    .select({ address: schema.partnerSeeds.address })
    .from(schema.partnerSeeds)
    .where(
      from === null
        ? eq(schema.partnerSeeds.partnerId, partner.id)
        : and(
            eq(schema.partnerSeeds.partnerId, partner.id),
            sql`(extract(epoch from ${schema.partnerSeeds.createdAt}) * 1000000)::bigint > ${from}::bigint`,
          ),
    );
  return seeds.map((s) => partnerHash(partner.hashFormat, s.address, partner.hmacKey));
}

/**
 * Makes the partner's stored hashes complete: every subject whose list entry changed since the
 * last complete pass (see markHashed for rows committed late) and that has no hash yet is
 * hashed from the vault. Before the first file of a partner this is a whole pass over the list.
 */
export async function syncPartnerHashes(
  ctx: SuppressionContext,
  partner: PartnerAuth,
  opts: { pageSize?: number } = {},
): Promise<{ hashed: number; unhashable: number }> {
  const [p] = rowsOf(
    await ctx.db.execute(sql`select hashed_upto::text as upto from partners where id = ${partner.id}`),
  );
  const startedAt = now(ctx);
  const startWm = await listWatermark(ctx);
  const upto = p?.upto === null || p?.upto === undefined ? null : String(p.upto);
  const from = upto;
  const counts = { rows: 0, unhashable: 0 };
  if (from === null) {
    for await (const _ of partnerFile(ctx, partner, { pageSize: opts.pageSize ?? 20_000 }, counts)) {
      // the pass stores the hashes; the lines themselves are not needed
    }
    return { hashed: counts.rows, unhashable: counts.unhashable };
  }
  // Only subjects written since: their keys, then the same page query over just those keys.
  const changed = rowsOf(
    await ctx.db.execute(sql`
      select distinct s.subject_key from suppression_state s
       where s.updated_at > to_timestamp(${from}::bigint / 1000000.0) and s.suppressed
         and s.channel in ('email', 'any') and s.purpose in ('marketing', 'all')
         and not exists (select 1 from partner_hashes h
                          where h.partner_id = ${partner.id} and h.subject_key = s.subject_key)`),
  ).map((r) => String(r.subject_key));
  const size = opts.pageSize ?? 20_000;
  for (let i = 0; i < changed.length; i += size) {
    const rows = await pageRows(ctx, pageQuery(partner, { keys: changed.slice(i, i + size) }, null));
    await hashPage(ctx, partner, rows, counts, () => {
      counts.rows++;
    });
  }
  await markHashed(ctx, partner.id, startWm, startedAt);
  return { hashed: counts.rows, unhashable: counts.unhashable };
}

/**
 * Scrub: which of the partner's hashes are in its file (their order kept, duplicates once). An
 * indexed lookup in the partner's stored hashes (after hashing what was suppressed since the last
 * pass), then the file's own scope rule on just the subjects found.
 */
export async function scrubHashes(
  ctx: SuppressionContext,
  partner: PartnerAuth,
  hashes: string[],
): Promise<{ remove: string[]; watermark: string }> {
  const watermark = await listWatermark(ctx);
  await syncPartnerHashes(ctx, partner);
  const wanted = [...new Set(hashes.map((h) => h.toLowerCase()))];
  const found = new Set<string>();
  const matched = rowsOf(
    await ctx.db.execute(sql`
      select h.subject_key from partner_hashes h
       where h.partner_id = ${partner.id}
         and h.hash in (select decode(x, 'hex') from jsonb_array_elements_text(${JSON.stringify(wanted)}::jsonb) x)`),
  ).map((r) => String(r.subject_key));
  if (matched.length > 0) {
    const rows = await pageRows(ctx, pageQuery(partner, { keys: matched }, null));
    await hashPage(ctx, partner, rows, { rows: 0, unhashable: 0 }, (hex) => found.add(hex));
  }
  for (const hex of await seedHashes(ctx, partner, null)) found.add(hex);
  return { remove: wanted.filter((h) => found.has(h)), watermark };
}

/**
 * Before an erasure deletes readable copies: every partner's hash of them is stored, so the
 * subjects stay in partners' files (the opt-out must keep reaching them, CAN-SPAM 7704(a)(4)).
 */
export async function keepPartnerHashes(ctx: SuppressionContext, subjectKeys: string[]): Promise<void> {
  if (!ctx.vault || subjectKeys.length === 0) return;
  const vault = ctx.vault;
  const copies = rowsOf(
    await ctx.db.execute(sql`
      select subject_key, ciphertext from subject_vault
       where subject_type = 'email' and key_id = ${vault.keyId}
         and subject_key in (select jsonb_array_elements_text(${JSON.stringify(subjectKeys)}::jsonb))`),
  );
  if (copies.length === 0) return;
  const all = await ctx.db.select().from(schema.partners);
  for (const p of all) {
    const key = p.hmacKey ? Buffer.from(p.hmacKey, 'base64') : null;
    const pairs = copies.map((c): [string, string] => [
      String(c.subject_key),
      partnerHash(
        p.hashFormat as HashFormat,
        openAddress(vault.key, String(c.subject_key), String(c.ciphertext)),
        key,
      ),
    ]);
    await storeHashes(ctx, p.id, pairs);
  }
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
