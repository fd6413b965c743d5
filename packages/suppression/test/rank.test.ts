// The order that decides a scope (compareRank: the list, the senders' views and the proofs all use
// it) and what apply() writes beside the scopes: the R-DNS-6 minor flag, whose reason is the
// earliest event that said so, and its changelog entry, which the senders' views read.
import { toSubject } from '@sp/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, check, compareRank, fetchOutbox, type ListEvent, minorKey, scopeKey } from '../src/index';
import { email, ev, openListDb, type TestDb } from './helpers';

const r = (at: string, suppressed: boolean, eventId: string) => ({
  occurredAt: new Date(at),
  suppressed,
  eventId,
});
const T = '2026-03-01T10:00:00Z';

describe('compareRank: newer, then suppression, then the event id', () => {
  it('the newer entry ranks higher, whatever it says', () => {
    expect(compareRank(r('2026-03-02T10:00:00Z', false, 'a'), r(T, true, 'b'))).toBeGreaterThan(0);
    expect(compareRank(r(T, true, 'b'), r('2026-03-02T10:00:00Z', false, 'a'))).toBeLessThan(0);
    expect(compareRank(r('2026-03-01T10:00:00.001Z', false, 'a'), r(T, true, 'z'))).toBeGreaterThan(0);
  });

  it('at the same instant a suppression outranks a lift (when in doubt, suppress)', () => {
    expect(compareRank(r(T, true, 'a'), r(T, false, 'b'))).toBeGreaterThan(0);
    expect(compareRank(r(T, false, 'b'), r(T, true, 'a'))).toBeLessThan(0);
  });

  it('then the event id decides, whatever its letter case; the same event is a tie', () => {
    const lower = '0a3f0000-0000-4000-8000-000000000001';
    const upper = '0B3F0000-0000-4000-8000-000000000001';
    expect(compareRank(r(T, true, lower), r(T, true, upper))).toBeLessThan(0);
    expect(compareRank(r(T, true, upper), r(T, true, lower))).toBeGreaterThan(0);
    expect(compareRank(r(T, false, lower), r(T, false, lower.toUpperCase()))).toBe(0);
  });
});

