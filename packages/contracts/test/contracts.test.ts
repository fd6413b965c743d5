import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AdminAction,
  buildValidEnvelope,
  CheckReason,
  DoNotSell,
  dlqTopic,
  EventTypes,
  eventSchemas,
  LedgerEvent,
  MessageCategory,
  newEnvelope,
  parseEvent,
  parseMessage,
  parseWith,
  SesNotification,
  sesEvents,
  type TopicName,
  Topics,
  TransientError,
  topicCatalog,
  ValidationError,
} from '../src/index';

const at = '2026-11-02T10:15:00.000+01:00';
const env = <D extends object>(type: string, data: D) => ({
  id: randomUUID(),
  type,
  occurredAt: at,
  source: 'test',
  data,
});

const reason = {
  eventId: randomUUID(),
  reason: 'email opt-out',
  source: 'edge',
  since: at,
  channel: 'email',
  purpose: 'marketing',
  topic: '*',
};

/** One valid sample per topic, plus the field to break and where the message must point. */
const samples: Record<TopicName, { value: Record<string, unknown>; breakPath: string[]; bad: unknown }> = {
  [Topics.emailOptOut]: {
    value: env(EventTypes.emailOptOut, { email: 'Someone@Example.com', topic: 'weekly', method: 'link' }),
    breakPath: ['data', 'email'],
    bad: 42,
  },
  [Topics.smsInbound]: {
    value: env(EventTypes.smsInbound, {
      from: '+14155550100',
      to: '+14155550199',
      body: 'STOP',
      messageSid: 'SM123',
      optOutType: 'STOP',
    }),
    breakPath: ['data', 'optOutType'],
    bad: 'STAHP',
  },
  [Topics.doNotSell]: {
    value: env(EventTypes.doNotSell, {
      requestId: 'r-1',
      subjects: { email: 'a@example.com', deviceId: 'dev-1' },
      method: 'web-form',
      gpc: false,
      combinedForm: true,
    }),
    breakPath: ['data', 'gpc'],
    bad: 'yes',
  },
  [Topics.complaint]: {
    value: env(EventTypes.complaint, { email: 'a@example.com', kind: 'arf', feedbackType: 'abuse' }),
    breakPath: ['data', 'kind'],
    bad: 'spam',
  },
  [Topics.bounce]: {
    value: env(EventTypes.bounce, {
      email: 'a@example.com',
      bounceType: 'Permanent',
      bounceSubType: 'General',
    }),
    breakPath: ['data', 'bounceType'],
    bad: 'Hard',
  },
  [Topics.changelog]: {
    value: {
      subjectKey: 'k1:abc',
      channel: 'email',
      purpose: 'marketing',
      topic: '*',
      suppressed: true,
      reason: 'email opt-out',
      eventId: randomUUID(),
      source: 'edge',
      occurredAt: at,
      since: at,
      seq: 3,
    },
    breakPath: ['seq'],
    bad: 'three',
  },
  [Topics.emailSendRequest]: {
    value: env(EventTypes.emailSendRequest, {
      messageId: 'm-1',
      to: 'a@example.com',
      templateId: 'weekly-digest',
      variables: { name: 'Ana', count: 3, vip: true, coupon: null },
      campaignId: 'c-1',
      topic: 'weekly',
    }),
    breakPath: ['data', 'variables', 'name'],
    bad: { nested: 'object' },
  },
  [Topics.smsSendRequest]: {
    value: env(EventTypes.smsSendRequest, {
      messageId: 'm-2',
      to: '(415) 555-0100',
      templateId: 'promo',
      variables: {},
      timeZone: 'America/Los_Angeles',
    }),
    breakPath: ['data', 'messageId'],
    bad: 7,
  },
  [Topics.deliveryOutcome]: {
    value: env(EventTypes.deliveryOutcome, {
      messageId: 'm-1',
      channel: 'email',
      status: 'suppressed',
      subjectKey: 'k1:abc',
      templateId: 'weekly-digest',
      category: 'marketing',
      reasons: [reason],
    }),
    breakPath: ['data', 'reasons', '0', 'since'],
    bad: 5,
  },
  [Topics.seedHit]: {
    value: env(EventTypes.seedHit, {
      partnerId: 'p_0a1b2c3d4e5f',
      seed: 's-p_0a1b2c3d4e5f-9f8e7d6c5b4a-0123456789abcdef@seeds.brand.example',
      messageId: '<m1@affiliate.example>',
      via: 'smtp',
    }),
    breakPath: ['data', 'via'],
    bad: 'carrier-pigeon',
  },
};

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  let cur: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string, unknown>;
  cur[path.at(-1)!] = value;
  return copy;
}

