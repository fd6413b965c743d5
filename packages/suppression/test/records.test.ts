// What an auditor or regulator reads back from the list on PostgreSQL:
// the append-only ledger row of each event (type, source, time, subject keys, scopes, payload with
// its evidence, no readable address), the recorded Do-Not-Sell request with the agent who made it
// (R-DNS-4, R-DNS-7), and what a STOP in national format outside the US is keyed as (R-SMS-1).
import { createHash } from 'node:crypto';
import { type DbHandle, schema } from '@sp/db';
import { toSubject } from '@sp/identity';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  checkMany,
  history,
  listDnsRequests,
  revealAddress,
  type SuppressionContext,
} from '../src/index';
import { planEvent } from '../src/plan';
import { email, ev, openListDb, phone, type TestDb } from './helpers';

let t: TestDb;
let h: DbHandle;
let ctx: SuppressionContext;
beforeAll(async () => {
  t = await openListDb();
  ({ h, ctx } = t);
});
afterAll(async () => t?.close());

const ledgerRow = async (eventId: string) =>
  (await h.db.select().from(schema.ledger).where(eq(schema.ledger.eventId, eventId)))[0];
const keyOf = (type: 'email' | 'phone', value: string) => ctx.keyer.keyOf(toSubject(type, value));

describe('the ledger: one row per event, as an auditor reads it (R-DNS-7)', () => {
  it('an opt-out: its type, source, time, key, scope, and the data and evidence without the address', async () => {
    const e = email('ledger');
    const opt = {
      ...ev.optOut(e, '2026-03-01T10:00:00Z', { topic: 'ink' }),
      evidence: { ip: 'hashed', via: 'link' },
    };
    await apply(ctx, [opt]);
    const row = await ledgerRow(opt.id);
    const key = keyOf('email', e);
    expect(row).toMatchObject({
      type: 'consent.email-optout.v1',
      source: 'test',
      occurredAt: new Date('2026-03-01T10:00:00Z'),
      subjectKeys: [key],
      keyId: 'p1',
    });
    expect(row?.scopes).toEqual([
      expect.objectContaining({
        subjectKey: key,
        channel: 'email',
        purpose: 'marketing',
        topic: 'ink',
        suppressed: true,
      }),
    ]);
    expect(row?.payload).toEqual({
      data: { method: 'link', topic: 'ink', subjectKey: key },
      evidence: { ip: 'hashed', via: 'link' },
    });
    expect(JSON.stringify(row).toLowerCase()).not.toContain(e.toLowerCase());
  });

  it('an admin block keeps who did it and why, in the ledger and on the check answer', async () => {
    const e = email('admin');
    const block = ev.admin(
      { type: 'email', value: e },
      'suppress',
      { channel: 'any', purpose: 'all', topic: '*' },
      '2026-03-02T10:00:00Z',
    );
    await apply(ctx, [block]);
    const row = await ledgerRow(block.id);
    expect(row?.payload).toMatchObject({
      data: {
        actor: 'ops@brand.example',
        reason: 'customer called support',
        action: 'suppress',
        subjectType: 'email',
      },
    });
    const [answer] = await checkMany(ctx, [
      { subject: { type: 'email', value: e }, channel: 'email', kind: 'transactional' },
    ]);
    expect(answer).toMatchObject({
      allowed: false,
      reasons: [
        {
          channel: 'any',
          purpose: 'all',
          topic: '*',
          reason: 'admin',
          eventId: block.id,
          detail: { actor: 'ops@brand.example', reason: 'customer called support' },
        },
      ],
    });
  });

  it('a STOP keeps the brand number it was sent to and the keyword reading; a complaint its kind', async () => {
    const p = phone();
    const stop = ev.sms(p, 'opt-out', '2026-03-03T10:00:00Z', { optOutType: 'STOP' });
    const e = email('complaint');
    const complaint = ev.complaint(e, 'arf', '2026-03-03T10:00:00Z');
    await apply(ctx, [stop, complaint]);
    const stopRow = await ledgerRow(stop.id);
    expect(stopRow?.payload).toMatchObject({
      data: { to: '+14155550100', body: 'STOP', subjectKey: keyOf('phone', p) },
      intent: 'opt-out',
    });
    const [sms] = await checkMany(ctx, [
      { subject: { type: 'phone', value: p }, channel: 'sms', kind: 'marketing' },
    ]);
    expect(sms?.reasons).toEqual([
      expect.objectContaining({ reason: 'sms-stop', detail: { to: '+14155550100', optOutType: 'STOP' } }),
    ]);
    // Issue 15: a body that is more than a keyword may name the person; the ledger keeps its digest.
    const p2 = phone();
    const text = 'Stop texting me, this is Dana Whitfield at 12 Elm St';
    const long = ev.sms(p2, 'opt-out', '2026-03-03T10:05:00Z', { body: text });
    await apply(ctx, [long]);
    const longRow = await ledgerRow(long.id);
    expect(JSON.stringify(longRow?.payload)).not.toContain('Whitfield');
    expect(longRow?.payload).toMatchObject({
      data: { bodySha256: createHash('sha256').update(text).digest('hex'), bodyLength: text.length },
    });
    const [c] = await checkMany(ctx, [
      { subject: { type: 'email', value: e }, channel: 'email', kind: 'marketing' },
    ]);
    expect(c?.reasons).toEqual([expect.objectContaining({ reason: 'complaint', detail: { kind: 'arf' } })]);
  });
});

