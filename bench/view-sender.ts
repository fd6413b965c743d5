// Benchmark: the email sender's throughput against the SES emulator with 10% of recipients
// suppressed, its gate asking the local list view vs the database (same run, same list), and the
// share of the batch time spent in the check (the checker timed around each checkMany call).
// The list: BENCH_SUBJECTS opted-out addresses inserted set-based; the view bootstrapped from that
// snapshot and kept fresh by probing an empty changelog topic of its own.
// Run: KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @sp/bench run view-sender  [BENCH_MESSAGES=5000]
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { newEnvelope } from '@sp/contracts';
import { createDb, migrateDb, schema } from '@sp/db';
import { createPayloadBox, loadTemplates } from '@sp/delivery';
import { createEmailSender, createSesTransport, TEMPLATES_DIR } from '@sp/email-sender';
import { createKeyer, createSealer } from '@sp/identity';
import { ListView, loadSnapshot, startListView } from '@sp/list-view';
import { createKafkaBus, kafkaEndOffsets } from '@sp/messaging';
import { startSesEmulator } from '@sp/provider-doubles';
import { databaseChecker, type ListChecker, type SuppressionContext } from '@sp/suppression';
import { createFreshDatabase, uniqueName } from '@sp/testing';
import { count, sql } from 'drizzle-orm';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('set KAFKA_BROKERS (pnpm kafka:local starts a broker)');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const messages = Number(process.env.BENCH_MESSAGES ?? 5_000);
const subjects = Number(process.env.BENCH_SUBJECTS ?? 100_000);

const fresh = await createFreshDatabase(serverUrl, 'sp_bench');
const h = await createDb({ url: fresh.url, max: 8 });
const bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('bench-sender') });
const ses = await startSesEmulator();
const transport = createSesTransport({
  region: 'us-east-1',
  endpoint: ses.url,
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  configurationSet: 'marketing',
});
try {
  await migrateDb(h);
  const keyer = createKeyer({ peppers: { b1: randomBytes(32).toString('hex') }, currentKeyId: 'b1' });
  const list: SuppressionContext = { db: h.db, keyer, defaultRegion: 'US' };
  const optedOut = (i: number) => `out${i}@bench.example`;
  for (let i = 0; i < subjects; i += 20_000) {
    const n = Math.min(20_000, subjects - i);
    const keys = Array.from({ length: n }, (_, j) => keyer.keyOf({ type: 'email', value: optedOut(i + j) }));
    const ids = Array.from({ length: n }, () => randomUUID());
    await h.db.execute(sql`
      insert into suppression_state (subject_key, channel, purpose, topic, suppressed, reason, event_id, source,
                                     occurred_at, since, updated_at)
      select k, 'email', 'marketing', '*', true, 'email-optout', e::uuid, 'bench', now(), now(), now()
        from unnest(${sql.raw(`'{${keys.join(',')}}'::text[]`)}, ${sql.raw(`'{${ids.join(',')}}'::text[]`)}) as u(k, e)`);
  }
  const view = new ListView({ keyer, defaultRegion: 'US', expectedSubjects: subjects });
  await loadSnapshot(h.db, view);
  const emptyChangelog = uniqueName('bench-changelog');
  await bus.ensureTopics([{ topic: emptyChangelog, partitions: 3, compacted: true, dlq: false }]);
  const tail = await startListView({
    bus,
    ends: kafkaEndOffsets({ brokers: brokers.split(','), clientId: uniqueName('bench-ends') }),
    topic: emptyChangelog,
    keyer,
    view,
  });
  await tail.caughtUp(60_000);

  const timed = (inner: ListChecker) => {
    const t = { ms: 0, calls: 0 };
    const checker: ListChecker = {
      checkMany: async (qs) => {
        const s = performance.now();
        try {
          return await inner.checkMany(qs);
        } finally {
          t.ms += performance.now() - s;
          t.calls++;
        }
      },
    };
    return { checker, t };
  };

  const run = async (name: string, inner: ListChecker) => {
    const { checker, t } = timed(inner);
    const topics = { sendRequest: uniqueName('bench-send'), outcome: uniqueName('bench-outcome') };
    await bus.ensureTopics([
      { topic: topics.sendRequest, partitions: 3 },
      { topic: topics.outcome, partitions: 3 },
    ]);
    const sender = createEmailSender({
      bus,
      log: h.db,
      list,
      checker,
      keyer,
      sealer: createSealer({ keys: { t1: randomBytes(32).toString('base64url') }, currentKeyId: 't1' }),
      transport,
      templates: loadTemplates([TEMPLATES_DIR]),
      box: createPayloadBox({ keys: { k1: 'payload-key-for-bench-0123456789' }, currentKeyId: 'k1' }),
      logger: {
        info() {},
        warn: (o, m) => console.error('warn', m, JSON.stringify(o)),
        error: (o, m) => console.error('error', m, JSON.stringify(o)),
      },
      settings: {
        groupId: uniqueName('bench-sender'),
        topics,
        defaultRegion: 'US',
        from: 'Bench <news@bench.example>',
        publicBaseUrl: 'https://bench.example',
        unsubscribeDomain: 'unsub.bench.example',
        postalAddress: 'Bench Inc., 1 Main St, Springfield, IL 62701, USA',
        pollIntervalMs: 60_000,
        maxBatchSize: 500,
        concurrency: 32,
      },
    });
    await sender.start();
    const requests = Array.from({ length: messages }, (_, i) =>
      newEnvelope('email.send-request.v1', 'bench', {
        messageId: randomUUID(),
        // every 10th recipient opted out
        to: i % 10 === 0 ? optedOut((i * 7919) % subjects) : `${name}-${i}@bench.example`,
        templateId: 'promo-flash-sale',
        variables: { firstName: 'Ann', discount: '10%' },
      }),
    );
    const logged = async () => (await h.db.select({ n: count() }).from(schema.deliveryLog))[0]?.n ?? 0;
    const before = await logged();
    await bus.publish(
      topics.sendRequest,
      requests.map((r) => ({ key: null, value: r })),
    );
    const s = performance.now();
    let last = performance.now();
    while ((await logged()) < before + messages) {
      await new Promise((r) => setTimeout(r, 100));
      if (performance.now() - last > 10_000) {
        last = performance.now();
        console.error(name, 'logged', (await logged()) - before, 'of', messages);
      }
    }
    const seconds = (performance.now() - s) / 1000;
    await sender.stop();
    return {
      messagesPerSecond: Math.round(messages / seconds),
      seconds: +seconds.toFixed(1),
      checkCalls: t.calls,
      checkMs: Math.round(t.ms),
      shareOfTimeInCheck: `${((t.ms / (seconds * 1000)) * 100).toFixed(1)}%`,
    };
  };

  const viaDatabase = await run('db', databaseChecker(list));
  const viaView = await run('view', view);
  await tail.stop();
  const statuses = await h.db.execute(
    sql`select status, count(*)::int as n from delivery_log group by status`,
  );
  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
        messagesPerRun: messages,
        listSubjects: subjects,
        baselineDatabaseCheck: viaDatabase,
        localView: viaView,
        deliveryLogStatuses: statuses,
      },
      null,
      2,
    ),
  );
} finally {
  transport.close();
  await ses.close();
  await bus.close();
  await h.close();
  await fresh.drop();
}
