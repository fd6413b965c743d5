// planEvent(): what one event will make the list record, before any database — the entries a check
// will name (scope, reason, detail, ask-again date), the ledger payload an auditor reads (subject
// keys, never a readable address; the evidence as received), the Do-Not-Sell request record with
// its agent and response (R-DNS-4/5/7/8), and the minor flags (R-DNS-6). records.test.ts reads the
// same things back from the database.
import { createHash, randomUUID } from 'node:crypto';
import { ValidationError } from '@sp/contracts';
import { createKeyer, type Subject, toSubject } from '@sp/identity';
import { describe, expect, it } from 'vitest';
import type { ListEvent } from '../src/index';
import { type PlanContext, planEvent, smsBodyEvidence } from '../src/plan';
import { ev, PEPPERS } from './helpers';

const ctx: PlanContext = {
  keyer: createKeyer({ peppers: PEPPERS, currentKeyId: 'p1' }),
  defaultRegion: 'US',
};
const keyOf = (type: Subject['type'], value: string, region?: string) =>
  ctx.keyer.keyOf(toSubject(type, value, region ? { defaultRegion: region } : {}));
const E = 'Ana.Lopez@Example.com';
const P = '+14155552671';
const AT = '2026-03-01T10:00:00.000Z';

describe('what the ledger keeps of a text body (issue 15: nothing readable about a person)', () => {
  const digest = (body: string) => ({
    bodySha256: createHash('sha256').update(body, 'utf8').digest('hex'),
    bodyLength: body.length,
  });

  it('a bare keyword is kept as sent, with its punctuation and spaces', () => {
    for (const body of ['STOP', 'Stop!!', ' arrêt \n', 'baja.', 'unsubscribe?', 'x', 'abcdefghijklmnop']) {
      expect(smsBodyEvidence(body), body).toEqual({ body });
    }
  });

  it('anything else is kept as its SHA-256 and length only', () => {
    for (const body of [
      'Stop texting me, this is Dana Whitfield',
      '12 Elm St',
      'Stop 12',
      'J.Smith',
      'STOP1',
      'stop me',
      '',
      '!!!',
      'abcdefghijklmnopq', // one letter longer than any keyword
      'Para, soy Begoña',
    ]) {
      expect(smsBodyEvidence(body), body).toEqual(digest(body));
    }
  });
});

