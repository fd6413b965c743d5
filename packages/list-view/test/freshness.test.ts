// The freshness contract on real Kafka and PostgreSQL: a view that cannot vouch for being current
// refuses to answer (callers fail closed); a restarted view comes back from the compacted topic.
import { connect, createServer, type Socket } from 'node:net';
import { createDb } from '@sp/db';
import { kafkaEndOffsets } from '@sp/messaging';
import { apply, type CheckQuery, checkMany } from '@sp/suppression';
import { testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { email, ev } from '../../suppression/test/helpers';
import { ListViewStale, outboxProbe, startListView } from '../src/index';
import { openViewHarness, type ViewHarness } from './harness';

let h: ViewHarness;
beforeAll(async () => {
  h = await openViewHarness({ maxLagMs: 600 });
}, 120_000);
afterAll(async () => h?.close());

const promo = (e: string): CheckQuery => ({
  subject: { type: 'email', value: e },
  channel: 'email',
  kind: 'marketing',
});

it('relay stopped with a change pending: past the bound the view refuses to answer; relay back: it answers with the change (R-EM-1)', async () => {
  const early = email('fresh');
  await apply(h.t.ctx, [ev.optOut(early, '2026-05-01T09:00:00Z')]);
  await h.sync();
  expect((await h.running.view.checkMany([promo(early)]))[0]!.allowed).toBe(false);

  await h.stopRelay();
  const late = email('pending');
  await apply(h.t.ctx, [ev.optOut(late, '2026-05-01T09:05:00Z')]);
  // The outbox probe sees the unpublished change age past the bound.
  await waitFor('the view to declare itself stale', () => !h.running.view.status().ready);
  await expect(h.running.view.checkMany([promo(late)])).rejects.toBeInstanceOf(ListViewStale);

  h.startRelay();
  await waitFor('the view fresh again', () => h.running.view.status().ready);
  const [r] = await h.running.view.checkMany([promo(late)]);
  expect(r!.allowed).toBe(false);
  expect(r!.reasons.map((x) => x.reason)).toEqual(['email-optout']);
});

it('a restarted view is rebuilt from the compacted topic alone and answers as the database does', async () => {
  const subjects = [email('r1'), email('r2'), email('r3')];
  await apply(h.t.ctx, [
    ev.optOut(subjects[0]!, '2026-05-02T09:00:00Z'),
    ev.optOut(subjects[1]!, '2026-05-02T09:00:00Z', { topic: 'ink' }),
    ev.bounce(subjects[2]!, 'Permanent', '2026-05-02T09:00:00Z'),
    ev.resubscribe(subjects[0]!, '2026-05-03T09:00:00Z'),
  ]);
  await h.sync();
  const again = await h.restartView({ outbox: false });
  await again.caughtUp(60_000);
  const qs = subjects.flatMap((e) => [
    promo(e),
    { ...promo(e), topic: 'ink' },
    { ...promo(e), kind: 'transactional' as const },
  ]);
  expect(await again.view.checkMany(qs)).toEqual(await checkMany(h.t.ctx, qs));
  expect(again.view.answer(qs).map((r) => r.allowed)).toEqual([
    true,
    true,
    true,
    true,
    false,
    true,
    false,
    false,
    false,
  ]);
});

it('the list database unreachable: the outbox probe vouches for nothing, the view goes stale (fail closed); back: fresh again', async () => {
  // A real TCP path to PostgreSQL that the test can cut.
  const target = new URL(h.t.url);
  const sockets = new Set<Socket>();
  let open = true;
  const proxy = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const via = new URL(h.t.url);
  via.hostname = '127.0.0.1';
  via.port = String((proxy.address() as { port: number }).port);
  const db = await createDb({ url: via.toString(), max: 2, connectTimeoutSeconds: 2 });
  const running = await startListView({
    bus: h.bus,
    ends: kafkaEndOffsets({
      brokers: testInfra().kafkaBrokers.split(','),
      clientId: uniqueName('lv-db-cut'),
    }),
    outbox: outboxProbe(db.db),
    topic: h.topic,
    keyer: h.t.ctx.keyer,
    defaultRegion: 'US',
    probeIntervalMs: 50,
    maxLagMs: 600,
  });
  try {
    await running.caughtUp(60_000);
    await waitFor('fresh', () => running.view.status().ready);
    open = false;
    for (const s of sockets) s.destroy();
    await waitFor('stale with the database cut', () => !running.view.status().ready);
    await expect(running.view.checkMany([promo(email('cut'))])).rejects.toBeInstanceOf(ListViewStale);
    open = true;
    await waitFor('fresh again with the database back', () => running.view.status().ready, {
      timeoutMs: 60_000,
    });
  } finally {
    await running.stop();
    await db.close();
    for (const s of sockets) s.destroy();
    proxy.close();
  }
});
