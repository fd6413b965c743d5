// Issue 11 on a real sender process (src/main.ts spawned as in production: its own Kafka clients,
// its own list view, its ops server), real Kafka, real PostgreSQL, the SES v2 emulator:
// - staleness: the relay stopped with an opt-out pending, past LIST_VIEW_MAX_LAG_MS the sender's
//   /readyz (over HTTP) says list-view false and marketing is deferred; relay back, /readyz is
//   ready again and each deferred mail goes out exactly once, the late opt-out honoured (R-EM-1);
// - restart: the sender killed with SIGKILL mid-campaign; the restarted process builds its view
//   from the compacted changelog topic alone (the state rows are deleted from PostgreSQL before it
//   starts, so the database could not tell it; its records on disk, LIST_VIEW_RECORDS_DIR), and no
//   suppressed address is ever mailed.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type EmailSendRequest, newEnvelope } from '@sp/contracts';
import { createDb, type DbHandle, migrateDb, schema } from '@sp/db';
import { readLog } from '@sp/delivery';
import { type Collected, collect, senderRequests } from '@sp/delivery/test-support';
import { createKeyer } from '@sp/identity';
import { startTestChangelog, type TestChangelog } from '@sp/list-view/test-support';
import { type Bus, createKafkaBus, dlqTopicOf } from '@sp/messaging';
import { type SesEmulator, startSesEmulator } from '@sp/provider-doubles';
import { apply, type SuppressionContext } from '@sp/suppression';
import { createTopic, freePort, freshDatabase, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listEvent, type Outcome, PEPPERS, uniqueEmail } from './harness';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
const cleanup: (() => Promise<unknown>)[] = [];

let brokers: string;
let db: DbHandle;
let bus: Bus;
let ses: SesEmulator;
let changelog: TestChangelog;
let outcomes: Collected<Outcome>;
let ctx: SuppressionContext;
let env: Record<string, string>;
let requests: ReturnType<typeof senderRequests<EmailSendRequest, Outcome>>;

beforeAll(async () => {
  brokers = testInfra().kafkaBrokers;
  const fresh = await freshDatabase('sp_lv_proc');
  db = await createDb({ url: fresh.url, max: 4 });
  await migrateDb(db);
  cleanup.push(
    () => fresh.drop(),
    () => db.close(),
  );
  ses = await startSesEmulator();
  cleanup.unshift(() => ses.close());
  const topics = {
    sendRequest: await createTopic(brokers, 'email-send-request'),
    outcome: await createTopic(brokers, 'delivery-outcome'),
  };
  await createTopic(brokers, '', { name: dlqTopicOf(topics.sendRequest) });
  bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('lv-proc') });
  cleanup.unshift(() => bus.close());
  ctx = { db: db.db, keyer: createKeyer({ peppers: PEPPERS, currentKeyId: 'p1' }), defaultRegion: 'US' };
  // The relay (outbox -> the changelog topic) runs here, so the test can stop it; the sender only
  // gets the topic's name, as TOPIC_CHANGELOG.
  changelog = await startTestChangelog({ brokers, bus, ctx, maxLagMs: 600 });
  cleanup.unshift(() => changelog.close());
  outcomes = await collect<Outcome>(brokers, topics.outcome);
  cleanup.unshift(() => outcomes.stop());
  requests = senderRequests({
    bus,
    topic: topics.sendRequest,
    outcomes,
    envelope: (data) =>
      newEnvelope(
        'email.send-request.v1',
        'campaign-tool',
        data as EmailSendRequest['data'],
      ) as EmailSendRequest,
  });
  env = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: fresh.url,
    SUBJECT_PEPPERS: `p1:${PEPPERS.p1}`,
    PAYLOAD_KEYS: 'k1:payload-key-for-tests-0123456789',
    TOKEN_KEYS: `t1:${randomBytes(32).toString('base64url')}`,
    SES_ENDPOINT: ses.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    EMAIL_FROM: 'InkShop <news@inkshop.example>',
    PUBLIC_BASE_URL: 'https://inkshop.example',
    UNSUBSCRIBE_DOMAIN: 'unsub.inkshop.example',
    POSTAL_ADDRESS: 'InkShop Inc., 100 Main St, Springfield, IL 62701, USA',
    TOPIC_SEND_REQUEST: topics.sendRequest,
    TOPIC_OUTCOME: topics.outcome,
    TOPIC_CHANGELOG: changelog.topic,
    GROUP_ID: uniqueName('email-sender-proc'),
    LIST_VIEW_MAX_LAG_MS: '600',
    POLL_INTERVAL_MS: '200',
    CLAIM_LEASE_MS: '3000',
    RETRY_BASE_MS: '300',
    RETRY_MAX_MS: '1000',
    MAX_ATTEMPTS: '100',
    SEND_CONCURRENCY: '4',
    LOG_LEVEL: 'warn',
  };
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of cleanup) await f();
});