describe('the recorded Do-Not-Sell request (R-DNS-4, R-DNS-5, R-DNS-7, R-DNS-8)', () => {
  it('an authorized agent with the permission reference: honoured, the agent recorded, asking again after 12 months', async () => {
    const e = email('agent');
    const agent = { name: 'Privacy Helpers LLC', permissionRef: 'signed-permission-2026-117' };
    const req = ev.dns({ email: e }, '2026-03-04T10:00:00Z', { method: 'authorized-agent', agent });
    await apply(ctx, [req]);
    const [rec] = await listDnsRequests(ctx, { subject: { type: 'email', value: e } });
    expect(rec).toMatchObject({
      method: 'authorized-agent',
      agent,
      response: 'honored',
      asked: ['sale_share'],
      gpc: false,
    });
    const [sale] = await checkMany(ctx, [
      { subject: { type: 'email', value: e }, channel: 'email', kind: 'sale_share' },
    ]);
    expect(sale).toMatchObject({
      allowed: false,
      reasons: [
        {
          reason: 'do-not-sell',
          askAgainAfter: '2027-03-04T10:00:00.000Z',
          detail: { method: 'authorized-agent', gpc: false },
        },
      ],
    });
  });

  it('an agent without any agent record is refused with the reason, and nothing is written', async () => {
    const e = email('noperm');
    const req = ev.dns({ email: e }, '2026-03-05T10:00:00Z', { method: 'authorized-agent' });
    await expect(apply(ctx, [req])).rejects.toThrow(
      'agent is required when method is authorized-agent (R-DNS-4)',
    );
    expect(await listDnsRequests(ctx, { subject: { type: 'email', value: e } })).toEqual([]);
    const [sale] = await checkMany(ctx, [
      { subject: { type: 'email', value: e }, channel: 'email', kind: 'sale_share' },
    ]);
    expect(sale?.allowed).toBe(true);
  });

  it('the combined form without an email is recorded as partial; with one it stops marketing email too', async () => {
    const p = phone();
    const partial = ev.dns({ phone: p }, '2026-03-06T10:00:00Z', { combinedForm: true, gpc: true });
    const e = email('combined');
    const full = ev.dns({ email: e }, '2026-03-06T10:00:00Z', { combinedForm: true });
    await apply(ctx, [partial, full]);
    const [pr] = await listDnsRequests(ctx, { subject: { type: 'phone', value: p } });
    expect(pr).toMatchObject({
      response: 'partial',
      asked: ['sale_share', 'email_marketing'],
      gpc: true,
      combinedForm: true,
      agent: null,
      denialReason: 'combined form without an email address: marketing email part not applied',
    });
    const [fr] = await listDnsRequests(ctx, { subject: { type: 'email', value: e } });
    expect(fr).toMatchObject({ response: 'honored', denialReason: null });
    const [m] = await checkMany(ctx, [
      { subject: { type: 'email', value: e }, channel: 'email', kind: 'marketing' },
    ]);
    expect(m?.reasons).toEqual([
      expect.objectContaining({
        reason: 'do-not-sell-combined-form',
        askAgainAfter: '2027-03-06T10:00:00.000Z',
      }),
    ]);
  });
});

describe("an address's history: every event about it, found by the ledger's subject keys (the audit trail)", () => {
  it('an opt-out, a resubscribe, a complaint, a transient bounce and an admin lift all appear, in order, with a readable copy kept', async () => {
    const e = email('trail');
    const events = [
      ev.optOut(e, '2026-03-10T10:00:00Z'),
      ev.resubscribe(e, '2026-03-11T10:00:00Z'),
      ev.complaint(e, 'ses', '2026-03-12T10:00:00Z'),
      ev.bounce(e, 'Transient', '2026-03-13T10:00:00Z'),
      ev.admin(
        { type: 'email', value: e },
        'lift',
        { channel: 'email', purpose: 'marketing', topic: '*' },
        '2026-03-14T10:00:00Z',
      ),
    ];
    await apply(ctx, events);
    const trail = await history(ctx, { type: 'email', value: e });
    expect(trail.map((x) => x.eventId)).toEqual(events.map((x) => x.id));
    for (const x of events) expect((await ledgerRow(x.id))?.subjectKeys).toEqual([keyOf('email', e)]);
    const [answer] = await checkMany(ctx, [
      { subject: { type: 'email', value: e }, channel: 'email', kind: 'marketing' },
    ]);
    expect(await revealAddress(ctx, answer!.subjectKey)).toBe(e.toLowerCase());
  });
});

