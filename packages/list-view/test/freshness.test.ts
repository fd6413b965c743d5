// The freshness contract on real Kafka and PostgreSQL: a view that cannot vouch for being current
// refuses to answer (callers fail closed); a restarted view comes back from the compacted topic.
import { apply, type CheckQuery, checkMany } from '@sp/suppression';
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { email, ev } from '../../suppression/test/helpers';
import { ListViewStale } from '../src/index';
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