describe('email events: the entry, and a ledger payload without the address', () => {
  it('an opt-out from one topic, and from all (no topic)', () => {
    const one = { ...ev.optOut(E, AT, { topic: 'ink', campaignId: 'c-7' }), evidence: { ip: 'h:ab12' } };
    const plan = planEvent(ctx, one);
    expect(plan).toEqual({
      eventId: one.id,
      type: 'consent.email-optout.v1',
      source: 'test',
      occurredAt: new Date(AT),
      subjects: [{ subject: { type: 'email', value: 'ana.lopez@example.com' }, key: keyOf('email', E) }],
      writes: [
        {
          subjectKey: keyOf('email', E),
          channel: 'email',
          purpose: 'marketing',
          topic: 'ink',
          suppressed: true,
          reason: 'email-optout',
          askAgainAfter: null,
          detail: { method: 'link' },
        },
      ],
      payload: {
        data: { method: 'link', topic: 'ink', campaignId: 'c-7', subjectKey: keyOf('email', E) },
        evidence: { ip: 'h:ab12' },
      },
      minorKeys: [],
      dns: null,
    });
    const all = planEvent(ctx, ev.optOut(E, AT));
    expect(all.writes.map((w) => w.topic)).toEqual(['*']);
    expect(all.payload).toEqual({ data: { method: 'link', subjectKey: keyOf('email', E) }, evidence: null });
  });

  it('a confirmed resubscribe lifts marketing for its topic (or all), keeping the confirmation', () => {
    const r = ev.resubscribe(E, AT, 'ink');
    const plan = planEvent(ctx, r);
    expect(plan.writes).toEqual([
      {
        subjectKey: keyOf('email', E),
        channel: 'email',
        purpose: 'marketing',
        topic: 'ink',
        suppressed: false,
        reason: 'resubscribe',
        askAgainAfter: null,
        detail: null,
      },
    ]);
    expect(plan.payload).toEqual({
      data: {
        topic: 'ink',
        confirmationId: (r.data as { confirmationId: string }).confirmationId,
        subjectKey: keyOf('email', E),
      },
      evidence: null,
    });
    expect(planEvent(ctx, ev.resubscribe(E, AT)).writes.map((w) => w.topic)).toEqual(['*']);
  });

  it('a complaint blocks marketing email with its kind; only a permanent bounce blocks all email (R-AB-3)', () => {
    const c = planEvent(ctx, ev.complaint(E, 'forwarded', AT));
    expect(c.writes).toEqual([
      expect.objectContaining({
        channel: 'email',
        purpose: 'marketing',
        topic: '*',
        suppressed: true,
        reason: 'complaint',
        detail: { kind: 'forwarded' },
      }),
    ]);
    expect(c.payload).toEqual({ data: { kind: 'forwarded', subjectKey: keyOf('email', E) }, evidence: null });
    const hard = ev.bounce(E, 'Permanent', AT);
    (hard.data as Record<string, unknown>).bounceSubType = 'Suppressed';
    expect(planEvent(ctx, hard).writes).toEqual([
      {
        subjectKey: keyOf('email', E),
        channel: 'email',
        purpose: 'all',
        topic: '*',
        suppressed: true,
        reason: 'hard-bounce',
        askAgainAfter: null,
        detail: { bounceSubType: 'Suppressed' },
      },
    ]);
    const soft = planEvent(ctx, ev.bounce(E, 'Undetermined', AT));
    expect(soft.writes).toEqual([]);
    expect(soft.payload).toEqual({
      data: { bounceType: 'Undetermined', subjectKey: keyOf('email', E) },
      evidence: null,
    });
  });
});

describe('texts (R-SMS-1, R-SMS-7, R-SMS-8)', () => {
  it('STOP blocks every text to the number, START lifts it, HELP and anything else change nothing', () => {
    const stop = planEvent(ctx, ev.sms(P, 'opt-out', AT, { optOutType: 'STOP', messageSid: 'SM1' }));
    expect(stop.writes).toEqual([
      {
        subjectKey: keyOf('phone', P),
        channel: 'sms',
        purpose: 'all',
        topic: '*',
        suppressed: true,
        reason: 'sms-stop',
        askAgainAfter: null,
        detail: { to: '+14155550100', optOutType: 'STOP' },
      },
    ]);
    expect(stop.payload).toEqual({
      data: {
        to: '+14155550100',
        body: 'STOP',
        optOutType: 'STOP',
        messageSid: 'SM1',
        subjectKey: keyOf('phone', P),
      },
      intent: 'opt-out',
      evidence: null,
    });
    const start = planEvent(ctx, ev.sms(P, 'opt-in', AT));
    expect(start.writes).toEqual([
      {
        subjectKey: keyOf('phone', P),
        channel: 'sms',
        purpose: 'all',
        topic: '*',
        suppressed: false,
        reason: 'sms-start',
        askAgainAfter: null,
        detail: { to: '+14155550100' },
      },
    ]);
    for (const intent of ['help', 'none'] as const) {
      const p = planEvent(ctx, ev.sms(P, intent, AT, { body: 'HELP' }));
      expect(p.writes, intent).toEqual([]);
      expect(p.payload, intent).toMatchObject({ intent, data: { body: 'HELP' } });
    }
  });

  it('with revoke-all off, STOP and START touch marketing texts only', () => {
    const off = { ...ctx, revokeAllSms: false };
    expect(planEvent(off, ev.sms(P, 'opt-out', AT)).writes.map((w) => w.purpose)).toEqual(['marketing']);
    expect(planEvent(off, ev.sms(P, 'opt-in', AT)).writes.map((w) => w.purpose)).toEqual(['marketing']);
    expect(planEvent({ ...ctx, revokeAllSms: true }, ev.sms(P, 'opt-in', AT)).writes[0]?.purpose).toBe('all');
  });

  it('a national-format number is keyed in the region the text came with, else the list default', () => {
    const gb = planEvent(ctx, ev.sms('020 7946 0018', 'opt-out', AT, { defaultRegion: 'GB' }));
    expect(gb.subjects).toEqual([
      { subject: { type: 'phone', value: '+442079460018' }, key: keyOf('phone', '+442079460018') },
    ]);
    const us = planEvent(ctx, ev.sms('(415) 555-2671', 'opt-out', AT));
    expect(us.writes[0]?.subjectKey).toBe(keyOf('phone', P));
    const fr = planEvent({ ...ctx, defaultRegion: 'FR' }, ev.sms('06 12 34 56 78', 'opt-out', AT));
    expect(fr.subjects[0]?.subject.value).toBe('+33612345678');
  });
});

