// DESIGN.md "The list": one test per row of the scope table, plus the check rules (DESIGN.md "Check").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, check, checkMany, listDnsRequests } from '../src/index';
import { email, ev, openListDb, phone, type TestDb } from './helpers';

let t: TestDb;
beforeAll(async () => {
  t = await openListDb();
});
afterAll(async () => t?.close());

const mail = (value: string) => ({ type: 'email' as const, value });
const tel = (value: string) => ({ type: 'phone' as const, value });

describe('scope table (DESIGN.md "The list")', () => {
  it('row "unsubscribe from topic T" writes email/marketing/T: T blocked, other topics and transactional allowed (R-EM-1)', async () => {
    const e = email();
    const r = await apply(t.ctx, [ev.optOut(e, '2026-03-01T10:00:00Z', { topic: 'ink-deals' })]);
    expect(r.changes).toMatchObject([
      { channel: 'email', purpose: 'marketing', topic: 'ink-deals', suppressed: true },
    ]);
    const [onT, other, general, tx] = await checkMany(t.ctx, [
      { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'ink-deals' },
      { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'printer-tips' },
      { subject: mail(e), channel: 'email', kind: 'marketing' },
      { subject: mail(e), channel: 'email', kind: 'transactional' },
    ]);
    expect(onT!.allowed).toBe(false);
    expect(onT!.reasons).toMatchObject([
      { reason: 'email-optout', topic: 'ink-deals', source: 'test', since: '2026-03-01T10:00:00.000Z' },
    ]);
    expect(other!.allowed).toBe(true);
    expect(general!.allowed).toBe(true);
    expect(tx!.allowed).toBe(true);
  });

  it('row "unsubscribe from all, one-click without topic, reply or support request" writes email/marketing/* (R-EM-1, R-OC-2)', async () => {
    for (const [method, topic] of [
      ['link', '*'],
      ['one-click', undefined],
      ['reply', undefined],
      ['support', undefined],
      ['mailto', undefined],
    ] as const) {
      const e = email(method);
      const r = await apply(t.ctx, [
        ev.optOut(e, '2026-03-01T10:00:00Z', { method, ...(topic ? { topic } : {}) }),
      ]);
      expect(r.changes).toMatchObject([
        { channel: 'email', purpose: 'marketing', topic: '*', suppressed: true },
      ]);
      const [anyTopic, general, tx] = await checkMany(t.ctx, [
        { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'printer-tips' },
        { subject: mail(e), channel: 'email', kind: 'marketing' },
        { subject: mail(e), channel: 'email', kind: 'transactional' },
      ]);
      expect(anyTopic!.allowed, method).toBe(false);
      expect(general!.allowed, method).toBe(false);
      expect(tx!.allowed, `${method}: transactional is exempt (R-EM-5)`).toBe(true);
    }
  });

  it('row "STOP / opt-out keyword / free-text revocation" writes sms/all/*: every SMS blocked but the one confirmation (R-SMS-1, R-SMS-2, R-SMS-3)', async () => {
    const p = phone();
    const r = await apply(t.ctx, [
      ev.sms(p, 'opt-out', '2026-03-01T10:00:00Z', { body: 'please stop texting me' }),
    ]);
    expect(r.changes).toMatchObject([
      { channel: 'sms', purpose: 'all', topic: '*', suppressed: true, reason: 'sms-stop' },
    ]);
    const [mkt, tx, confirmation, mailToo] = await checkMany(t.ctx, [
      { subject: tel(p), channel: 'sms', kind: 'marketing' },
      { subject: tel(p), channel: 'sms', kind: 'transactional' },
      { subject: tel(p), channel: 'sms', kind: 'transactional', smsOptOutConfirmation: true },
      { subject: tel(p), channel: 'email', kind: 'marketing' },
    ]);
    expect(mkt!.allowed).toBe(false);
    expect(tx!.allowed).toBe(false); // TCPA: transactional texts too
    expect(confirmation!.allowed).toBe(true);
    expect(mailToo!.allowed).toBe(true);
  });

  it('an SMS opt-out is keyed by the sender phone only, so it covers every brand number (R-SMS-7) and national format matches E.164', async () => {
    const p = phone();
    await apply(t.ctx, [ev.sms(p, 'opt-out', '2026-03-01T10:00:00Z', { to: '+14155550111' })]);
    const national = `(${p.slice(2, 5)}) ${p.slice(5, 8)}-${p.slice(8)}`;
    const res = await check(t.ctx, { subject: tel(national), channel: 'sms', kind: 'marketing' });
    expect(res.allowed).toBe(false);
  });

  it('with revokeAllSms off, an SMS opt-out writes sms/marketing/* only (R-SMS-8 setting)', async () => {
    const p = phone();
    const ctx = { ...t.ctx, revokeAllSms: false };
    await apply(ctx, [ev.sms(p, 'opt-out', '2026-03-01T10:00:00Z')]);
    const [mkt, tx] = await checkMany(ctx, [
      { subject: tel(p), channel: 'sms', kind: 'marketing' },
      { subject: tel(p), channel: 'sms', kind: 'transactional' },
    ]);
    expect(mkt!.allowed).toBe(false);
    expect(tx!.allowed).toBe(true);
  });

  it('row "START, UNSTOP, YES after a STOP" lifts sms/all/* only if newer than the STOP (R-SMS-4)', async () => {
    const p = phone();
    await apply(t.ctx, [ev.sms(p, 'opt-out', '2026-03-01T10:00:00Z')]);
    // A START that happened before the STOP but arrives later changes nothing.
    const late = await apply(t.ctx, [ev.sms(p, 'opt-in', '2026-03-01T09:59:59Z')]);
    expect(late.changes).toEqual([]);
    expect((await check(t.ctx, { subject: tel(p), channel: 'sms', kind: 'marketing' })).allowed).toBe(false);
    const start = await apply(t.ctx, [ev.sms(p, 'opt-in', '2026-03-01T10:05:00Z', { body: 'UNSTOP' })]);
    expect(start.changes).toMatchObject([
      { channel: 'sms', purpose: 'all', suppressed: false, reason: 'sms-start' },
    ]);
    expect((await check(t.ctx, { subject: tel(p), channel: 'sms', kind: 'marketing' })).allowed).toBe(true);
  });

  it('HELP and unclassified texts are recorded in the ledger only (R-SMS-4)', async () => {
    const p = phone();
    const r = await apply(t.ctx, [
      ev.sms(p, 'help', '2026-03-01T10:00:00Z'),
      ev.sms(p, 'none', '2026-03-01T10:01:00Z'),
    ]);
    expect(r.applied).toHaveLength(2);
    expect(r.changes).toEqual([]);
  });

  it('row "Do-Not-Sell/Share" writes any/sale_share/* for every identifier given, with ask-again-after = +12 months (R-DNS-1, R-DNS-5)', async () => {
    const e = email();
    const p = phone();
    const device = `dev-${crypto.randomUUID()}`;
    const customer = `cust-${crypto.randomUUID()}`;
    const r = await apply(t.ctx, [
      ev.dns({ email: e, phone: p, deviceId: device, customerId: customer }, '2026-03-01T10:00:00Z', {
        method: 'gpc',
        gpc: true,
      }),
    ]);
    expect(r.changes).toHaveLength(4);
    expect(r.changes.every((c) => c.channel === 'any' && c.purpose === 'sale_share' && c.suppressed)).toBe(
      true,
    );
    const results = await checkMany(t.ctx, [
      { subject: mail(e), channel: 'email', kind: 'sale_share' },
      { subject: tel(p), channel: 'sms', kind: 'sale_share' },
      { subject: { type: 'device', value: device }, channel: 'email', kind: 'sale_share' },
      { subject: { type: 'customer', value: customer }, channel: 'email', kind: 'sale_share' },
      { subject: mail(e), channel: 'email', kind: 'marketing' },
    ]);
    for (const res of results.slice(0, 4)) {
      expect(res.allowed).toBe(false);
      expect(res.reasons[0]).toMatchObject({
        reason: 'do-not-sell',
        askAgainAfter: '2027-03-01T10:00:00.000Z',
      });
    }
    expect(results[4]!.allowed).toBe(true); // not the combined form: marketing email untouched
  });

  it('row "Do-Not-Sell/Share" through the combined form also writes email/marketing/* (R-DNS-8)', async () => {
    const e = email();
    await apply(t.ctx, [ev.dns({ email: e }, '2026-03-01T10:00:00Z', { combinedForm: true })]);
    const [sale, mkt, tx] = await checkMany(t.ctx, [
      { subject: mail(e), channel: 'email', kind: 'sale_share' },
      { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'ink-deals' },
      { subject: mail(e), channel: 'email', kind: 'transactional' },
    ]);
    expect(sale!.allowed).toBe(false);
    expect(mkt!.allowed).toBe(false);
    expect(mkt!.reasons).toMatchObject([
      { reason: 'do-not-sell-combined-form', channel: 'email', topic: '*' },
    ]);
    expect(tx!.allowed).toBe(true);
  });

  it('every Do-Not-Sell request is logged with date, what, how, date and nature of the response and reason for a partial answer; retention >= 24 months (R-DNS-7, R-DNS-4)', async () => {
    const e = email();
    const ok = ev.dns({ email: e }, '2026-04-01T10:00:00Z', {
      method: 'authorized-agent',
      agent: { name: 'Agent A', permissionRef: 'perm-1' },
      combinedForm: true,
    });
    // Same person by email and phone; the combined form without an email can only be honored in part.
    const p = phone();
    const partial = ev.dns({ email: e, phone: p }, '2026-04-02T10:00:00Z', { method: 'phone' });
    const noEmail = ev.dns({ phone: p }, '2026-04-03T10:00:00Z', { method: 'phone', combinedForm: true });
    await apply({ ...t.ctx, dnsRetentionMonths: 6 /* clamped to 24 */ }, [ok, partial, noEmail]);
    // R-DNS-4: an agent request without the consumer's permission reference is refused at validation.
    const noPermission = ev.dns({ email: e }, '2026-04-04T10:00:00Z', {
      method: 'authorized-agent',
      agent: { name: 'Agent B', permissionRef: '' },
    });
    await expect(apply(t.ctx, [noPermission])).rejects.toMatchObject({ field: 'data.agent.permissionRef' });
    const log = await listDnsRequests(t.ctx, { subject: mail(e) });
    expect(log).toMatchObject([
      {
        eventId: ok.id,
        requestedAt: '2026-04-01T10:00:00.000Z',
        asked: ['sale_share', 'email_marketing'],
        method: 'authorized-agent',
        response: 'honored',
        denialReason: null,
        retainUntil: '2028-04-01T10:00:00.000Z',
      },
      { eventId: partial.id, method: 'phone', response: 'honored', asked: ['sale_share'] },
    ]);
    const byPhone = await listDnsRequests({ ...t.ctx }, { subject: tel(p) });
    expect(byPhone.map((r) => r.response)).toEqual(['honored', 'partial']);
    expect(byPhone[1]!.denialReason).toMatch(/without an email/);
    const long = await listDnsRequests(
      { ...t.ctx, dnsRetentionMonths: 84 },
      { since: new Date('2026-04-03T00:00:00Z') },
    );
    expect(long.map((r) => r.eventId)).toContain(noEmail.id);
    expect(log[0]!.respondedAt).not.toBeNull();
  });

  it('a subject flagged as a minor is never sold/shared (R-DNS-6)', async () => {
    const device = `dev-${crypto.randomUUID()}`;
    const e = email();
    await apply(t.ctx, [ev.dns({ deviceId: device, email: e }, '2026-03-01T10:00:00Z', { minor: true })]);
    const res = await check(t.ctx, {
      subject: { type: 'device', value: device },
      channel: 'email',
      kind: 'sale_share',
    });
    expect(res.allowed).toBe(false);
    expect(res.reasons.map((r) => r.reason).sort()).toEqual(['do-not-sell', 'minor']);
  });

  it('row "spam complaint (ARF, forwarded spam, SES complaint)" writes email/marketing/* (R-AB-1, R-AB-2, R-AB-3)', async () => {
    for (const kind of ['arf', 'forwarded', 'ses'] as const) {
      const e = email(kind);
      const r = await apply(t.ctx, [ev.complaint(e, kind, '2026-03-01T10:00:00Z')]);
      expect(r.changes).toMatchObject([
        { channel: 'email', purpose: 'marketing', topic: '*', reason: 'complaint' },
      ]);
      const [mkt, tx] = await checkMany(t.ctx, [
        { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'ink-deals' },
        { subject: mail(e), channel: 'email', kind: 'transactional' },
      ]);
      expect(mkt!.allowed, kind).toBe(false);
      expect(tx!.allowed, kind).toBe(true);
    }
  });

  it('row "hard bounce" writes email/all/*: transactional blocked too; transient bounces only recorded (R-AB-3)', async () => {
    const hard = email('hard');
    const soft = email('soft');
    const r = await apply(t.ctx, [
      ev.bounce(hard, 'Permanent', '2026-03-01T10:00:00Z'),
      ev.bounce(soft, 'Transient', '2026-03-01T10:00:00Z'),
      ev.bounce(soft, 'Undetermined', '2026-03-01T10:01:00Z'),
    ]);
    expect(r.applied).toHaveLength(3);
    expect(r.changes).toMatchObject([
      { channel: 'email', purpose: 'all', topic: '*', reason: 'hard-bounce' },
    ]);
    const [hm, ht, sm, st, smsToo] = await checkMany(t.ctx, [
      { subject: mail(hard), channel: 'email', kind: 'marketing' },
      { subject: mail(hard), channel: 'email', kind: 'transactional' },
      { subject: mail(soft), channel: 'email', kind: 'marketing' },
      { subject: mail(soft), channel: 'email', kind: 'transactional' },
      { subject: mail(hard), channel: 'email', kind: 'sale_share' },
    ]);
    expect([hm!.allowed, ht!.allowed, sm!.allowed, st!.allowed, smsToo!.allowed]).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('row "admin action" writes any scope with the actor and reason, and can lift it', async () => {
    const p = phone();
    await apply(t.ctx, [
      ev.admin(tel(p), 'suppress', { channel: 'any', purpose: 'all', topic: '*' }, '2026-03-01T10:00:00Z'),
    ]);
    const [smsTx, mailTx] = await checkMany(t.ctx, [
      { subject: tel(p), channel: 'sms', kind: 'transactional' },
      { subject: tel(p), channel: 'email', kind: 'transactional' },
    ]);
    expect(smsTx!.allowed).toBe(false);
    expect(mailTx!.allowed).toBe(false);
    expect(smsTx!.reasons[0]).toMatchObject({
      reason: 'admin',
      detail: { actor: 'ops@brand.example', reason: 'customer called support' },
    });
    await apply(t.ctx, [
      ev.admin(tel(p), 'lift', { channel: 'any', purpose: 'all', topic: '*' }, '2026-03-02T10:00:00Z'),
    ]);
    expect((await check(t.ctx, { subject: tel(p), channel: 'sms', kind: 'transactional' })).allowed).toBe(
      true,
    );
  });

  it('row "confirmed resubscribe (double opt-in)" lifts the matching email/marketing entries older than it, never newer ones', async () => {
    const e = email();
    await apply(t.ctx, [ev.optOut(e, '2026-03-01T10:00:00Z')]);
    // Older resubscribe delivered late: the opt-out stays.
    await apply(t.ctx, [ev.resubscribe(e, '2026-02-01T10:00:00Z')]);
    expect((await check(t.ctx, { subject: mail(e), channel: 'email', kind: 'marketing' })).allowed).toBe(
      false,
    );
    // Resubscribe to one topic after "unsubscribe from all" reopens that topic only.
    await apply(t.ctx, [ev.resubscribe(e, '2026-03-02T10:00:00Z', 'ink-deals')]);
    const [ink, tips] = await checkMany(t.ctx, [
      { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'ink-deals' },
      { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'printer-tips' },
    ]);
    expect(ink!.allowed).toBe(true);
    expect(tips!.allowed).toBe(false);
    // A confirmed resubscribe to everything lifts the older entries.
    await apply(t.ctx, [ev.resubscribe(e, '2026-03-03T10:00:00Z')]);
    expect(
      (await check(t.ctx, { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'printer-tips' }))
        .allowed,
    ).toBe(true);
    // A complaint after it blocks again; the resubscribe does not reach forward in time.
    await apply(t.ctx, [ev.complaint(e, 'arf', '2026-03-04T10:00:00Z')]);
    expect((await check(t.ctx, { subject: mail(e), channel: 'email', kind: 'marketing' })).allowed).toBe(
      false,
    );
  });

  it('a resubscribe does not lift a hard bounce or a Do-Not-Sell entry (other scopes)', async () => {
    const e = email();
    await apply(t.ctx, [
      ev.bounce(e, 'Permanent', '2026-03-01T10:00:00Z'),
      ev.dns({ email: e }, '2026-03-01T10:00:00Z'),
    ]);
    await apply(t.ctx, [ev.resubscribe(e, '2026-03-05T10:00:00Z')]);
    const [mkt, sale] = await checkMany(t.ctx, [
      { subject: mail(e), channel: 'email', kind: 'marketing' },
      { subject: mail(e), channel: 'email', kind: 'sale_share' },
    ]);
    expect(mkt!.reasons.map((r) => r.reason)).toEqual(['hard-bounce']);
    expect(sale!.allowed).toBe(false);
  });
});

describe('a resubscribe lifts only email opt-outs (DESIGN.md "The list", issue 13)', () => {
  // Across scopes: a resubscribe to topic T under an entry on '*'. (The same scope row is replaced
  // by its newest event, so a resubscribe to '*' must be refused where it is asked for: the
  // preference page does, services/standalone/test/preferences.browser.test.ts.)
  it('never a complaint, a Do-Not-Sell combined-form entry or an admin suppression on email/marketing/*, by a topic resubscribe', async () => {
    const complained = email();
    const dns = email();
    const admin = email();
    await apply(t.ctx, [
      ev.complaint(complained, 'arf', '2026-03-01T10:00:00Z'),
      ev.dns({ email: dns }, '2026-03-01T10:00:00Z', { combinedForm: true }),
      ev.admin(
        mail(admin),
        'suppress',
        { channel: 'email', purpose: 'marketing', topic: '*' },
        '2026-03-01T10:00:00Z',
      ),
    ]);
    for (const e of [complained, dns, admin]) {
      await apply(t.ctx, [ev.resubscribe(e, '2026-03-02T10:00:00Z', 'ink-deals')]);
      const [onT, general] = await checkMany(t.ctx, [
        { subject: mail(e), channel: 'email', kind: 'marketing', topic: 'ink-deals' },
        { subject: mail(e), channel: 'email', kind: 'marketing' },
      ]);
      expect(onT!.allowed).toBe(false);
      expect(general!.allowed).toBe(false);
    }
    // An email opt-out beside them is still the person's own to lift: the other entry holds.
    const both = email();
    await apply(t.ctx, [
      ev.optOut(both, '2026-03-01T10:00:00Z', { topic: 'ink-deals' }),
      ev.complaint(both, 'arf', '2026-03-01T11:00:00Z'),
    ]);
    await apply(t.ctx, [ev.resubscribe(both, '2026-03-02T10:00:00Z', 'ink-deals')]);
    const r = await check(t.ctx, {
      subject: mail(both),
      channel: 'email',
      kind: 'marketing',
      topic: 'ink-deals',
    });
    expect(r.reasons.map((x) => x.reason)).toEqual(['complaint']);
  });
});

describe('state ordering rules', () => {
  it('on a tie of occurredAt, suppression wins, whatever the delivery order', async () => {
    const a = email();
    const b = email();
    const ts = '2026-03-01T10:00:00Z';
    await apply(t.ctx, [ev.optOut(a, ts), ev.resubscribe(a, ts)]);
    await apply(t.ctx, [ev.resubscribe(b, ts)]);
    await apply(t.ctx, [ev.optOut(b, ts)]);
    const [ra, rb] = await checkMany(t.ctx, [
      { subject: mail(a), channel: 'email', kind: 'marketing' },
      { subject: mail(b), channel: 'email', kind: 'marketing' },
    ]);
    expect(ra!.allowed).toBe(false);
    expect(rb!.allowed).toBe(false);
  });

  it('an out-of-order older opt-out never erases a newer resubscribe', async () => {
    const e = email();
    await apply(t.ctx, [ev.resubscribe(e, '2026-03-02T10:00:00Z')]);
    const r = await apply(t.ctx, [ev.optOut(e, '2026-03-01T10:00:00Z')]);
    expect(r.changes).toEqual([]);
    expect((await check(t.ctx, { subject: mail(e), channel: 'email', kind: 'marketing' })).allowed).toBe(
      true,
    );
  });

  it('R-EM-4: an address opted out of marketing email is excluded from sale/share too', async () => {
    const e = email();
    await apply(t.ctx, [ev.optOut(e, '2026-03-01T10:00:00Z')]);
    const res = await check(t.ctx, { subject: mail(e), channel: 'email', kind: 'sale_share' });
    expect(res.allowed).toBe(false);
    expect(res.reasons[0]).toMatchObject({ reason: 'email-optout' });
  });

  it('checkMany answers in query order; an unknown subject is allowed with no reasons', async () => {
    const e = email();
    await apply(t.ctx, [ev.optOut(e, '2026-03-01T10:00:00Z')]);
    const fresh = email();
    const res = await checkMany(t.ctx, [
      { subject: mail(fresh), channel: 'email', kind: 'marketing' },
      { subject: mail(e), channel: 'email', kind: 'marketing' },
    ]);
    expect(res.map((r) => r.allowed)).toEqual([true, false]);
    expect(res[0]!.reasons).toEqual([]);
    expect(res[0]!.subjectKey).not.toEqual(res[1]!.subjectKey);
  });
});
