// Turns one validated event into what it writes: the scopes of DESIGN.md's table "The list", the
// ledger payload (subject keys only, never a readable address), vault copies, flags and, for
// Do-Not-Sell, the R-DNS-7 request record. Pure: no database here.
import { createHash } from 'node:crypto';
import type { Subject } from '@sp/identity';
import { toSubject } from '@sp/identity';
import type { SuppressionContext } from './context';
import { invalid } from './errors';
import type { ListEvent } from './events';

/**
 * What the append-only ledger keeps of a text's body (issue 15: nothing readable about a person
 * outside the vault). A bare keyword (STOP, ARRÊT, UNSUBSCRIBE…: one word of letters) is kept as
 * sent, the evidence of what the person wrote; any other body may carry a name or an address, so
 * only its SHA-256 and length are kept, to match it against the provider's own message log
 * (the MessageSid is beside it).
 */
export function smsBodyEvidence(body: string): { body: string } | { bodySha256: string; bodyLength: number } {
  const word = body.trim().replace(/[.!?¡¿]+$/u, '');
  if (/^\p{L}{1,16}$/u.test(word)) return { body };
  return { bodySha256: createHash('sha256').update(body, 'utf8').digest('hex'), bodyLength: body.length };
}

export type ScopeChannel = 'email' | 'sms' | 'any';
export type ScopePurpose = 'marketing' | 'all' | 'sale_share';

/** Machine reasons stored on state rows and returned by check. */
export type EntryReason =
  | 'email-optout'
  | 'resubscribe'
  | 'sms-stop'
  | 'sms-start'
  | 'do-not-sell'
  | 'do-not-sell-combined-form'
  | 'complaint'
  | 'hard-bounce'
  | 'admin'
  | 'admin-lift';

interface Write {
  subjectKey: string;
  channel: ScopeChannel;
  purpose: ScopePurpose;
  topic: string;
  suppressed: boolean;
  reason: EntryReason;
  /** R-DNS-5: from when asking to opt back in is allowed again. */
  askAgainAfter: Date | null;
  detail: Record<string, unknown> | null;
}

interface DnsRecord {
  requestId: string;
  asked: string[];
  method: string;
  gpc: boolean;
  combinedForm: boolean;
  agent: unknown;
  response: 'honored' | 'partial' | 'denied';
  denialReason: string | null;
}

export interface Plan {
  eventId: string;
  type: string;
  source: string;
  occurredAt: Date;
  /** Readable subjects (their encrypted copies go to the vault). */
  subjects: Array<{ subject: Subject; key: string }>;
  /** The ledger's subject keys when they are not those of `subjects` (a salvage knows a key only). */
  subjectKeys?: string[];
  /** The pepper the keys were made with, when not the current one. */
  keyId?: string;
  writes: Write[];
  payload: Record<string, unknown>;
  minorKeys: string[];
  dns: DnsRecord | null;
}

/** R-DNS-5: 12 months after a Do-Not-Sell opt-out. */
export function addMonths(d: Date, months: number): Date {
  const x = new Date(d.getTime());
  x.setUTCMonth(x.getUTCMonth() + months);
  return x;
}

const star = (topic: string | undefined | null): string =>
  topic === undefined || topic === null || topic === '' ? '*' : topic;

/** What planning reads of the context: no database, so an ingress can plan (admit.ts) too. */
export type PlanContext = Pick<SuppressionContext, 'keyer' | 'defaultRegion' | 'revokeAllSms'>;