describe('Do-Not-Sell (R-DNS-4, R-DNS-5, R-DNS-6, R-DNS-7, R-DNS-8)', () => {
  const requestIdOf = (e: ListEvent) => (e.data as { requestId: string }).requestId;

  it('every identifier given is blocked from sale until asked again after 12 months; the request is recorded', () => {
    const req = {
      ...ev.dns({ email: E, phone: P, customerId: 'cust-42', deviceId: 'dev-9' }, '2026-01-31T10:00:00Z', {
        gpc: true,
        method: 'gpc',
      }),
      evidence: { userAgent: 'h:ua' },
    };
    const plan = planEvent(ctx, req);
    const keys = {
      email: keyOf('email', E),
      phone: keyOf('phone', P),
      customerId: keyOf('customer', 'cust-42'),
      deviceId: keyOf('device', 'dev-9'),
    };
    expect(plan.subjects.map((s) => [s.subject.type, s.key])).toEqual([
      ['email', keys.email],
      ['phone', keys.phone],
      ['customer', keys.customerId],
      ['device', keys.deviceId],
    ]);
    const detail = { method: 'gpc', gpc: true, requestId: requestIdOf(req) };
    // 12 months after the last day of January: the last day of February (never early).
    const askAgainAfter = new Date('2027-01-31T10:00:00Z');
    expect(plan.writes).toEqual(
      Object.values(keys).map((subjectKey) => ({
        subjectKey,
        channel: 'any',
        purpose: 'sale_share',
        topic: '*',
        suppressed: true,
        reason: 'do-not-sell',
        askAgainAfter,
        detail,
      })),
    );
    expect(plan.payload).toEqual({
      data: { requestId: requestIdOf(req), method: 'gpc', gpc: true, combinedForm: false, subjectKeys: keys },
      evidence: { userAgent: 'h:ua' },
    });
    expect(JSON.stringify(plan.payload)).not.toMatch(/ana\.lopez|cust-42|dev-9|4155552671/i);
    expect(plan.dns).toEqual({
      requestId: requestIdOf(req),
      asked: ['sale_share'],
      method: 'gpc',
      gpc: true,
      combinedForm: false,
      agent: null,
      response: 'honored',
      denialReason: null,
    });
    expect(plan.minorKeys).toEqual([]);
  });

  it('a minor is flagged on every identifier of the request (R-DNS-6)', () => {
    const plan = planEvent(ctx, ev.dns({ email: E, deviceId: 'dev-9' }, AT, { minor: true }));
    expect(plan.minorKeys).toEqual([keyOf('email', E), keyOf('device', 'dev-9')]);
    expect(planEvent(ctx, ev.dns({ email: E }, AT, { minor: false })).minorKeys).toEqual([]);
  });

  it('an authorized agent with the permission reference: honoured, the agent recorded (R-DNS-4)', () => {
    const agent = { name: 'Privacy Helpers LLC', permissionRef: 'perm-117' };
    const plan = planEvent(ctx, ev.dns({ phone: P }, AT, { method: 'authorized-agent', agent }));
    expect(plan.dns).toMatchObject({
      method: 'authorized-agent',
      agent,
      response: 'honored',
      denialReason: null,
    });
    expect(plan.writes).toHaveLength(1);
    expect(plan.payload).toMatchObject({ data: { agent } });
  });

  it('an agent without the permission reference is denied with the reason, and blocks nothing', () => {
    // The event schema refuses it first; a direct caller of planEvent (an import) is refused here too.
    for (const agent of [undefined, { name: 'Privacy Helpers LLC', permissionRef: '' }]) {
      const req = ev.dns({ email: E }, AT, { method: 'authorized-agent', agent, minor: true });
      const plan = planEvent(ctx, req);
      expect(plan.writes).toEqual([]);
      expect(plan.minorKeys).toEqual([]);
      expect(plan.subjects.map((s) => s.key)).toEqual([keyOf('email', E)]);
      expect(plan.payload).toMatchObject({ data: { subjectKeys: { email: keyOf('email', E) } } });
      expect(plan.dns).toEqual({
        requestId: requestIdOf(req),
        asked: ['sale_share'],
        method: 'authorized-agent',
        gpc: false,
        combinedForm: false,
        agent: agent ?? null,
        response: 'denied',
        denialReason: "authorized agent request without the consumer's permission reference (R-DNS-4)",
      });
    }
  });

  it('the combined form also stops marketing email; without an address that part is recorded as not applied (R-DNS-8)', () => {
    const withEmail = planEvent(ctx, ev.dns({ email: E, phone: P }, AT, { combinedForm: true }));
    expect(withEmail.writes.map((w) => [w.subjectKey, w.channel, w.purpose, w.topic, w.reason])).toEqual([
      [keyOf('email', E), 'any', 'sale_share', '*', 'do-not-sell'],
      [keyOf('phone', P), 'any', 'sale_share', '*', 'do-not-sell'],
      [keyOf('email', E), 'email', 'marketing', '*', 'do-not-sell-combined-form'],
    ]);
    expect(withEmail.writes[2]).toMatchObject({
      suppressed: true,
      askAgainAfter: new Date('2027-03-01T10:00:00Z'),
    });
    expect(withEmail.dns).toMatchObject({
      asked: ['sale_share', 'email_marketing'],
      combinedForm: true,
      response: 'honored',
      denialReason: null,
    });
    const phoneOnly = planEvent(ctx, ev.dns({ phone: P }, AT, { combinedForm: true }));
    expect(phoneOnly.writes.map((w) => w.reason)).toEqual(['do-not-sell']);
    expect(phoneOnly.dns).toMatchObject({
      response: 'partial',
      denialReason: 'combined form without an email address: marketing email part not applied',
    });
  });

  it('a request naming nobody is refused', () => {
    const req = ev.dns({}, AT);
    expect(() => planEvent(ctx, req)).toThrow(
      `event ${req.id}: data.subjects: at least one identifier is required`,
    );
  });
});

