// check() and checkMany() on PostgreSQL: what a sender (or the API's caller) reads back for the
// entries the list holds — each answer with its own subject, every reason with the event, source,
// scope and dates the database stored, the minor flag (R-DNS-6) as a reason of its own. The rules
// themselves are decide.test.ts; this is the query that feeds them and how its rows are read.
import { createDb, schema } from '@sp/db';
import { createKeyer, toSubject } from '@sp/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  type CheckQuery,
  check,
  checkMany,
  databaseChecker,
  type SuppressionContext,
} from '../src/index';
import { email, ev, openListDb, PEPPERS, phone, type TestDb } from './helpers';

let t: TestDb;
let ctx: SuppressionContext;
beforeAll(async () => {
  t = await openListDb();
  ctx = t.ctx;
});
afterAll(async () => t?.close());

const mail = (value: string) => ({ type: 'email' as const, value });
const keyOf = (value: string) => ctx.keyer.keyOf(toSubject('email', value));

describe('a batch of checks: one answer per question, in order, each for its own subject', () => {
  it('three people, three answers with their keys and their own reasons only', async () => {
    const [out, clean, bounced] = [email('out'), email('clean'), email('bounced')];
    const optOut = ev.optOut(out, '2026-03-01T10:00:00Z');
    const bounce = ev.bounce(bounced, 'Permanent', '2026-03-01T11:00:00Z');
    await apply(ctx, [optOut, bounce]);
    const qs: CheckQuery[] = [
      { subject: mail(bounced), channel: 'email', kind: 'transactional' },
      { subject: mail(clean), channel: 'email', kind: 'marketing' },
      { subject: mail(out), channel: 'email', kind: 'marketing' },
    ];
    const answers = await checkMany(ctx, qs);
    expect(answers).toEqual([
      {
        allowed: false,
        subjectKey: keyOf(bounced),
        reasons: [
          {
            eventId: bounce.id,
            reason: 'hard-bounce',
            source: 'test',
            since: '2026-03-01T11:00:00.000Z',
            channel: 'email',
            purpose: 'all',
            topic: '*',
            askAgainAfter: null,
            detail: { bounceSubType: null },
          },
        ],
      },
      { allowed: true, subjectKey: keyOf(clean), reasons: [] },
      {
        allowed: false,
        subjectKey: keyOf(out),
        reasons: [
          {
            eventId: optOut.id,
            reason: 'email-optout',
            source: 'test',
            since: '2026-03-01T10:00:00.000Z',
            channel: 'email',
            purpose: 'marketing',
            topic: '*',
            askAgainAfter: null,
            detail: { method: 'link' },
          },
        ],
      },
    ]);
    // check() is the one-question form, and the database as a ListChecker answers alike.
    expect(await check(ctx, qs[2]!)).toEqual(answers[2]);
    expect(await databaseChecker(ctx).checkMany(qs)).toEqual(answers);
  });

  it('the same person asked twice in one batch gets both answers', async () => {
    const e = email('twice');
    await apply(ctx, [ev.optOut(e, '2026-03-01T10:00:00Z', { topic: 'ink' })]);
    const [ink, tips] = await checkMany(ctx, [
      { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'ink' },
      { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'tips' },
    ]);
    expect(ink).toMatchObject({ allowed: false, reasons: [{ topic: 'ink' }] });
    expect(tips).toEqual({ allowed: true, subjectKey: keyOf(e), reasons: [] });
  });

  it('a lift read back is a lift: opt-out then confirmed resubscribe allows marketing again', async () => {
    const e = email('lift');
    await apply(ctx, [ev.optOut(e, '2026-03-01T10:00:00Z'), ev.resubscribe(e, '2026-03-02T10:00:00Z')]);
    expect(await check(ctx, { subject: mail(e), channel: 'email', kind: 'marketing' })).toEqual({
      allowed: true,
      subjectKey: keyOf(e),
      reasons: [],
    });
  });

  it('an empty batch is answered without the database (a sender with nothing to check is not held up)', async () => {
    const closed = await createDb({ url: t.url, max: 1 });
    await closed.close();
    const down = { ...ctx, db: closed.db };
    await expect(checkMany(down, [])).resolves.toEqual([]);
    await expect(
      checkMany(down, [{ subject: mail(email()), channel: 'email', kind: 'marketing' }]),
    ).rejects.toThrow();
  });
});

