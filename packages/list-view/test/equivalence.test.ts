// The view is exactly as strict as the database: random histories go through apply() on real
// PostgreSQL, the relay publishes the changelog to real Kafka, and for every query the view's
// checkMany gives the same answer and the same reasons as the database's.
import { randomUUID } from 'node:crypto';
import { apply, type CheckQuery, checkMany, type ListEvent } from '@sp/suppression';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { email, ev, phone } from '../../suppression/test/helpers';
import { openViewHarness, type ViewHarness } from './harness';

let h: ViewHarness;
beforeAll(async () => {
  h = await openViewHarness();
}, 120_000);
afterAll(async () => h?.close());

const TIMES = [
  '2026-03-01T10:00:00.000Z',
  '2026-03-01T10:00:00.000Z',
  '2026-03-02T08:30:00.000Z',
  '2026-04-01T00:00:00.000Z',
];
const TOPICS = [undefined, 'ink', 'tips'] as const;

interface Pool {
  emails: string[];
  phones: string[];
  customer: string;
  device: string;
}

const at = fc.constantFrom(...TIMES);
const topic = fc.constantFrom(...TOPICS);
const who = fc.nat(1);

/** One event of any kind the list takes, over a small pool of subjects so that they collide. */
const eventSpec = fc.oneof(
  fc.record({ k: fc.constant('optout' as const), who, at, topic }),
  fc.record({ k: fc.constant('resubscribe' as const), who, at, topic }),
  fc.record({ k: fc.constant('sms' as const), who, at, intent: fc.constantFrom('opt-out', 'opt-in') }),
  fc.record({
    k: fc.constant('dns' as const),
    who,
    at,
    ids: fc.subarray(['email', 'phone', 'customerId', 'deviceId'] as const, { minLength: 1 }),
    minor: fc.boolean(),
    combinedForm: fc.boolean(),
  }),
  fc.record({ k: fc.constant('complaint' as const), who, at }),
  fc.record({ k: fc.constant('bounce' as const), who, at, type: fc.constantFrom('Permanent', 'Transient') }),
  fc.record({
    k: fc.constant('admin' as const),
    who,
    at,
    subject: fc.constantFrom('email', 'phone', 'customer', 'device'),
    action: fc.constantFrom('suppress', 'lift'),
    channel: fc.constantFrom('email', 'sms', 'any'),
    purpose: fc.constantFrom('marketing', 'all', 'sale_share'),
    topic,
  }),
);
type Spec = typeof eventSpec extends fc.Arbitrary<infer T> ? T : never;

function toEvent(s: Spec, pool: Pool): ListEvent {
  const e = pool.emails[s.who]!;
  const p = pool.phones[s.who]!;
  switch (s.k) {
    case 'optout':
      return ev.optOut(e, s.at, s.topic ? { topic: s.topic } : {});
    case 'resubscribe':
      return ev.resubscribe(e, s.at, s.topic);
    case 'sms':
      return ev.sms(p, s.intent as 'opt-out' | 'opt-in', s.at);
    case 'dns': {
      const all = { email: e, phone: p, customerId: pool.customer, deviceId: pool.device };
      const subjects = Object.fromEntries(s.ids.map((k) => [k, all[k]]));
      return ev.dns(subjects, s.at, { minor: s.minor, combinedForm: s.combinedForm });
    }
    case 'complaint':
      return ev.complaint(e, 'arf', s.at);
    case 'bounce':
      return ev.bounce(e, s.type as 'Permanent' | 'Transient', s.at);
    case 'admin': {
      const value = { email: e, phone: p, customer: pool.customer, device: pool.device }[s.subject];
      return ev.admin(
        { type: s.subject as 'email', value },
        s.action as 'suppress',
        { channel: s.channel as 'email', purpose: s.purpose as 'all', topic: s.topic ?? '*' },
        s.at,
      );
    }
  }
}

function queriesOf(pool: Pool): CheckQuery[] {
  const subjects = [
    ...pool.emails.map((value) => ({ type: 'email' as const, value })),
    ...pool.phones.map((value) => ({ type: 'phone' as const, value })),
    { type: 'customer' as const, value: pool.customer },
    { type: 'device' as const, value: pool.device },
  ];
  const out: CheckQuery[] = [];
  for (const subject of subjects)
    for (const channel of ['email', 'sms'] as const)
      for (const kind of ['marketing', 'transactional', 'sale_share'] as const)
        for (const t of TOPICS)
          for (const confirmation of [false, true])
            out.push({
              subject,
              channel,
              kind,
              ...(t ? { topic: t } : {}),
              ...(confirmation ? { smsOptOutConfirmation: true } : {}),
            });
  return out;
}

it('the view answers every query exactly as the database does, after random histories applied in any order and redelivered', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(eventSpec, { minLength: 1, maxLength: 14 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      async (specs, redeliver, batchSizes) => {
        const pool: Pool = {
          emails: [email('lv'), email('lv')],
          phones: [phone(), phone()],
          customer: `cust-${randomUUID()}`,
          device: `dev-${randomUUID()}`,
        };
        const events = specs.map((s) => toEvent(s, pool));
        // Redeliveries: some events again, later, in other batches (apply() counts them as duplicates).
        const stream = [...events, ...redeliver.map((i) => events[i % events.length]!)];
        let i = 0;
        let b = 0;
        while (i < stream.length) {
          const n = batchSizes[b++ % batchSizes.length]!;
          await apply(h.t.ctx, stream.slice(i, i + n));
          i += n;
        }
        await h.sync();
        const qs = queriesOf(pool);
        const fromDb = await checkMany(h.t.ctx, qs);
        const fromView = await h.running.view.checkMany(qs);
        expect(fromView).toEqual(fromDb);
      },
    ),
    { numRuns: 30 },
  );
}, 300_000);
