// apply(): idempotency, order independence (property test), all-or-nothing validation, and the
// audit side: history, vault and erasure, pepper rotation, the changelog outbox.
import { schema } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { arrayOverlaps, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  type CheckQuery,
  checkMany,
  eraseAddress,
  fetchOutbox,
  history,
  type ListEvent,
  markOutboxPublished,
  revealAddress,
} from '../src/index';
import { email, ev, openListDb, openTestDb, PEPPERS, phone, type TestDb } from './helpers';

let a: TestDb;
let b: TestDb;
beforeAll(async () => {
  [a, b] = await Promise.all([openListDb(), openTestDb()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const mail = (value: string) => ({ type: 'email' as const, value });

async function stateOf(t: TestDb, keys: string[]) {
  const s = schema.suppressionState;
  const rows = await t.ctx.db
    .select()
    .from(s)
    .where(sql`${s.subjectKey} in ${keys}`)
    .orderBy(s.subjectKey, s.channel, s.purpose, s.topic);
  return rows.map(({ updatedAt: _u, ...r }) => r);
}

describe('idempotency and order (DESIGN.md "Rules")', () => {
  it('a redelivered batch changes nothing: same ids come back as duplicates, no state or outbox change', async () => {
    const e = email();
    const batch = [ev.optOut(e, '2026-03-01T10:00:00Z'), ev.bounce(e, 'Permanent', '2026-03-01T11:00:00Z')];
    const first = await apply(a.ctx, batch);
    expect(first.applied).toEqual(batch.map((x) => x.id));
    expect(first.changes).toHaveLength(2);
    const key = a.ctx.keyer.keyOf({ type: 'email', value: e.toLowerCase() } as never);
    const before = await stateOf(a, [key]);
    const again = await apply(a.ctx, batch);
    expect(again).toEqual({ applied: [], duplicates: batch.map((x) => x.id), changes: [] });
    expect(await stateOf(a, [key])).toEqual(before);
    // the same event twice inside one batch is applied once
    const dup = ev.complaint(email(), 'arf', '2026-03-01T10:00:00Z');
    const r = await apply(a.ctx, [dup, dup]);
    expect(r.applied).toEqual([dup.id]);
    expect(r.duplicates).toEqual([dup.id]);
  });

  it('property: any delivery order and batching of the same events ends in the same state, and redelivery is a no-op', async () => {
    const kinds = [
      'optOut',
      'optOutT',
      'resub',
      'resubT',
      'complaint',
      'hard',
      'soft',
      'dns',
      'dnsCombined',
      'stop',
      'start',
      'help',
    ] as const;
    const times = ['2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z', '2026-03-01T12:00:00Z'];
    const arbEvent = fc.record({
      kind: fc.constantFrom(...kinds),
      who: fc.nat({ max: 1 }),
      time: fc.constantFrom(...times),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbEvent, { minLength: 1, maxLength: 12 }),
        fc.infiniteStream(fc.nat({ max: 3 })),
        fc.infiniteStream(fc.nat({ max: 1000 })),
        async (specs, cuts, shuffle) => {
          const emails = [email('pa'), email('pb')];
          const phones = [phone(), phone()];
          const build: Record<(typeof kinds)[number], (e: string, p: string, time: string) => ListEvent> = {
            optOut: (e, _p, time) => ev.optOut(e, time),
            optOutT: (e, _p, time) => ev.optOut(e, time, { topic: 'ink' }),
            resub: (e, _p, time) => ev.resubscribe(e, time),
            resubT: (e, _p, time) => ev.resubscribe(e, time, 'ink'),
            complaint: (e, _p, time) => ev.complaint(e, 'ses', time),
            hard: (e, _p, time) => ev.bounce(e, 'Permanent', time),
            soft: (e, _p, time) => ev.bounce(e, 'Transient', time),
            dns: (e, p, time) => ev.dns({ email: e, phone: p }, time),
            dnsCombined: (e, _p, time) => ev.dns({ email: e }, time, { combinedForm: true }),
            stop: (_e, p, time) => ev.sms(p, 'opt-out', time),
            start: (_e, p, time) => ev.sms(p, 'opt-in', time),
            help: (_e, p, time) => ev.sms(p, 'help', time),
          };
          const events = specs.map(({ kind, who, time }) => build[kind](emails[who]!, phones[who]!, time));
          // A: one batch in order. B: shuffled, cut into random batches, then everything redelivered.
          await apply(a.ctx, events);
          const order = events.map((x) => ({ x, r: shuffle.next().value })).sort((u, v) => u.r - v.r);
          let batch: ListEvent[] = [];
          for (const { x } of order) {
            batch.push(x);
            if (cuts.next().value === 0) {
              await apply(b.ctx, batch);
              batch = [];
            }
          }
          if (batch.length > 0) await apply(b.ctx, batch);
          const again = await apply(b.ctx, [...events].reverse());
          expect(again.applied).toEqual([]);
          expect(again.changes).toEqual([]);

          const keys = [
            ...emails.map((e) => a.ctx.keyer.keyOf({ type: 'email', value: e.toLowerCase() } as never)),
            ...phones.map((p) => a.ctx.keyer.keyOf({ type: 'phone', value: p } as never)),
          ];
          expect(await stateOf(b, keys)).toEqual(await stateOf(a, keys));
          const qs: CheckQuery[] = [
            ...emails.flatMap((e) => [
              { subject: mail(e), channel: 'email' as const, kind: 'marketing' as const, topic: 'ink' },
              { subject: mail(e), channel: 'email' as const, kind: 'marketing' as const },
              { subject: mail(e), channel: 'email' as const, kind: 'transactional' as const },
              { subject: mail(e), channel: 'email' as const, kind: 'sale_share' as const },
            ]),
            ...phones.map((p) => ({
              subject: { type: 'phone' as const, value: p },
              channel: 'sms' as const,
              kind: 'marketing' as const,
            })),
          ];
          expect(await checkMany(b.ctx, qs)).toEqual(await checkMany(a.ctx, qs));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('validation (all or nothing)', () => {
  it('a batch holding one invalid event commits nothing and names the event and the field', async () => {
    const good = ev.optOut(email(), '2026-03-01T10:00:00Z');
    const bad = ev.optOut('not-an-address', '2026-03-01T10:00:00Z');
    await expect(apply(a.ctx, [good, bad])).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining(bad.id),
      eventId: bad.id,
      field: expect.stringContaining('email'),
    });
    const rows = await a.ctx.db
      .select()
      .from(schema.ledger)
      .where(sql`${schema.ledger.eventId} in ${[good.id, bad.id]}`);
    expect(rows).toEqual([]);
  });

  it('a schema violation names the field (bad bounceType) and an SMS event needs an intent', async () => {
    const bounce = { ...ev.bounce(email(), 'Permanent', '2026-03-01T10:00:00Z') } as unknown as {
      data: Record<string, unknown>;
      id: string;
    };
    bounce.data = { ...bounce.data, bounceType: 'Soft' };
    await expect(apply(a.ctx, [bounce as unknown as ListEvent])).rejects.toMatchObject({
      eventId: bounce.id,
      field: expect.stringContaining('bounceType'),
    });
    const sms = { ...ev.sms(phone(), 'opt-out', '2026-03-01T10:00:00Z') } as Record<string, unknown>;
    delete sms.intent;
    await expect(apply(a.ctx, [sms as unknown as ListEvent])).rejects.toMatchObject({ field: 'intent' });
  });
});

describe('audit trail, vault and rotation', () => {
  it('history() returns the ordered trail of one address (by occurredAt) and the ledger holds no readable address', async () => {
    const e = email();
    const events = [
      ev.complaint(e, 'arf', '2026-03-03T10:00:00Z'),
      ev.optOut(e, '2026-03-01T10:00:00Z', { topic: 'ink' }),
      ev.resubscribe(e, '2026-03-02T10:00:00Z', 'ink'),
    ];
    await apply(a.ctx, events);
    const h = await history(a.ctx, mail(` ${e.toUpperCase()} `));
    expect(h.map((x) => x.type)).toEqual([
      'consent.email-optout.v1',
      'consent.email-resubscribe.v1',
      'abuse.complaint.v1',
    ]);
    expect(h[0]!.scopes).toMatchObject([
      { channel: 'email', purpose: 'marketing', topic: 'ink', suppressed: true },
    ]);
    const key = h[0]!.scopes[0]!.subjectKey;
    const raw = await a.ctx.db
      .select()
      .from(schema.ledger)
      .where(arrayOverlaps(schema.ledger.subjectKeys, [key]));
    expect(raw).toHaveLength(3);
    expect(JSON.stringify(raw).toLowerCase()).not.toContain(e.toLowerCase());
  });

  it('R-PR-2: eraseAddress() deletes the readable copy only: the opt-out keeps working by key', async () => {
    const e = email();
    await apply(a.ctx, [ev.optOut(e, '2026-03-01T10:00:00Z')]);
    const [before] = await checkMany(a.ctx, [{ subject: mail(e), channel: 'email', kind: 'marketing' }]);
    expect(await revealAddress(a.ctx, before!.subjectKey)).toBe(e.toLowerCase());
    await eraseAddress(a.ctx, mail(e));
    expect(await revealAddress(a.ctx, before!.subjectKey)).toBeNull();
    const [after] = await checkMany(a.ctx, [{ subject: mail(e), channel: 'email', kind: 'marketing' }]);
    expect(after!.allowed).toBe(false);
    expect(await history(a.ctx, mail(e))).toHaveLength(1);
  });

  it('pepper rotation: entries written under the old pepper still block after the new one becomes current', async () => {
    const e = email();
    await apply(a.ctx, [ev.optOut(e, '2026-03-01T10:00:00Z')]);
    const rotated = {
      ...a.ctx,
      keyer: createKeyer({
        peppers: { ...PEPPERS, p2: 'pepper-two-fedcba9876543210fedcba9876543210' },
        currentKeyId: 'p2',
      }),
    };
    const res = await checkMany(rotated, [{ subject: mail(e), channel: 'email', kind: 'marketing' }]);
    expect(res[0]!.allowed).toBe(false);
    // A newer resubscribe written under the new key wins over the old-key opt-out.
    await apply(rotated, [ev.resubscribe(e, '2026-03-02T10:00:00Z')]);
    const after = await checkMany(rotated, [{ subject: mail(e), channel: 'email', kind: 'marketing' }]);
    expect(after[0]!.allowed).toBe(true);
    expect(await history(rotated, mail(e))).toHaveLength(2);
  });

  it('the outbox holds one changelog row per state change, keyed by subjectKey|channel|purpose|topic; publishing marks them', async () => {
    const t = await openTestDb();
    try {
      const e = email();
      const r = await apply(t.ctx, [
        ev.optOut(e, '2026-03-01T10:00:00Z'),
        ev.bounce(e, 'Permanent', '2026-03-01T10:00:00Z'),
      ]);
      const out = await fetchOutbox(t.ctx, 10);
      expect(out).toHaveLength(2);
      expect(out.map((o) => o.topic)).toEqual(['suppression.changelog.v1', 'suppression.changelog.v1']);
      const values = out.map((o) => JSON.parse(o.value));
      expect(values).toEqual(r.changes);
      for (const [i, o] of out.entries()) {
        const v = values[i];
        expect(o.key).toBe(`${v.subjectKey}|${v.channel}|${v.purpose}|${v.topic}`);
        expect(v.seq).toBe(Number(o.id));
      }
      await markOutboxPublished(
        t.ctx,
        out.map((o) => o.id),
      );
      expect(await fetchOutbox(t.ctx, 10)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