describe('the reasons as stored (R-DNS-5, R-DNS-6)', () => {
  it('a Do-Not-Sell entry: ask again after 12 months; the minor flag: its own reason, event and time', async () => {
    const e = email('dns');
    const dns = ev.dns({ email: e }, '2026-03-01T10:00:00.250Z', { minor: true, gpc: true });
    await apply(ctx, [dns]);
    const answer = await check(ctx, { subject: mail(e), channel: 'email', kind: 'sale_share' });
    expect(answer.allowed).toBe(false);
    expect(answer.reasons).toEqual([
      {
        eventId: dns.id,
        reason: 'do-not-sell',
        source: 'test',
        since: '2026-03-01T10:00:00.250Z',
        channel: 'any',
        purpose: 'sale_share',
        topic: '*',
        askAgainAfter: '2027-03-01T10:00:00.250Z',
        detail: { method: 'web-form', gpc: true, requestId: (dns.data as { requestId: string }).requestId },
      },
      {
        eventId: dns.id,
        reason: 'minor',
        source: 'test',
        since: '2026-03-01T10:00:00.250Z',
        channel: 'any',
        purpose: 'sale_share',
        topic: '*',
        askAgainAfter: null,
        detail: null,
      },
    ]);
  });

  it('the minor flag still blocks a sale after the Do-Not-Sell entry is lifted, with its own reason only', async () => {
    const e = email('minorlift');
    const dns = ev.dns({ email: e }, '2026-03-01T10:00:00Z', { minor: true });
    const lift = ev.admin(
      mail(e),
      'lift',
      { channel: 'any', purpose: 'sale_share', topic: '*' },
      '2026-03-05T10:00:00Z',
    );
    await apply(ctx, [dns, lift]);
    expect(await check(ctx, { subject: mail(e), channel: 'email', kind: 'sale_share' })).toEqual({
      allowed: false,
      subjectKey: keyOf(e),
      reasons: [
        {
          eventId: dns.id,
          reason: 'minor',
          source: 'test',
          since: '2026-03-01T10:00:00.000Z',
          channel: 'any',
          purpose: 'sale_share',
          topic: '*',
          askAgainAfter: null,
          detail: null,
        },
      ],
    });
    // Marketing is not about sale: the flag does not touch it.
    expect((await check(ctx, { subject: mail(e), channel: 'email', kind: 'marketing' })).allowed).toBe(true);
  });

  it('a minor flag recorded without its event (set by hand) still blocks a sale, dated when it was set', async () => {
    const e = email('flag');
    await ctx.db.insert(schema.subjectFlags).values({
      subjectKey: keyOf(e),
      minor: true,
      updatedAt: new Date('2026-04-01T08:00:00.500Z'),
    });
    const sale = await check(ctx, { subject: mail(e), channel: 'email', kind: 'sale_share' });
    expect(sale).toEqual({
      allowed: false,
      subjectKey: keyOf(e),
      reasons: [
        {
          eventId: '',
          reason: 'minor',
          source: '',
          since: '2026-04-01T08:00:00.500Z',
          channel: 'any',
          purpose: 'sale_share',
          topic: '*',
          askAgainAfter: null,
          detail: null,
        },
      ],
    });
    // A flag that says "not a minor" blocks nothing.
    const other = email('adult');
    await ctx.db.insert(schema.subjectFlags).values({ subjectKey: keyOf(other), minor: false });
    expect((await check(ctx, { subject: mail(other), channel: 'email', kind: 'sale_share' })).allowed).toBe(
      true,
    );
  });
});

describe('keys the caller already has', () => {
  it('a sender that keyed its recipient is answered for those keys, the old pepper included', async () => {
    const p = phone();
    const stop = ev.sms(p, 'opt-out', '2026-03-01T10:00:00Z');
    await apply(ctx, [stop]);
    const rotated = createKeyer({
      peppers: { ...PEPPERS, p2: 'pepper-two-fedcba9876543210fedcba9876543210' },
      currentKeyId: 'p2',
    });
    const keys = rotated.keysOf(toSubject('phone', p));
    expect(keys).toHaveLength(2);
    // The subject itself is not even readable: only the keys are used.
    const unreadable = { type: 'phone' as const, value: 'not a phone number' };
    const answer = await check(ctx, {
      subject: unreadable,
      subjectKeys: keys,
      channel: 'sms',
      kind: 'marketing',
    });
    expect(answer).toMatchObject({
      allowed: false,
      subjectKey: keys[0],
      reasons: [{ eventId: stop.id, reason: 'sms-stop', channel: 'sms', purpose: 'all' }],
    });
  });
});
