// Benchmark of partner suppression files and scrub (issue 16) on a real PostgreSQL, each beside a
// raw baseline of the same work in the same run: the file against a COPY of the key column and
// node:crypto MD5 of the same count; scrub against a Set lookup of the same hashes.
// Run: pnpm --filter @sp/bench run partners  [BENCH_SUBJECTS=10000000] [BENCH_COLD_SUBJECTS=200000]
// Two parts, each on a fresh database; loading is not part of the figures.
// 1. The first pass of a partner (cold: every subject opened from the vault, hashed, its hash
//    stored) and the file after it, on BENCH_COLD_SUBJECTS subjects: keys and sealed copies made in
//    node and streamed with COPY FROM STDIN, state rows from one INSERT ... SELECT over the vault.
// 2. BENCH_SUBJECTS subjects whose partner hashes are stored, generated set-based in SQL (one
//    INSERT ... SELECT FROM generate_series each for suppression_state and partner_hashes; the
//    hash is PostgreSQL's md5() of the same address node hashes): the file, scrub, baselines.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { createDb, migrateDb } from '@sp/db';
import { createKeyer, toSubject } from '@sp/identity';
import {
  apply,
  createPartner,
  fileBasis,
  listWatermark,
  type PartnerAuth,
  partnerByToken,
  partnerFile,
  type SuppressionContext,
  scrubHashes,
  sealAddress,
} from '@sp/suppression';
import { createFreshDatabase } from '@sp/testing';
import postgres from 'postgres';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const total = Number(process.env.BENCH_SUBJECTS ?? 10_000_000);
const coldTotal = Number(process.env.BENCH_COLD_SUBJECTS ?? 200_000);
const scrubCalls = Number(process.env.BENCH_SCRUB_CALLS ?? 20);

const log = (m: string) => console.error(`[${new Date().toISOString()}] ${m}`);
let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const mib = (n: number) => Math.round(n / 2 ** 20);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (t: number) => (performance.now() - t) / 1000;
const email = (i: number) => `bench-${i}@list.example`;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

async function withDatabase<T>(
  fn: (ctx: SuppressionContext, raw: postgres.Sql, url: string) => Promise<T>,
): Promise<T> {
  const fresh = await createFreshDatabase(serverUrl, 'sp_bench_partners');
  const h = await createDb({ url: fresh.url, max: 4 });
  const raw = postgres(fresh.url, { max: 1, onnotice: () => {} });
  try {
    await migrateDb(h);
    const ctx: SuppressionContext = {
      db: h.db,
      keyer: createKeyer({ peppers: { b1: randomBytes(32).toString('hex') }, currentKeyId: 'b1' }),
      vault: { keyId: 'v1', key: randomBytes(32) },
      defaultRegion: 'US',
    };
    return await fn(ctx, raw, fresh.url);
  } finally {
    await raw.end({ timeout: 5 });
    await h.close();
    await fresh.drop();
  }
}

async function newPartner(ctx: SuppressionContext): Promise<PartnerAuth> {
  const made = await createPartner(ctx, {
    name: 'bench',
    contact: 'bench@partner.example',
    hashFormat: 'md5',
    topics: ['*'],
    seeds: 3,
    seedDomain: 'seeds.bench.example',
    seedKeys: { currentKeyId: 't1', keys: { t1: randomBytes(32).toString('hex') } },
    actor: 'bench',
  });
  return (await partnerByToken(ctx, made.token))!;
}

/** A file streamed and counted (nothing kept), with the process's peak RSS while it streamed. */
async function oneFile(ctx: SuppressionContext, partner: PartnerAuth) {
  const rssBefore = process.memoryUsage().rss;
  peak = rssBefore;
  const counts = { rows: 0, unhashable: 0 };
  let bytes = 0;
  const t0 = performance.now();
  for await (const chunk of partnerFile(ctx, partner, {}, counts)) {
    bytes += Buffer.byteLength(chunk);
    sample();
  }
  const s = seconds(t0);
  return {
    rows: counts.rows,
    unhashable: counts.unhashable,
    seconds: s.toFixed(1),
    rowsPerSecond: fmt(counts.rows / s),
    bytes,
    peakRssMiB: mib(peak),
    rssBeforeMiB: mib(rssBefore),
  };
}

/** node:crypto MD5 (hex) of `n` addresses: no database, no vault. */
function md5Baseline(n: number) {
  const t = performance.now();
  let x = 0;
  for (let i = 0; i < n; i++) x ^= md5(email(i)).charCodeAt(0);
  const s = seconds(t);
  return { seconds: s.toFixed(1), hashesPerSecond: fmt(n / s), x };
}

/** COPY of the key column, bytes read and dropped (a client of its own: postgres.js left the
 * connection unusable after a COPY TO readable). */
async function copyBaseline(url: string, n: number) {
  const copier = postgres(url, { max: 1, onnotice: () => {} });
  const t = performance.now();
  let bytes = 0;
  const copy =
    await copier`copy (select subject_key from suppression_state where suppressed) to stdout`.readable();
  for await (const c of copy) bytes += (c as Buffer).length;
  const s = seconds(t);
  void copier.end({ timeout: 1 });
  return { seconds: s.toFixed(1), rowsPerSecond: fmt(n / s), bytes };
}

