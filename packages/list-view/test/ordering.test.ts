// What the view does with the changelog as the broker hands it over (README "Ordering, gaps and
// redeliveries"), on the real broker: entries produced straight to a compacted topic of the
// test's own, the way a relay replaying its outbox after a crash, or a partition's leader change,
// could deliver them.
// - A redelivered older entry, after the newer one, changes nothing (newest by compareRank wins).
// - A gap (an entry lost or compacted away between two others) is harmless: the newest decides.
// - A minor flag redelivered with a later time keeps its earliest `since` (subject_flags does).
// - Freshness per partition: a view caught up on one partition but behind the high watermark of
//   another is not caught up, and once a partition lags past the bound the view refuses to answer.
import { randomUUID } from 'node:crypto';
import { createKeyer } from '@sp/identity';
import { createKafkaBus, kafkaEndOffsets } from '@sp/messaging';
import { type CheckQuery, compareRank } from '@sp/suppression';
import { kafkaClient, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ListView, ListViewStale, type RunningListView, type StoreEntry, startListView } from '../src/index';

const keyer = createKeyer({ peppers: { p1: 'pepper-ordering-test-0123456789abcdef0' }, currentKeyId: 'p1' });
const brokers = () => testInfra().kafkaBrokers;
const bus = () => createKafkaBus({ brokers: brokers().split(','), clientId: uniqueName('lv-order') });
let b: ReturnType<typeof bus>;
let topic: string;
let running: RunningListView;

beforeAll(async () => {
  b = bus();
  topic = uniqueName('changelog-order');
  await b.ensureTopics([{ topic, partitions: 3, compacted: true, dlq: false }]);
  running = await startListView({
    bus: b,
    ends: kafkaEndOffsets({ brokers: brokers().split(','), clientId: uniqueName('lv-order-ends') }),
    topic,
    keyer,
    probeIntervalMs: 50,
  });
  await running.caughtUp(60_000);
}, 120_000);
afterAll(async () => {
  await running?.stop();
  await b?.close();
});

let seq = 0;
const entry = (email: string, over: Partial<StoreEntry>) => ({
  subjectKey: keyer.keyOf({ type: 'email', value: email }),
  channel: 'email',
  purpose: 'marketing',
  topic: '*',
  suppressed: true,
  reason: 'email-optout',
  eventId: randomUUID(),
  source: 'edge',
  occurredAt: '2026-06-01T10:00:00.000Z',
  since: '2026-06-01T10:00:00.000Z',
  seq: seq++,
  ...over,
});
const keyOf = (e: StoreEntry) =>
  e.minor ? `${e.subjectKey}|minor` : `${e.subjectKey}|${e.channel}|${e.purpose}|${e.topic}`;
/** Published in this order, one after the other, as a relay would. */
async function publish(entries: StoreEntry[]): Promise<void> {
  for (const e of entries) await b.publish(topic, [{ key: keyOf(e), value: e }]);
}
/** Waits until the view has read everything published so far. */
async function caughtUpNow(): Promise<void> {
  const mark = Date.now();
  await waitFor('the view at the topic end', () => (running.view.completeAsOf() ?? 0) >= mark);
}
const promo = (email: string, kind: CheckQuery['kind'] = 'marketing'): CheckQuery => ({
  subject: { type: 'email', value: email },
  channel: 'email',
  kind,
});

it('a redelivered older entry after the newer one changes nothing: the newest by compareRank decides', async () => {
  const ana = `ana.${randomUUID()}@example.com`;
  const optOut = entry(ana, {});
  const resubscribe = entry(ana, {
    suppressed: false,
    reason: 'resubscribe',
    occurredAt: '2026-06-02T10:00:00.000Z',
    since: null,
  });
  const rank = (e: StoreEntry) => ({ ...e, occurredAt: new Date(e.occurredAt) });
  expect(compareRank(rank(resubscribe), rank(optOut))).toBeGreaterThan(0);
  await publish([optOut, resubscribe, optOut]); // the opt-out delivered again, late
  await caughtUpNow();
  expect(running.view.answer([promo(ana)])[0]).toMatchObject({ allowed: true, reasons: [] });

  // And the other way round: an older resubscribe redelivered after a newer opt-out.
  const bob = `bob.${randomUUID()}@example.com`;
  const oldLift = entry(bob, { suppressed: false, reason: 'resubscribe', since: null });
  const newOut = entry(bob, { occurredAt: '2026-06-03T10:00:00.000Z', since: '2026-06-03T10:00:00.000Z' });
  await publish([oldLift, newOut, oldLift]);
  await caughtUpNow();
  const [r] = running.view.answer([promo(bob)]);
  expect(r!.allowed).toBe(false);
  expect(r!.reasons.map((x) => x.eventId)).toEqual([newOut.eventId]);
});