describe('admin entries: who, why and how are kept (R-PR-3)', () => {
  const admin = (data: Record<string, unknown>) =>
    ({
      id: randomUUID(),
      type: 'suppression.admin.v1',
      occurredAt: AT,
      source: 'api',
      data: {
        subject: { type: 'email', value: E },
        channel: 'any',
        purpose: 'all',
        topic: '*',
        actor: 'token:ops',
        reason: 'customer called support',
        ...data,
      },
    }) as unknown as ListEvent;

  it('a block by an operator keeps the actor, the name typed, the reason and how the person asked', () => {
    const plan = planEvent(
      ctx,
      admin({
        action: 'suppress',
        actorName: 'Jo at the desk',
        method: 'phone',
        topic: 'ink',
        channel: 'email',
        purpose: 'marketing',
      }),
    );
    expect(plan.writes).toEqual([
      {
        subjectKey: keyOf('email', E),
        channel: 'email',
        purpose: 'marketing',
        topic: 'ink',
        suppressed: true,
        reason: 'admin',
        askAgainAfter: null,
        detail: {
          actor: 'token:ops',
          actorName: 'Jo at the desk',
          reason: 'customer called support',
          method: 'phone',
        },
      },
    ]);
    expect(plan.payload).toEqual({
      data: {
        action: 'suppress',
        channel: 'email',
        purpose: 'marketing',
        topic: 'ink',
        actor: 'token:ops',
        actorName: 'Jo at the desk',
        reason: 'customer called support',
        method: 'phone',
        subjectType: 'email',
        subjectKey: keyOf('email', E),
      },
      evidence: null,
    });
  });

  it('a lift is an admin lift, even when it names an imported reason; an imported block keeps its reason', () => {
    const lift = planEvent(ctx, admin({ action: 'lift', reasonCode: 'sms-stop' }));
    expect(lift.writes).toEqual([expect.objectContaining({ suppressed: false, reason: 'admin-lift' })]);
    // Nothing but who and why: no empty actorName, method or imported mark.
    expect(lift.writes[0]?.detail).toStrictEqual({ actor: 'token:ops', reason: 'customer called support' });
    const imported = planEvent(ctx, admin({ action: 'suppress', reasonCode: 'hard-bounce' }));
    expect(imported.writes).toEqual([
      expect.objectContaining({
        suppressed: true,
        reason: 'hard-bounce',
        detail: { actor: 'token:ops', reason: 'customer called support', imported: true },
      }),
    ]);
  });

  it('an entry for a customer id or a device is keyed as one; an empty topic (an import row) means every topic', () => {
    const dev = planEvent(ctx, admin({ action: 'suppress', subject: { type: 'device', value: 'dev-9' } }));
    expect(dev.writes[0]?.subjectKey).toBe(keyOf('device', 'dev-9'));
    expect(dev.payload).toMatchObject({
      data: { subjectType: 'device', subjectKey: keyOf('device', 'dev-9') },
    });
    for (const topic of ['', null, undefined]) {
      expect(planEvent(ctx, admin({ action: 'suppress', topic })).writes[0]?.topic, String(topic)).toBe('*');
    }
  });
});