interface Running {
  child: ChildProcess;
  ops: string;
}

async function startSender(extra: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serviceDir,
    env: { ...process.env, ...env, ...extra, OPS_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return { child, ops: `http://127.0.0.1:${port}` };
}

async function readyz(s: Running): Promise<{ status: number; checks: Record<string, boolean> } | undefined> {
  try {
    const r = await fetch(`${s.ops}/readyz`);
    return { status: r.status, checks: ((await r.json()) as { checks: Record<string, boolean> }).checks };
  } catch {
    return undefined; // not listening yet
  }
}

const mailsTo = async (to: string) =>
  (await ses.emails()).filter((e) => e.destination.to.some((t) => t.toLowerCase() === to.toLowerCase()))
    .length;
const promo = (to: string) =>
  requests.request(to, 'promo-flash-sale', { firstName: 'Ana', discount: '10%' }) as EmailSendRequest;
const finalOf = (id: string) => finals().get(id);
/** Final outcomes by message id (the outcome topic parsed once per call). */
function finals(): Map<string, Outcome> {
  const m = new Map<string, Outcome>();
  for (const o of outcomes.parsed())
    if (o.data.status === 'sent' || o.data.status === 'suppressed') m.set(o.data.messageId, o);
  return m;
}

let sender: Running;
const deferredOnce: string[] = [];

it('relay stopped: past the bound /readyz says list-view false and marketing is deferred; relay back: each deferred mail sent exactly once (R-EM-1)', async () => {
  const optedOut = uniqueEmail('out');
  await apply(ctx, [listEvent.optOut(optedOut)]);
  await changelog.sync();
  sender = await startSender();
  await waitFor('the sender ready (view caught up)', async () => (await readyz(sender))?.status === 200, {
    timeoutMs: 120_000,
  });
  const fan = uniqueEmail('fan');
  const first = [promo(optedOut), promo(fan)];
  await requests.send(first);
  await waitFor('both answered', () => first.every((r) => finalOf(r.data.messageId)));
  expect(finalOf(first[0]!.data.messageId)?.data.status).toBe('suppressed');
  expect(finalOf(first[1]!.data.messageId)?.data.status).toBe('sent');

  // The relay stops with an opt-out committed: the view cannot vouch for the list any more.
  await changelog.stopRelay();
  const lateOut = uniqueEmail('late');
  const other = uniqueEmail('other');
  await apply(ctx, [listEvent.optOut(lateOut)]);
  const stale = await waitFor('/readyz 503 with list-view false', async () => {
    const r = await readyz(sender);
    return r?.status === 503 ? r : undefined;
  });
  expect(stale.checks).toMatchObject({ 'list-view': false, kafka: true, database: true });
  const second = [promo(lateOut), promo(other)];
  await requests.send(second);
  for (const r of second)
    await waitFor('deferred while stale', () => requests.outcome(r.data.messageId, 'deferred'));
  expect(await mailsTo(lateOut)).toBe(0);
  expect(await mailsTo(other)).toBe(0);
  // Still stale after several retries: nothing leaves while the view cannot vouch for the list.
  await waitFor('a retry deferred again', () =>
    outcomes
      .parsed()
      .some(
        (o) =>
          o.data.messageId === second[1]!.data.messageId &&
          o.data.status === 'deferred' &&
          (o.data as { attempt?: number }).attempt! >= 2,
      ),
  );
  expect(await mailsTo(other)).toBe(0);

  changelog.startRelay();
  await waitFor('/readyz 200 again', async () => (await readyz(sender))?.status === 200);
  await waitFor('the deferred mails answered', () => second.every((r) => finalOf(r.data.messageId)));
  expect(finalOf(second[0]!.data.messageId)?.data.status).toBe('suppressed');
  expect(finalOf(second[1]!.data.messageId)?.data.status).toBe('sent');
  expect(await mailsTo(lateOut)).toBe(0);
  expect(await mailsTo(other)).toBe(1);
  expect(await mailsTo(optedOut)).toBe(0);
  expect(await mailsTo(fan)).toBe(1);
  deferredOnce.push(other);
}, 240_000);

it('killed with SIGKILL mid-campaign: the restarted sender rebuilds its view from the compacted topic, and no suppressed address is ever mailed', async () => {
  expect(sender, 'the sender of the first test').toBeDefined();
  const tag = `camp${Date.now().toString(36)}`;
  const recipients = Array.from({ length: 800 }, (_, i) => uniqueEmail(`${tag}-${i}`));
  const suppressed = new Set(recipients.filter((_, i) => i % 10 === 3));
  await apply(
    ctx,
    [...suppressed].map((e) => listEvent.optOut(e)),
  );
  await changelog.sync();
  await waitFor('the sender fresh', async () => (await readyz(sender))?.status === 200);
  const campaign = recipients.map(promo);
  await requests.send(campaign);
  const ids = new Set(campaign.map((r) => r.data.messageId));
  const answered = () =>
    outcomes.parsed().filter((o) => ids.has(o.data.messageId) && o.data.status !== 'deferred');
  await waitFor('part of the campaign answered', () => answered().length >= 20, {
    timeoutMs: 120_000,
    intervalMs: 10,
  });
  sender.child.kill('SIGKILL');
  await new Promise((r) => (sender.child.exitCode === null ? sender.child.once('exit', r) : r(null)));
  expect(new Set(answered().map((o) => o.data.messageId)).size).toBeLessThan(800);

  // While it is down: more opt-outs, for a second batch, published to the changelog.
  const later = Array.from({ length: 40 }, (_, i) => uniqueEmail(`${tag}-b${i}`));
  const laterOut = later.filter((_, i) => i % 4 === 0);
  await apply(
    ctx,
    laterOut.map((e) => listEvent.optOut(e)),
  );
  await changelog.sync();
  for (const e of laterOut) suppressed.add(e);
  // PostgreSQL forgets the list (rows already published): what the restarted view knows, it can
  // only have read from the compacted changelog topic.
  await db.db.delete(schema.suppressionState);
  expect(await db.db.select().from(schema.suppressionState)).toEqual([]);
  const second = later.map(promo);
  await requests.send(second);
  for (const r of second) ids.add(r.data.messageId);

  // The restarted process keeps its view's records on disk (LIST_VIEW_RECORDS_DIR), as a sender
  // of a list of millions would.
  sender = await startSender({ LIST_VIEW_RECORDS_DIR: tmpdir() });
  await waitFor('the restarted sender ready', async () => (await readyz(sender))?.status === 200, {
    timeoutMs: 120_000,
  });
  // A message handed to SES when the process died has an unknown result and is never sent again
  // automatically (delivery_log: claimed, no lease); every other one gets its final outcome.
  const all = [...campaign, ...second];
  const unknown = new Set<string>();
  let pendingNow = all.length;
  await waitFor(
    'every message of the campaign answered (sent or suppressed), or handed over before the kill',
    async () => {
      const log = await readLog(
        db.db,
        all.map((r) => r.data.messageId),
      );
      const done = finals();
      unknown.clear();
      for (const r of all) {
        const row = log.get(r.data.messageId);
        if (!done.has(r.data.messageId) && row?.status === 'claimed' && row.nextAttemptAt === null)
          unknown.add(r.data.to.toLowerCase());
      }
      pendingNow = all.filter(
        (r) => !done.has(r.data.messageId) && !unknown.has(r.data.to.toLowerCase()),
      ).length;
      return pendingNow === 0;
    },
    { timeoutMs: 480_000, intervalMs: 1_000 },
  ).catch((err) => {
    throw new Error(`${String(err)} (${pendingNow} of ${all.length} still without an outcome)`);
  });
  expect(unknown.size).toBeLessThanOrEqual(4); // at most the sends in flight (SEND_CONCURRENCY)
  const mails = (await ses.emails()).filter((e) => e.destination.to.some((t) => t.includes(tag)));
  const mailed = mails.map((e) => e.destination.to[0]!.toLowerCase());
  const suppressedLower = new Set([...suppressed].map((e) => e.toLowerCase()));
  // Never a suppressed address, during or after the kill.
  expect(mailed.filter((t) => suppressedLower.has(t))).toEqual([]);
  // Every other address mailed exactly once (those handed over at the kill: at most once).
  const allowed = [...recipients, ...later]
    .map((e) => e.toLowerCase())
    .filter((e) => !suppressedLower.has(e));
  const count = new Map<string, number>();
  for (const t of mailed) count.set(t, (count.get(t) ?? 0) + 1);
  for (const e of allowed) {
    if (unknown.has(e)) expect(count.get(e) ?? 0, e).toBeLessThanOrEqual(1);
    else expect(count.get(e), e).toBe(1);
  }
  expect(mailed.every((t) => allowed.includes(t))).toBe(true);
  const done = finals();
  for (const e of suppressed) {
    const r = campaign.find((c) => c.data.to === e) ?? second.find((c) => c.data.to === e)!;
    expect(done.get(r.data.messageId)?.data.status).toBe('suppressed');
  }
  // The mail deferred in the first test still went out once only.
  for (const e of deferredOnce) expect(await mailsTo(e)).toBe(1);
}, 900_000);