it('at the same instant suppression wins, whichever arrives last', async () => {
  const cy = `cy.${randomUUID()}@example.com`;
  const out = entry(cy, {});
  const lift = entry(cy, { suppressed: false, reason: 'resubscribe', since: null });
  await publish([out, lift]);
  await caughtUpNow();
  expect(running.view.answer([promo(cy)])[0]!.allowed).toBe(false);
});

it('a gap (an entry never delivered between two others) is harmless: the newest entry decides', async () => {
  const dee = `dee.${randomUUID()}@example.com`;
  const first = entry(dee, {});
  // The middle entry (a resubscribe on 06-02) is lost; the lift on 06-04 arrives.
  const last = entry(dee, {
    suppressed: false,
    reason: 'admin-lift',
    occurredAt: '2026-06-04T10:00:00.000Z',
    since: null,
  });
  await publish([first, last]);
  await caughtUpNow();
  expect(running.view.answer([promo(dee)])[0]!.allowed).toBe(true);
  // A later opt-out after the gap suppresses again, as the database's newest row would.
  const again = entry(dee, { occurredAt: '2026-06-05T10:00:00.000Z', since: '2026-06-05T10:00:00.000Z' });
  await publish([again]);
  await caughtUpNow();
  expect(running.view.answer([promo(dee)])[0]!.reasons.map((x) => x.eventId)).toEqual([again.eventId]);
});

it('a minor flag redelivered with a later time keeps its earliest since (R-DNS-6)', async () => {
  const eve = `eve.${randomUUID()}@example.com`;
  const flag = (at: string) =>
    entry(eve, {
      channel: 'any',
      purpose: 'sale_share',
      reason: 'minor',
      occurredAt: at,
      since: at,
      minor: true,
    });
  const early = flag('2026-06-01T08:00:00.000Z');
  const late = flag('2026-06-09T08:00:00.000Z');
  await publish([early, late]);
  await caughtUpNow();
  const [r] = running.view.answer([{ ...promo(eve), kind: 'sale_share' }]);
  expect(r!.reasons.filter((x) => x.reason === 'minor').map((x) => x.since)).toEqual([early.since]);
});

it('caught up on one partition but behind the high watermark of another: not fresh; a lagging partition past the bound: stale', async () => {
  // A view fed by hand from the broker's real offsets, with a clock of its own: partition 0 read to
  // its end, partition 2 not yet.
  const lagTopic = uniqueName('changelog-lag');
  await b.ensureTopics([{ topic: lagTopic, partitions: 3, compacted: true, dlq: false }]);
  const producer = kafkaClient(brokers()).producer();
  await producer.connect();
  const value = JSON.stringify(entry(`lag.${randomUUID()}@example.com`, {}));
  await producer.send({ topic: lagTopic, acks: -1, messages: [{ key: 'a', value, partition: 0 }] });
  await producer.send({ topic: lagTopic, acks: -1, messages: [{ key: 'b', value, partition: 2 }] });
  const ends = kafkaEndOffsets({ brokers: brokers().split(','), clientId: uniqueName('lv-lag-ends') });
  let now = Date.parse('2026-06-10T00:00:00.000Z');
  const view = new ListView({ keyer, maxLagMs: 2_000, clock: () => now });
  try {
    const high = await ends.ends(lagTopic);
    expect(high.get(0)).toBe(1n);
    expect(high.get(2)).toBe(1n);
    view.observe(high, now);
    view.advance(0, high.get(0)!);
    expect(view.status()).toMatchObject({ caughtUp: false, ready: false });
    await expect(view.checkMany([promo('x@example.com')])).rejects.toBeInstanceOf(ListViewStale);
    view.advance(2, high.get(2)!);
    expect(view.status()).toMatchObject({ caughtUp: true, ready: true, lagMs: 0 });

    // Partition 2 moves on; the view keeps reading partition 0 and 1 but not 2.
    await producer.send({ topic: lagTopic, acks: -1, messages: [{ key: 'b', value, partition: 2 }] });
    await producer.send({ topic: lagTopic, acks: -1, messages: [{ key: 'a', value, partition: 0 }] });
    now += 1_000;
    const later = await ends.ends(lagTopic);
    view.observe(later, now);
    view.advance(0, later.get(0)!);
    now += 1_500; // 2.5 s since the last moment the view was complete to: past the 2 s bound
    expect(view.status()).toMatchObject({ caughtUp: true, ready: false, lagMs: 2_500 });
    await expect(view.checkMany([promo('x@example.com')])).rejects.toThrow(/2500 ms behind/);
    view.advance(2, later.get(2)!);
    expect(view.status()).toMatchObject({ ready: true, lagMs: 1_500 });
  } finally {
    await producer.disconnect();
    await ends.close();
  }
});