describe('a Do-Not-Sell request with every identifier, as the ledger and the request log keep it (R-DNS-7)', () => {
  it('one ledger row with the four keys and the data by field, its evidence; the request with its agent, times and retention', async () => {
    const e = email('all-ids');
    const p = phone();
    const agent = { name: 'Privacy Helpers LLC', permissionRef: 'perm-2026-204' };
    const req = {
      ...ev.dns({ email: e, phone: p, customerId: 'cust-77', deviceId: 'dev-77' }, '2026-03-08T10:00:00Z', {
        method: 'authorized-agent',
        agent,
        gpc: true,
      }),
      evidence: { formId: 'dns-v3', ipHash: 'h:9f' },
    };
    const respondedAt = new Date('2026-03-08T10:00:05Z');
    await apply({ ...ctx, clock: () => respondedAt, dnsRetentionMonths: 36 }, [req]);
    const keys = {
      email: keyOf('email', e),
      phone: keyOf('phone', p),
      customerId: ctx.keyer.keyOf(toSubject('customer', 'cust-77')),
      deviceId: ctx.keyer.keyOf(toSubject('device', 'dev-77')),
    };
    const requestId = (req.data as { requestId: string }).requestId;
    const row = await ledgerRow(req.id);
    expect(row).toMatchObject({
      type: 'privacy.do-not-sell.v1',
      occurredAt: new Date('2026-03-08T10:00:00Z'),
      subjectKeys: Object.values(keys),
      payload: {
        data: {
          requestId,
          method: 'authorized-agent',
          gpc: true,
          combinedForm: false,
          agent,
          subjectKeys: keys,
        },
        evidence: { formId: 'dns-v3', ipHash: 'h:9f' },
      },
    });
    expect(JSON.stringify(row)).not.toMatch(/cust-77|dev-77/);
    expect(JSON.stringify(row).toLowerCase()).not.toContain(e.toLowerCase());
    const [rec] = await listDnsRequests(ctx, { subject: { type: 'device', value: 'dev-77' } });
    expect(rec).toEqual({
      requestId,
      eventId: req.id,
      requestedAt: '2026-03-08T10:00:00.000Z',
      asked: ['sale_share'],
      method: 'authorized-agent',
      gpc: true,
      combinedForm: false,
      agent,
      subjectKeys: Object.values(keys),
      respondedAt: '2026-03-08T10:00:05.000Z',
      response: 'honored',
      denialReason: null,
      retainUntil: '2029-03-08T10:00:00.000Z',
    });
  });

  it('a retention setting below 24 months keeps the record 24 months all the same', async () => {
    const e = email('short');
    const req = ev.dns({ email: e }, '2026-03-09T10:00:00Z');
    await apply({ ...ctx, dnsRetentionMonths: 6 }, [req]);
    const [rec] = await listDnsRequests(ctx, { subject: { type: 'email', value: e } });
    expect(rec?.retainUntil).toBe('2028-03-09T10:00:00.000Z');
  });

  it('a text keeps its MessageSid as evidence beside the keyword', async () => {
    const p = phone();
    const stop = {
      ...ev.sms(p, 'opt-out', '2026-03-09T11:00:00Z', { messageSid: 'SM0001' }),
      evidence: { sid: 'SM0001' },
    };
    await apply(ctx, [stop]);
    expect((await ledgerRow(stop.id))?.payload).toEqual({
      data: { to: '+14155550100', body: 'STOP', messageSid: 'SM0001', subjectKey: keyOf('phone', p) },
      intent: 'opt-out',
      evidence: { sid: 'SM0001' },
    });
  });
});

describe('keys and settings of the plan', () => {
  it('a national-format STOP is read in the region the text came with, not the default (R-SMS-1)', () => {
    const stop = ev.sms('020 7946 0018', 'opt-out', '2026-03-07T10:00:00Z', { defaultRegion: 'GB' });
    const plan = planEvent(ctx, stop);
    expect(plan.subjects[0]?.subject).toEqual({ type: 'phone', value: '+442079460018' });
    expect(plan.writes[0]?.subjectKey).toBe(keyOf('phone', '+442079460018'));
  });

  it('R-SMS-8: revoke one, revoke all by default; marketing only when configured so', () => {
    const stop = ev.sms(phone(), 'opt-out', '2026-03-07T10:00:00Z');
    expect(planEvent(ctx, stop).writes.map((w) => w.purpose)).toEqual(['all']);
    expect(planEvent({ ...ctx, revokeAllSms: true }, stop).writes.map((w) => w.purpose)).toEqual(['all']);
    expect(planEvent({ ...ctx, revokeAllSms: false }, stop).writes.map((w) => w.purpose)).toEqual([
      'marketing',
    ]);
  });

  it('a transient bounce is recorded and blocks nothing; a permanent one blocks all email with its subtype', () => {
    expect(planEvent(ctx, ev.bounce(email('t'), 'Transient', '2026-03-07T10:00:00Z')).writes).toEqual([]);
    const hard = planEvent(ctx, ev.bounce(email('h'), 'Permanent', '2026-03-07T10:00:00Z'));
    expect(hard.writes).toEqual([
      expect.objectContaining({
        channel: 'email',
        purpose: 'all',
        reason: 'hard-bounce',
        detail: { bounceSubType: null },
      }),
    ]);
  });
});
