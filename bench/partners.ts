// Benchmark of partner suppression files and scrub (issue 16) on a real PostgreSQL, each beside a
// raw baseline of the same work: generating the file (vault open + hash per row, streamed) against
// a COPY of the key column and node:crypto hashing of the same count; scrub against a Set lookup.
// Run: pnpm --filter @sp/bench run partners  [BENCH_SUBJECTS=10000000] [DATABASE_URL=...]
// Loading is not measured: subjects go straight into suppression_state / subject_vault with
// INSERT ... SELECT FROM unnest (the list's apply() path is measured by list.ts).
import { createHash, randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { createDb, migrateDb } from '@sp/db';
import { createKeyer, toSubject } from '@sp/identity';
import {
  createPartner,
  fileBasis,
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
const load = 20_000;

const fresh = await createFreshDatabase(serverUrl, 'sp_bench_partners');
const h = await createDb({ url: fresh.url, max: 4 });
const raw = postgres(fresh.url, { max: 1, onnotice: () => {} });
const peak = { rss: 0 };
const sample = () => {
  peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
};
try {
  await migrateDb(h);
  const ctx: SuppressionContext = {
    db: h.db,
    keyer: createKeyer({ peppers: { b1: randomBytes(32).toString('hex') }, currentKeyId: 'b1' }),
    vault: { keyId: 'v1', key: randomBytes(32) },
    defaultRegion: 'US',
  };
  const email = (i: number) => `bench-${i}@list.example`;
  const event = '00000000-0000-4000-8000-000000000000';
  let t = performance.now();
  for (let from = 0; from < total; from += load) {
    const n = Math.min(load, total - from);
    const keys: string[] = [];
    const sealed: string[] = [];
    for (let i = from; i < from + n; i++) {
      const k = ctx.keyer.keyOf(toSubject('email', email(i)));
      keys.push(k);
      sealed.push(sealAddress(ctx.vault!.key, k, email(i)));
    }
    await raw`insert into suppression_state (subject_key, channel, purpose, topic, suppressed, reason, event_id, source, occurred_at, since)
      select k, 'email', 'marketing', '*', true, 'unsubscribe', ${event}::uuid, 'bench', now(), now() from unnest(${keys}::text[]) as k`;
    await raw`insert into subject_vault (subject_key, subject_type, ciphertext, key_id)
      select k, 'email', c, 'v1' from unnest(${keys}::text[], ${sealed}::text[]) as u(k, c)`;
  }
  const loadS = (performance.now() - t) / 1000;
  await raw`analyze`;

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
  const partner = (await partnerByToken(ctx, made.token))!;

  // The file, streamed and counted (nothing kept).
  const rssBefore = process.memoryUsage().rss;
  t = performance.now();
  await fileBasis(ctx, partner.id); // as the API does, for the ETag and watermark
  const counts = { rows: 0, unhashable: 0 };
  let bytes = 0;
  for await (const chunk of partnerFile(ctx, partner, {}, counts)) {
    bytes += Buffer.byteLength(chunk);
    sample();
  }
  const fileS = (performance.now() - t) / 1000;

  // Baseline 1: COPY of the key column, bytes read and dropped.
  t = performance.now();
  let copyBytes = 0;
  const copy =
    await raw`copy (select subject_key from suppression_state where suppressed) to stdout`.readable();
  for await (const c of copy) copyBytes += (c as Buffer).length;
  const copyS = (performance.now() - t) / 1000;

  // Baseline 2: node:crypto MD5 of the same count of addresses, no database, no vault.
  t = performance.now();
  let x = 0;
  for (let i = 0; i < counts.rows; i++) x ^= createHash('md5').update(email(i)).digest()[0]!;
  const hashS = (performance.now() - t) / 1000;

  // Scrub: 10,000 hashes, 500 of them suppressed.
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const list = Array.from({ length: 10_000 }, (_, i) =>
    i % 20 === 0 ? md5(email((i * 7919) % total)) : md5(`clean-${i}@x.example`),
  );
  t = performance.now();
  const r = await scrubHashes(ctx, partner, list);
  const scrubS = (performance.now() - t) / 1000;
  // Baseline: the same 10,000 looked up in an in-memory Set of the whole file's hashes.
  const all = new Set<string>();
  for (let i = 0; i < Math.min(total, 2_000_000); i++) all.add(md5(email(i)));
  t = performance.now();
  let hits = 0;
  for (const hsh of list) if (all.has(hsh)) hits++;
  const setS = (performance.now() - t) / 1000;

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    JSON.stringify(
      {
        machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30) },
        subjects: total,
        load: { seconds: loadS.toFixed(1) },
        file: {
          rows: counts.rows,
          unhashable: counts.unhashable,
          seconds: fileS.toFixed(2),
          rowsPerSecond: fmt(counts.rows / fileS),
          bytes,
          peakRssMiB: Math.round(peak.rss / 2 ** 20),
          rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
        },
        baselineCopyKeys: { seconds: copyS.toFixed(2), rowsPerSecond: fmt(total / copyS), bytes: copyBytes },
        baselineMd5: { seconds: hashS.toFixed(2), hashesPerSecond: fmt(counts.rows / hashS), x },
        scrub: {
          hashes: list.length,
          removed: r.remove.length,
          seconds: scrubS.toFixed(2),
          hashesPerSecond: fmt(list.length / scrubS),
        },
        baselineSetLookup: { hits, seconds: setS.toFixed(4), hashesPerSecond: fmt(list.length / setS) },
      },
      null,
      2,
    ),
  );
} finally {
  await raw.end();
  await h.close();
  await fresh.drop();
}