// The database part in a suite of its own: the compareRank tests above need no database.
describe('written by apply()', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openListDb();
  });
  afterAll(async () => t?.close());

  const sale = async (e: string) =>
    check(t.ctx, { subject: { type: 'email', value: e }, channel: 'email', kind: 'sale_share' });
  const minorReason = async (e: string) => (await sale(e)).reasons.find((x) => x.reason === 'minor');
  const keyOf = (type: 'email' | 'customer' | 'device', value: string) =>
    t.ctx.keyer.keyOf(toSubject(type, value));
  const withId = <E extends ListEvent>(event: E, id: string, source = 'edge/dns'): E => ({
    ...event,
    id,
    source,
  });

  describe('the minor flag: the earliest event that said so is the reason (R-DNS-6)', () => {
    it('in one batch, the earliest request is the reason; at the same instant the lower event id, whatever its case', async () => {
      const e = email('minor1');
      const later = withId(
        ev.dns({ email: e }, '2026-03-02T10:00:00Z', { minor: true }),
        crypto.randomUUID(),
      );
      const earlier = withId(ev.dns({ email: e }, T, { minor: true }), crypto.randomUUID(), 'api');
      await apply(t.ctx, [later, earlier]);
      expect(await minorReason(e)).toMatchObject({
        eventId: earlier.id,
        source: 'api',
        since: '2026-03-01T10:00:00.000Z',
      });

      const f = email('minor2');
      const b = withId(ev.dns({ email: f }, T, { minor: true }), 'B0000000-0000-4000-8000-000000000001');
      const a = withId(ev.dns({ email: f }, T, { minor: true }), 'a0000000-0000-4000-8000-000000000002');
      const res = await apply(t.ctx, [b, a]);
      expect(res).toMatchObject({ applied: [b.id, a.id], duplicates: [] });
      expect((await minorReason(f))?.eventId).toBe(a.id);
      // The batch order does not matter.
      const g = email('minor2b');
      const b2 = withId(ev.dns({ email: g }, T, { minor: true }), 'B0000000-0000-4000-8000-000000000003');
      const a2 = withId(ev.dns({ email: g }, T, { minor: true }), 'a0000000-0000-4000-8000-000000000004');
      await apply(t.ctx, [a2, b2]);
      expect((await minorReason(g))?.eventId).toBe(a2.id);
    });

    it('a later batch with an earlier request takes over the reason; a later request does not; each change is on the changelog', async () => {
      const e = email('minor3');
      const key = (await sale(e)).subjectKey;
      const first = ev.dns({ email: e }, '2026-03-05T10:00:00Z', { minor: true });
      const r1 = await apply(t.ctx, [first]);
      const flag1 = r1.changes.find((c) => c.minor);
      expect(flag1).toEqual({
        subjectKey: key,
        channel: 'any',
        purpose: 'sale_share',
        topic: '*',
        suppressed: true,
        reason: 'minor',
        eventId: first.id,
        source: 'test',
        occurredAt: '2026-03-05T10:00:00.000Z',
        since: '2026-03-05T10:00:00.000Z',
        minor: true,
        seq: expect.any(Number),
      });
      const newer = ev.dns({ email: e }, '2026-03-06T10:00:00Z', { minor: true });
      const r2 = await apply(t.ctx, [newer]);
      // The newer request changes the Do-Not-Sell entry only: no flag change is queued.
      expect(r2.changes).toEqual([
        expect.objectContaining({ subjectKey: key, reason: 'do-not-sell', eventId: newer.id }),
      ]);
      expect(await minorReason(e)).toMatchObject({ eventId: first.id, since: '2026-03-05T10:00:00.000Z' });
      const older = withId(
        ev.dns({ email: e }, '2026-03-04T10:00:00Z', { minor: true }),
        crypto.randomUUID(),
        'import',
      );
      const r3 = await apply(t.ctx, [older]);
      expect(r3.changes.filter((c) => c.minor)).toMatchObject([
        { subjectKey: key, eventId: older.id, source: 'import', since: '2026-03-04T10:00:00.000Z' },
      ]);
      expect(await minorReason(e)).toMatchObject({
        eventId: older.id,
        source: 'import',
        since: '2026-03-04T10:00:00.000Z',
      });
      // The senders' views read the flag from the changelog, keyed <subject>|minor.
      const out = (await fetchOutbox(t.ctx, 1000)).filter((o) => o.key === minorKey(key));
      expect(out.map((o) => JSON.parse(o.value).eventId)).toEqual([first.id, older.id]);
    });

    it('a request for a minor with several identifiers flags each, queued in key order', async () => {
      // Identifiers whose keys, in the request's order, are not in key order.
      let ids: { email: string; customerId: string; deviceId: string };
      let keys: string[];
      do {
        ids = {
          email: email('minor4'),
          customerId: `c-${crypto.randomUUID()}`,
          deviceId: `d-${crypto.randomUUID()}`,
        };
        keys = [keyOf('email', ids.email), keyOf('customer', ids.customerId), keyOf('device', ids.deviceId)];
        // …nor in reverse key order either.
      } while (keys.join() === [...keys].sort().join() || keys.join() === [...keys].sort().reverse().join());
      const req = ev.dns(ids, T, { minor: true });
      const res = await apply(t.ctx, [req]);
      const flags = res.changes.filter((c) => c.minor);
      expect(flags.map((c) => c.subjectKey)).toEqual([...keys].sort());
      const seqs = res.changes.map((c) => c.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    });
  });

  describe('the batch itself', () => {
    it('an empty batch records nothing', async () => {
      expect(await apply(t.ctx, [])).toEqual({ applied: [], duplicates: [], changes: [] });
    });

    it('each scope change is queued under its changelog key, subject|channel|purpose|topic', async () => {
      const e = email('keys');
      const res = await apply(t.ctx, [ev.optOut(e, T, { topic: 'ink' }), ev.bounce(e, 'Permanent', T)]);
      const out = await fetchOutbox(t.ctx, 10_000);
      const queued = res.changes.map((c) => out.find((o) => Number(o.id) === c.seq)?.key);
      expect(queued).toEqual(res.changes.map((c) => scopeKey(c)));
      const key = res.changes[0]!.subjectKey;
      expect(queued.sort()).toEqual([`${key}|email|all|*`, `${key}|email|marketing|ink`]);
    });
  });

  describe('event ids in another letter case', () => {
    it('an upper-case event id is applied once and reported as given, a redelivery in lower case is a duplicate', async () => {
      const e = email('case');
      const id = crypto.randomUUID().toUpperCase();
      const opt = withId(ev.optOut(e, T), id);
      expect(await apply(t.ctx, [opt])).toMatchObject({ applied: [id], duplicates: [] });
      const again = withId(ev.optOut(e, T), id.toLowerCase());
      expect(await apply(t.ctx, [again])).toEqual({
        applied: [],
        duplicates: [id.toLowerCase()],
        changes: [],
      });
    });

    it('the same event twice in one batch, in two letter cases, is applied once and repeated once', async () => {
      const e = email('case2');
      const id = crypto.randomUUID();
      const upper = withId(ev.optOut(e, T), id.toUpperCase());
      const lower = withId(ev.optOut(e, T), id);
      const res = await apply(t.ctx, [upper, lower]);
      expect(res).toMatchObject({ applied: [upper.id], duplicates: [lower.id] });
      expect(res.changes).toHaveLength(1);
    });
  });
});
