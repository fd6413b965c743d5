import type { DbHandle } from '@sp/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  apply,
  checkMany,
  fetchOutbox,
  history,
  listDnsRequests,
  type SuppressionContext,
} from '../src/index';
import { email, ev, openPgliteDb, phone } from './helpers';

let h: DbHandle;
let ctx: SuppressionContext;
beforeAll(async () => {
  ({ h, ctx } = await openPgliteDb());
});
afterAll(async () => h?.close());

it('apply, checkMany, history, outbox and the DNS log work on PGlite too (R-EM-1, R-SMS-1, R-DNS-5, R-DNS-7)', async () => {
  const e = email();
  const p = phone();
  const r = await apply(ctx, [
    ev.optOut(e, '2026-03-01T10:00:00Z', { topic: 'ink' }),
    ev.sms(p, 'opt-out', '2026-03-01T10:00:00Z'),
    ev.dns({ email: e }, '2026-03-01T10:00:00Z', { minor: true }),
  ]);
  expect(r.applied).toHaveLength(3);
  const [ink, other, sms, sale] = await checkMany(ctx, [
    { subject: { type: 'email', value: e }, channel: 'email', kind: 'marketing', topic: 'ink' },
    { subject: { type: 'email', value: e }, channel: 'email', kind: 'marketing', topic: 'tips' },
    { subject: { type: 'phone', value: p }, channel: 'sms', kind: 'transactional' },
    { subject: { type: 'email', value: e }, channel: 'email', kind: 'sale_share' },
  ]);
  expect([ink!.allowed, other!.allowed, sms!.allowed, sale!.allowed]).toEqual([false, true, false, false]);
  expect(ink!.reasons[0]!.since).toBe('2026-03-01T10:00:00.000Z');
  expect(sale!.reasons.map((x) => x.reason).sort()).toEqual(['do-not-sell', 'minor']);
  expect(sale!.reasons.find((x) => x.reason === 'do-not-sell')!.askAgainAfter).toBe(
    '2027-03-01T10:00:00.000Z',
  );
  expect(await history(ctx, { type: 'email', value: e })).toHaveLength(2);
  // Three scope changes, and the minor flag (R-DNS-6) so that local views know it too.
  const out = await fetchOutbox(ctx, 10);
  expect(out.map((o) => o.key.split('|').slice(1).join('|')).sort()).toEqual([
    'any|sale_share|*',
    'email|marketing|ink',
    'minor',
    'sms|all|*',
  ]);
  expect(await listDnsRequests(ctx)).toHaveLength(1);
});