// Part 1: a partner's first pass (vault open + hash + store per subject), then the file after it.
const cold = await withDatabase(async (ctx, raw, url) => {
  const sink =
    await raw`copy subject_vault (subject_key, subject_type, ciphertext, key_id) from stdin`.writable();
  for (let from = 0; from < coldTotal; from += 10_000) {
    let chunk = '';
    for (let i = from; i < Math.min(coldTotal, from + 10_000); i++) {
      const k = ctx.keyer.keyOf(toSubject('email', email(i)));
      chunk += `${k}\temail\t${sealAddress(ctx.vault!.key, k, email(i))}\tv1\n`;
    }
    if (!sink.write(chunk)) await new Promise((r) => sink.once('drain', r));
  }
  await new Promise<void>((resolve, reject) => {
    sink.once('finish', resolve);
    sink.once('error', reject);
    sink.end();
  });
  await raw`insert into suppression_state (subject_key, channel, purpose, topic, suppressed, reason, event_id, source, occurred_at, since)
    select subject_key, 'email', 'marketing', '*', true, 'unsubscribe', '00000000-0000-4000-8000-000000000000'::uuid, 'bench', now(), now()
      from subject_vault`;
  await raw`vacuum analyze`;
  const partner = await newPartner(ctx);
  const first = await oneFile(ctx, partner);
  log(`cold: first file ${JSON.stringify(first)}`);
  await raw`vacuum analyze partner_hashes`;
  const second = await oneFile(ctx, partner);
  log(`cold: second file ${JSON.stringify(second)}`);
  return {
    subjects: coldTotal,
    firstFile: first,
    secondFile: second,
    baselineCopyKeys: await copyBaseline(url, coldTotal),
    baselineMd5: md5Baseline(first.rows),
  };
});

// Part 2: the big list, partner hashes stored, generated set-based.
const big = await withDatabase(async (ctx, raw, url) => {
  let t = performance.now();
  const partner = await newPartner(ctx);
  await raw`insert into suppression_state (subject_key, channel, purpose, topic, suppressed, reason, event_id, source, occurred_at, since)
    select 'b1:' || md5(i::text), 'email', 'marketing', '*', true, 'unsubscribe', '00000000-0000-4000-8000-000000000000'::uuid, 'bench', now(), now()
      from generate_series(0, ${total - 1}) i`;
  log('big: state rows in');
  await raw`insert into partner_hashes (partner_id, subject_key, hash)
    select ${partner.id}, 'b1:' || md5(i::text), decode(md5('bench-' || i || '@list.example'), 'hex')
      from generate_series(0, ${total - 1}) i`;
  await raw`update partners set hashed_upto = ${await listWatermark(ctx)}::bigint where id = ${partner.id}`;
  await raw`vacuum analyze`;
  const loadS = seconds(t);
  log(`big: loaded ${total} in ${loadS.toFixed(0)} s`);

  // The ETag's basis, as the API reads it for every download (and every 304).
  t = performance.now();
  await fileBasis(ctx, partner.id);
  const basisS = seconds(t);
  const file = await oneFile(ctx, partner);
  log(`big: file ${JSON.stringify(file)}`);
  const baselineCopyKeys = await copyBaseline(url, total);
  const baselineMd5 = md5Baseline(file.rows);
  log('big: baselines done');

  // Scrub: `scrubCalls` calls of 10,000 hashes, 500 of them suppressed, each list different.
  const lists = Array.from({ length: scrubCalls }, (_, c) =>
    Array.from({ length: 10_000 }, (_, i) =>
      i % 20 === 0 ? md5(email((i * 7919 + c * 104_729) % total)) : md5(`clean-${c}-${i}@x.example`),
    ),
  );
  let removed = 0;
  t = performance.now();
  for (const list of lists) removed += (await scrubHashes(ctx, partner, list)).remove.length;
  const scrubS = seconds(t);
  // After 1,000 new opt-outs through apply(): the next call hashes them first (from the vault).
  const late = Array.from({ length: 1000 }, (_, i) => `late-${i}@list.example`);
  await apply(
    ctx,
    late.map((e) => ({
      id: randomUUID(),
      type: 'consent.email-optout.v1',
      occurredAt: new Date().toISOString(),
      source: 'bench',
      data: { email: e, method: 'link' },
    })) as never,
  );
  t = performance.now();
  const afterNew = await scrubHashes(ctx, partner, [...lists[0]!.slice(0, 9_000), ...late.map(md5)]);
  const afterNewS = seconds(t);

  // Baseline: the same lookups in an in-memory Set of (up to 2 million of) the file's hashes.
  const all = new Set<string>();
  for (let i = 0; i < Math.min(total, 2_000_000); i++) all.add(md5(email(i)));
  t = performance.now();
  let hits = 0;
  for (const list of lists) for (const hsh of list) if (all.has(hsh)) hits++;
  const setS = seconds(t);
  const [sizes] = await raw`select pg_total_relation_size('partner_hashes')::bigint as ph,
                                   pg_total_relation_size('suppression_state')::bigint as s`;
  return {
    subjects: total,
    load: { seconds: loadS.toFixed(0) },
    etagBasis: { seconds: basisS.toFixed(2) },
    file,
    baselineCopyKeys,
    baselineMd5,
    scrub: {
      calls: lists.length,
      hashesPerCall: 10_000,
      removed,
      seconds: scrubS.toFixed(2),
      hashesPerSecond: fmt((lists.length * 10_000) / scrubS),
    },
    scrubAfter1000NewOptOuts: { seconds: afterNewS.toFixed(2), removed: afterNew.remove.length },
    baselineSetLookup: {
      hits,
      seconds: setS.toFixed(4),
      hashesPerSecond: fmt((lists.length * 10_000) / setS),
    },
    storageMiB: { partnerHashes: mib(Number(sizes!.ph)), state: mib(Number(sizes!.s)) },
  };
});

console.log(
  JSON.stringify(
    { machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30) }, cold, big },
    null,
    2,
  ),
);