describe('every event names its subject: the ledger row is found by it and its readable copy is sealed', () => {
  const subjectOf = { type: 'email', value: 'ana.lopez@example.com' };
  const cases: [string, ListEvent][] = [
    ['opt-out', ev.optOut(E, AT)],
    ['resubscribe', ev.resubscribe(E, AT)],
    ['complaint', ev.complaint(E, 'arf', AT)],
    ['permanent bounce', ev.bounce(E, 'Permanent', AT)],
    ['transient bounce', ev.bounce(E, 'Transient', AT)],
    [
      'admin',
      ev.admin({ type: 'email', value: E }, 'lift', { channel: 'any', purpose: 'all', topic: '*' }, AT),
    ],
  ];
  for (const [label, event] of cases) {
    it(label, () => {
      expect(planEvent(ctx, event).subjects).toEqual([{ subject: subjectOf, key: keyOf('email', E) }]);
    });
  }
});

describe('an identifier that cannot be read is refused, naming the field (nothing is written)', () => {
  const cases: [string, ListEvent][] = [
    ['data.email', ev.optOut('not an address', AT)],
    ['data.email', ev.resubscribe('not an address', AT)],
    ['data.email', ev.complaint('not an address', 'arf', AT)],
    ['data.email', ev.bounce('not an address', 'Permanent', AT)],
    ['data.from', ev.sms('12', 'opt-out', AT)],
    ['data.subjects.email', ev.dns({ email: 'not an address' }, AT)],
    ['data.subjects.phone', ev.dns({ phone: '12' }, AT)],
    [
      'data.subject.value',
      ev.admin(
        { type: 'phone', value: '12' },
        'suppress',
        { channel: 'sms', purpose: 'all', topic: '*' },
        AT,
      ),
    ],
  ];
  for (const [field, event] of cases) {
    it(`${event.type} → ${field}`, () => {
      let err: unknown;
      try {
        planEvent(ctx, event);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ eventId: event.id, field });
      expect((err as Error).message).toMatch(
        new RegExp(`^event ${event.id}: ${field.replace(/\./g, '\\.')}: \\S`),
      );
    });
  }
});