describe('topic catalog', () => {
  it('has a schema for every topic and a dlq name', () => {
    expect(Object.keys(topicCatalog).sort()).toEqual(Object.values(Topics).sort());
    expect(dlqTopic(Topics.bounce)).toBe('email.bounce.v1.dlq');
  });

  for (const topic of Object.values(Topics)) {
    describe(topic, () => {
      const sample = samples[topic];

      it('accepts a valid sample', () => {
        const r = parseEvent(topic, sample.value);
        expect(r).toEqual({ ok: true, value: sample.value });
      });

      it('tolerates and keeps unknown extra fields at every level', () => {
        const withExtra = { ...sample.value, futureField: 1 } as Record<string, unknown>;
        if (typeof withExtra.data === 'object')
          withExtra.data = { ...(withExtra.data as object), newThing: 'x' };
        const r = parseEvent(topic, withExtra);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(withExtra);
      });

      it('rejects a wrong type with a path-precise message', () => {
        const r = parseEvent(topic, setPath(sample.value, sample.breakPath, sample.bad));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toMatch(new RegExp(`^${sample.breakPath.join('\\.')}: `));
      });

      it('parses the same sample from raw JSON (string and Buffer)', () => {
        const text = JSON.stringify(sample.value);
        expect(parseMessage(topic, text).ok).toBe(true);
        expect(parseMessage(topic, Buffer.from(text)).ok).toBe(true);
      });
    });
  }
});

describe('envelope', () => {
  it('requires a uuid id, an offset datetime and a non-empty source, reporting every issue', () => {
    const bad = { ...samples[Topics.bounce].value, id: 'nope', occurredAt: '2026-11-02 10:15', source: '' };
    const r = parseEvent(Topics.bounce, bad);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const parts = r.error.split('; ');
      expect(parts.some((p) => p.startsWith('id: '))).toBe(true);
      expect(parts.some((p) => p.startsWith('occurredAt: '))).toBe(true);
      expect(parts.some((p) => p.startsWith('source: '))).toBe(true);
    }
  });

  it('rejects an event type that does not belong on the topic', () => {
    const r = parseEvent(Topics.bounce, samples[Topics.complaint].value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^type: /);
  });

  it('consent.email-optout.v1 also carries confirmed resubscribes (double opt-in proof required)', () => {
    const ok = env(EventTypes.emailResubscribe, { email: 'a@example.com', confirmationId: 'conf-1' });
    const r = parseEvent(Topics.emailOptOut, ok);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.type).toBe(EventTypes.emailResubscribe);
    const missing = parseEvent(
      Topics.emailOptOut,
      env(EventTypes.emailResubscribe, { email: 'a@example.com' }),
    );
    expect(missing).toMatchObject({ ok: false, error: expect.stringMatching(/^data\.confirmationId: /) });
  });

  it('does not judge email syntax (identity normalizes) but caps the length at 320', () => {
    const unusual = env(EventTypes.bounce, { email: '"odd local"@[192.0.2.1]', bounceType: 'Permanent' });
    expect(parseEvent(Topics.bounce, unusual).ok).toBe(true);
    const long = env(EventTypes.bounce, { email: `${'a'.repeat(320)}@x.com`, bounceType: 'Permanent' });
    expect(parseEvent(Topics.bounce, long)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^data\.email: /),
    });
    const empty = env(EventTypes.bounce, { email: '', bounceType: 'Permanent' });
    expect(parseEvent(Topics.bounce, empty).ok).toBe(false);
  });

  it('newEnvelope fills id and occurredAt and produces a valid event', () => {
    const e = newEnvelope(EventTypes.emailOptOut, 'edge', { email: 'a@example.com', method: 'one-click' });
    expect(parseEvent(Topics.emailOptOut, e).ok).toBe(true);
    const fixed = newEnvelope(
      EventTypes.bounce,
      'ses',
      { email: 'a@example.com', bounceType: 'Permanent' },
      {
        id: '5b1f0d5e-5f7e-4c1e-9a55-5d0b2a3c4d5e',
        occurredAt: new Date(Date.UTC(2026, 0, 1)),
        evidence: { feedbackId: 'f' },
      },
    );
    expect(fixed).toMatchObject({
      id: '5b1f0d5e-5f7e-4c1e-9a55-5d0b2a3c4d5e',
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
    expect(parseEvent(Topics.bounce, fixed).ok).toBe(true);
  });

  it('buildValidEnvelope returns the envelope as built when the topic accepts it, the issues when not', () => {
    const ok = buildValidEnvelope(
      Topics.complaint,
      EventTypes.complaint,
      'abuse-inbox',
      {
        email: 'a@example.com',
        kind: 'arf',
      },
      { occurredAt: at, evidence: { source: 'smtp' } },
    );
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.value).toMatchObject({ type: EventTypes.complaint, source: 'abuse-inbox', occurredAt: at });
    expect(ok.value.evidence).toEqual({ source: 'smtp' });
    const bad = buildValidEnvelope(Topics.bounce, EventTypes.bounce, 'edge', { email: 'a@example.com' });
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('data.bounceType') });
  });
});