export function planEvent(ctx: PlanContext, ev: ListEvent): Plan {
  const subjectOf = (type: Subject['type'], raw: string, field: string, region?: string) => {
    try {
      const subject = toSubject(type, raw, { defaultRegion: region ?? ctx.defaultRegion });
      return { subject, key: ctx.keyer.keyOf(subject) };
    } catch (e) {
      throw invalid(ev.id, field, e instanceof Error ? e.message : String(e));
    }
  };
  const base = {
    eventId: ev.id,
    type: ev.type,
    source: ev.source,
    occurredAt: new Date(ev.occurredAt),
    minorKeys: [] as string[],
    dns: null as DnsRecord | null,
  };
  const evidence = ev.evidence ?? null;
  const w = (
    subjectKey: string,
    channel: ScopeChannel,
    purpose: ScopePurpose,
    topic: string,
    suppressed: boolean,
    reason: EntryReason,
    extra: Partial<Pick<Write, 'askAgainAfter' | 'detail'>> = {},
  ): Write => ({
    subjectKey,
    channel,
    purpose,
    topic,
    suppressed,
    reason,
    askAgainAfter: extra.askAgainAfter ?? null,
    detail: extra.detail ?? null,
  });

  switch (ev.type) {
    case 'consent.email-optout.v1': {
      const d = ev.data;
      const s = subjectOf('email', d.email, 'data.email');
      const topic = star(d.topic);
      const { email: _e, ...rest } = d;
      return {
        ...base,
        subjects: [s],
        writes: [
          w(s.key, 'email', 'marketing', topic, true, 'email-optout', { detail: { method: d.method } }),
        ],
        payload: { data: { ...rest, subjectKey: s.key }, evidence },
      };
    }
    case 'consent.email-resubscribe.v1': {
      const d = ev.data;
      const s = subjectOf('email', d.email, 'data.email');
      const { email: _e, ...rest } = d;
      return {
        ...base,
        subjects: [s],
        writes: [w(s.key, 'email', 'marketing', star(d.topic), false, 'resubscribe')],
        payload: { data: { ...rest, subjectKey: s.key }, evidence },
      };
    }
    case 'consent.sms-inbound.v1': {
      const d = ev.data;
      // R-SMS-7: keyed by the sender's phone only, so one STOP covers every brand number.
      const s = subjectOf('phone', d.from, 'data.from', d.defaultRegion);
      const purpose: ScopePurpose = ctx.revokeAllSms === false ? 'marketing' : 'all'; // R-SMS-8
      const writes: Write[] = [];
      const detail = { to: d.to, ...(d.optOutType ? { optOutType: d.optOutType } : {}) };
      if (ev.intent === 'opt-out') writes.push(w(s.key, 'sms', purpose, '*', true, 'sms-stop', { detail }));
      if (ev.intent === 'opt-in') writes.push(w(s.key, 'sms', purpose, '*', false, 'sms-start', { detail }));
      const { from: _f, body, ...rest } = d;
      return {
        ...base,
        subjects: [s],
        writes,
        payload: {
          data: { ...rest, ...smsBodyEvidence(body), subjectKey: s.key },
          intent: ev.intent,
          evidence,
        },
      };
    }
    case 'privacy.do-not-sell.v1': {
      const d = ev.data;
      const subjects: Plan['subjects'] = [];
      const keys: Record<string, string> = {};
      const given = [
        ['email', 'email'],
        ['phone', 'phone'],
        ['customer', 'customerId'],
        ['device', 'deviceId'],
      ] as const;
      for (const [type, field] of given) {
        const raw = d.subjects[field];
        if (raw === undefined) continue;
        const s = subjectOf(type, raw, `data.subjects.${field}`);
        subjects.push(s);
        keys[field] = s.key;
      }
      if (subjects.length === 0) throw invalid(ev.id, 'data.subjects', 'at least one identifier is required');
      const asked = d.combinedForm ? ['sale_share', 'email_marketing'] : ['sale_share'];
      const { subjects: _s, ...rest } = d;
      const payload = { data: { ...rest, subjectKeys: keys }, evidence };
      // R-DNS-4: an agent's request needs the consumer's permission reference; without it, deny and say why.
      if (d.method === 'authorized-agent' && !d.agent?.permissionRef) {
        return {
          ...base,
          subjects,
          writes: [],
          payload,
          dns: {
            requestId: d.requestId,
            asked,
            method: d.method,
            gpc: d.gpc,
            combinedForm: d.combinedForm,
            agent: d.agent ?? null,
            response: 'denied',
            denialReason: "authorized agent request without the consumer's permission reference (R-DNS-4)",
          },
        };
      }
      const askAgainAfter = addMonths(base.occurredAt, 12); // R-DNS-5
      const detail = { method: d.method, gpc: d.gpc, requestId: d.requestId };
      const writes = subjects.map((s) =>
        w(s.key, 'any', 'sale_share', '*', true, 'do-not-sell', { askAgainAfter, detail }),
      );
      const email = keys.email;
      if (d.combinedForm && email) {
        // R-DNS-8: the combined form promises to stop marketing email too.
        writes.push(
          w(email, 'email', 'marketing', '*', true, 'do-not-sell-combined-form', { askAgainAfter, detail }),
        );
      }
      return {
        ...base,
        subjects,
        writes,
        payload,
        minorKeys: d.minor ? subjects.map((s) => s.key) : [],
        dns: {
          requestId: d.requestId,
          asked,
          method: d.method,
          gpc: d.gpc,
          combinedForm: d.combinedForm,
          agent: d.agent ?? null,
          response: d.combinedForm && !email ? 'partial' : 'honored',
          denialReason:
            d.combinedForm && !email
              ? 'combined form without an email address: marketing email part not applied'
              : null,
        },
      };
    }
    case 'abuse.complaint.v1': {
      const d = ev.data;
      const s = subjectOf('email', d.email, 'data.email');
      const { email: _e, ...rest } = d;
      return {
        ...base,
        subjects: [s],
        writes: [w(s.key, 'email', 'marketing', '*', true, 'complaint', { detail: { kind: d.kind } })],
        payload: { data: { ...rest, subjectKey: s.key }, evidence },
      };
    }
    case 'email.bounce.v1': {
      const d = ev.data;
      const s = subjectOf('email', d.email, 'data.email');
      const { email: _e, ...rest } = d;
      // R-AB-3: only a Permanent bounce suppresses; Transient/Undetermined are recorded (counted) only.
      const writes =
        d.bounceType === 'Permanent'
          ? [
              w(s.key, 'email', 'all', '*', true, 'hard-bounce', {
                detail: { bounceSubType: d.bounceSubType ?? null },
              }),
            ]
          : [];
      return { ...base, subjects: [s], writes, payload: { data: { ...rest, subjectKey: s.key }, evidence } };
    }
    case 'suppression.admin.v1': {
      const d = ev.data;
      const s = subjectOf(d.subject.type, d.subject.value, 'data.subject.value');
      const suppressed = d.action === 'suppress';
      // actor: who held the token (the API's caller identity); actorName: the person the body named.
      const detail = {
        actor: d.actor,
        ...(typeof d.actorName === 'string' ? { actorName: d.actorName } : {}),
        reason: d.reason,
        ...(d.method ? { method: d.method } : {}),
        ...(d.reasonCode && suppressed ? { imported: true } : {}),
      };
      const reason: EntryReason = suppressed ? (d.reasonCode ?? 'admin') : 'admin-lift';
      const { subject: _s, ...rest } = d;
      return {
        ...base,
        subjects: [s],
        writes: [
          w(s.key, d.channel, d.purpose, star(d.topic), suppressed, reason, {
            detail,
          }),
        ],
        payload: { data: { ...rest, subjectType: d.subject.type, subjectKey: s.key }, evidence },
      };
    }
  }
}
