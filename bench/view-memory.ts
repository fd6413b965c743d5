// Memory and cold start of the local list view, each figure in a process of its own (RSS is the
// process's), beside the baseline of the same process holding an empty view.
// - generated N: N changelog entries (one opt-out per subject, keys shaped like the keyer's:
//   "<kid>:<base64url of 32 bytes>") built in the process and merged into the view; the time is
//   the index build alone, the RSS that of the whole process after a GC.
// - kafka N: N entries produced straight to a compacted changelog topic of the run's own (a
//   direct changelog produce), then a fresh process cold-starts a view from the topic (the
//   restart path: no database) until caught up.
// Run: KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @sp/bench run view-memory
//      [BENCH_SIZES=1000000,10000000] [BENCH_KAFKA_SIZES=1000000] [BENCH_RECORDS=memory,disk]
// Records 'disk': the view's recordsDir (LIST_VIEW_RECORDS_DIR) in the OS temp directory.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, tmpdir, totalmem } from 'node:os';
import { createKeyer } from '@sp/identity';
import { ListView, startListView } from '@sp/list-view';
import { createKafkaBus, kafkaEndOffsets } from '@sp/messaging';
import { uniqueName } from '@sp/testing';

const keyer = createKeyer({ peppers: { b1: 'bench-pepper-0123456789abcdef0123456789' }, currentKeyId: 'b1' });
const rssMiB = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().rss / 2 ** 20);
};
/** Where the RSS is: V8 heap used, and buffers/typed arrays outside it. */
const breakdown = () => {
  const m = process.memoryUsage();
  const mib = (x: number) => Math.round(x / 2 ** 20);
  return {
    heapUsedMiB: mib(m.heapUsed),
    heapTotalMiB: mib(m.heapTotal),
    arrayBuffersMiB: mib(m.arrayBuffers),
  };
};

/** CPU time of this process since `from` (user + system): wall time on a shared machine says less. */
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return +((u.user + u.system) / 1e6).toFixed(1);
};

/** Entries for subjects [from, to): random 32-byte keys, one email opt-out each. */
function* entries(n: number) {
  const at = new Date('2026-06-01T00:00:00Z').getTime();
  const chunk = 65_536;
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const bytes = randomBytes(32 * m);
    for (let j = 0; j < m; j++) {
      const occurredAt = new Date(at + ((i + j) % 86_400_000)).toISOString();
      yield {
        subjectKey: `b1:${bytes.subarray(j * 32, j * 32 + 32).toString('base64url')}`,
        channel: 'email',
        purpose: 'marketing',
        topic: '*',
        suppressed: true,
        reason: 'email-optout',
        eventId: randomUUID(),
        source: 'edge',
        occurredAt,
        since: occurredAt,
        detail: { method: 'one-click' },
      };
    }
  }
}

const [mode, arg, arg2] = process.argv.slice(2);

if (mode === 'baseline') {
  new ListView({ keyer });
  console.log(JSON.stringify({ rssMiB: rssMiB(), ...breakdown() }));
} else if (mode === 'generated') {
  const n = Number(arg);
  const view = new ListView({
    keyer,
    expectedSubjects: n,
    ...(arg2 === 'disk' ? { recordsDir: tmpdir() } : {}),
  });
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (const e of entries(n)) view.store.upsert(e);
  const ms = performance.now() - t;
  const cpuSecondsUsed = cpuSeconds(cpu);
  console.log(
    JSON.stringify({
      seconds: +(ms / 1000).toFixed(1),
      cpuSeconds: cpuSecondsUsed,
      rssMiB: rssMiB(),
      ...breakdown(),
      store: view.store.stats(),
    }),
  );
} else if (mode === 'cold') {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const bus = createKafkaBus({ brokers, clientId: uniqueName('bench-cold') });
  const t = performance.now();
  const cpu = process.cpuUsage();
  const running = await startListView({
    bus,
    ends: kafkaEndOffsets({ brokers, clientId: uniqueName('bench-ends') }),
    topic: String(arg),
    keyer,
    expectedSubjects: Number(arg2),
    ...(process.argv[5] === 'disk' ? { recordsDir: tmpdir() } : {}),
  });
  await running.caughtUp(1_800_000);
  const ms = performance.now() - t;
  const out = {
    seconds: +(ms / 1000).toFixed(1),
    cpuSeconds: cpuSeconds(cpu),
    rssMiB: rssMiB(),
    ...breakdown(),
    store: running.view.store.stats(),
  };
  await running.stop();
  await bus.close();
  console.log(JSON.stringify(out));
} else {
  const self = new URL(import.meta.url).pathname;
  const child = (...args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, ...args], {
        encoding: 'utf8',
        env: process.env,
        maxBuffer: 1 << 20,
      })
        .trim()
        .split('\n')
        .at(-1)!,
    );
  const sizes = (process.env.BENCH_SIZES ?? '1000000,10000000').split(',').map(Number);
  const kafkaSizes = (process.env.BENCH_KAFKA_SIZES ?? '1000000').split(',').filter(Boolean).map(Number);
  const result: Record<string, unknown> = {
    machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    baselineEmptyView: child('baseline'),
  };
  const records = (process.env.BENCH_RECORDS ?? 'memory,disk').split(',');
  for (const n of sizes)
    for (const r of records) result[`generated ${n} (records in ${r})`] = child('generated', String(n), r);
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers && kafkaSizes.length > 0) {
    const bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('bench-produce') });
    for (const n of kafkaSizes) {
      const topic = uniqueName('bench-changelog');
      await bus.ensureTopics([{ topic, partitions: 3, compacted: true, dlq: false }]);
      const t = performance.now();
      let batch: { key: string; value: unknown }[] = [];
      const pending: Promise<void>[] = [];
      let seq = 0;
      for (const e of entries(n)) {
        batch.push({ key: `${e.subjectKey}|email|marketing|*`, value: { ...e, seq: ++seq } });
        if (batch.length === 5_000) {
          pending.push(bus.publish(topic, batch));
          batch = [];
          if (pending.length >= 4) await pending.shift();
        }
      }
      if (batch.length > 0) pending.push(bus.publish(topic, batch));
      await Promise.all(pending);
      const produced = +((performance.now() - t) / 1000).toFixed(1);
      result[`kafka ${n}`] = { producedSeconds: produced };
      for (const r of records)
        (result[`kafka ${n}`] as Record<string, unknown>)[`coldStart (records in ${r})`] = child(
          'cold',
          topic,
          String(n),
          r,
        );
    }
    await bus.close();
  }
  console.log(JSON.stringify(result, null, 2));
}