describe('do-not-sell rules', () => {
  const base = samples[Topics.doNotSell].value as { data: Record<string, unknown> };
  it('needs at least one identifier', () => {
    const r = parseWith(DoNotSell, { ...base, data: { ...base.data, subjects: {} } });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^data\.subjects: at least one/) });
  });
  it('R-DNS-4: an authorized-agent request carries the agent and permission reference', () => {
    const noAgent = { ...base, data: { ...base.data, method: 'authorized-agent' } };
    expect(parseWith(DoNotSell, noAgent)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^data\.agent: /),
    });
    const withAgent = {
      ...noAgent,
      data: { ...noAgent.data, agent: { name: 'Agent Co', permissionRef: 'poa-1' } },
    };
    expect(parseWith(DoNotSell, withAgent).ok).toBe(true);
  });
  it('R-DNS-6 / R-DNS-8: minor flag and combined form are booleans', () => {
    expect(parseWith(DoNotSell, { ...base, data: { ...base.data, minor: true } }).ok).toBe(true);
    expect(parseWith(DoNotSell, { ...base, data: { ...base.data, combinedForm: 'yes' } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^data\.combinedForm: /),
    });
  });
});

describe('ledger-only and helper schemas', () => {
  it('admin action: valid, extra fields kept, wrong type path-precise', () => {
    const a = env(EventTypes.adminAction, {
      subject: { type: 'phone', value: '+14155550100' },
      action: 'suppress',
      channel: 'sms',
      purpose: 'all',
      topic: '*',
      actor: 'ops@brand',
      reason: 'customer called',
      ticket: 'T-1',
    });
    expect(parseWith(AdminAction, a)).toEqual({ ok: true, value: a });
    expect(parseWith(LedgerEvent, a).ok).toBe(true);
    const bad = { ...a, data: { ...a.data, subject: { type: 'fax', value: 'x' } } };
    expect(parseWith(AdminAction, bad)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^data\.subject\.type: /),
    });
  });

  it('every event type has a schema whose literal type matches', () => {
    for (const [type, schema] of Object.entries(eventSchemas)) {
      expect(schema.shape.type.value).toBe(type);
    }
  });

  it('check reasons and message categories (R-EM-5 types are the only transactional ones)', () => {
    expect(parseWith(CheckReason, reason).ok).toBe(true);
    for (const c of ['marketing', 'transaction', 'safety', 'account', 'employment', 'delivery', 'sms-help']) {
      expect(MessageCategory.safeParse(c).success).toBe(true);
    }
    expect(MessageCategory.safeParse('newsletter').success).toBe(false);
  });
});

describe('parseMessage', () => {
  it('reports invalid JSON', () => {
    const r = parseMessage(Topics.bounce, '{"id": ');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^invalid JSON: /);
  });
  it('reports a null value (tombstone)', () => {
    expect(parseMessage(Topics.changelog, null)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/null/),
    });
  });
  it('reports a JSON value of the wrong shape', () => {
    expect(parseMessage(Topics.bounce, '"just a string"').ok).toBe(false);
  });
});

describe('errors', () => {
  it('are distinguishable by class and carry their name', () => {
    const v = new ValidationError('bad', { cause: new Error('x') });
    const t = new TransientError('later');
    expect(v).toBeInstanceOf(Error);
    expect(v.name).toBe('ValidationError');
    expect(t).not.toBeInstanceOf(ValidationError);
    class Sub extends ValidationError {}
    expect(new Sub('s').name).toBe('Sub');
  });
});

describe('SES notifications (R-AB-3)', () => {
  it('a Bounce becomes one bounce per recipient, a Complaint one complaint, a Delivery nothing', () => {
    const bounce = SesNotification.parse({
      notificationType: 'Bounce',
      mail: { messageId: 'm1' },
      bounce: {
        bounceType: 'Permanent',
        bouncedRecipients: [{ emailAddress: 'a@example.com' }, { emailAddress: 'b@example.com' }],
        feedbackId: 'f1',
      },
    });
    const events = sesEvents(bounce);
    expect(events.map((e) => [e.kind, e.email])).toEqual([
      ['bounce', 'a@example.com'],
      ['bounce', 'b@example.com'],
    ]);
    expect(events[0]?.evidence).toEqual({ sesMessageId: 'm1', feedbackId: 'f1' });
    const complaint = SesNotification.parse({
      eventType: 'Complaint',
      mail: { messageId: 'm2', tags: { campaign: ['c9'] } },
      complaint: {
        complainedRecipients: [{ emailAddress: 'c@example.com' }],
        complaintFeedbackType: 'abuse',
      },
    });
    expect(sesEvents(complaint)).toEqual([
      expect.objectContaining({
        kind: 'complaint',
        data: {
          email: 'c@example.com',
          kind: 'ses',
          feedbackType: 'abuse',
          originalMessageId: 'm2',
          campaignId: 'c9',
        },
      }),
    ]);
    expect(sesEvents(SesNotification.parse({ notificationType: 'Delivery' }))).toEqual([]);
  });
});
