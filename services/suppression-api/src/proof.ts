// The proof report of one person (issue 15): every ledger event with its evidence, the state changes
// it made, every message a sender checked (the gate's question and answer) and sent or held back
// with its template's category, and every Do-Not-Sell request, in time order. Read-only.
//
// Which checks are recorded: the senders' gate writes each question and answer to delivery_log
// (message id, template category, status, reasons), so those are in the report. Direct calls to
// POST /v1/check by other tools are not logged per subject (they can be 10,000 per batch, and a log
// of who was asked about would itself be a trail of personal data); the report says so.
import { schema } from '@sp/db';
import { isTimeZone, recipientTimeZones } from '@sp/delivery';
import { toSubject } from '@sp/identity';
import {
  compareRank,
  history,
  listDnsRequests,
  resolveSubject,
  type SubjectInput,
  type SuppressionContext,
} from '@sp/suppression';
import { asc, inArray } from 'drizzle-orm';
import { HttpError } from './errors';
import type { ProofEntry, ProofReport, StateChange } from './schemas';

const EVENT_TITLES: Record<string, string> = {
  'consent.email-optout.v1': 'Email opt-out',
  'consent.email-resubscribe.v1': 'Email resubscribe',
  'consent.sms-inbound.v1': 'Text message received',
  'privacy.do-not-sell.v1': 'Do-Not-Sell/Share request',
  'abuse.complaint.v1': 'Spam complaint',
  'email.bounce.v1': 'Bounce',
  'suppression.admin.v1': 'Operator action',
  'suppression.salvage.v1': 'Salvaged opt-out',
  'privacy.erasure.v1': 'Erasure: readable copies deleted (the opt-outs stay)',
};

/** Evidence fields worth naming in a report (the rest stay in `evidence` as recorded). */
function evidenceOf(
  source: string,
  payload: Record<string, unknown>,
): { evidence: Record<string, unknown>; actor: string | null } {
  const data = (payload.data ?? {}) as Record<string, unknown>;
  const ev = (payload.evidence ?? {}) as Record<string, unknown>;
  const actor = typeof data.actor === 'string' ? data.actor : typeof ev.by === 'string' ? ev.by : null;
  return {
    evidence: {
      source,
      ...ev,
      ...(typeof data.method === 'string' ? { method: data.method } : {}),
      ...(typeof data.actorName === 'string' ? { actorName: data.actorName } : {}),
      ...(typeof data.messageSid === 'string' ? { messageSid: data.messageSid } : {}),
      ...(typeof data.arfMessageId === 'string' ? { arfMessageId: data.arfMessageId } : {}),
      ...(typeof data.feedbackId === 'string' ? { feedbackId: data.feedbackId } : {}),
    },
    actor,
  };
}

function eventTitle(type: string, payload: Record<string, unknown>): string {
  const data = (payload.data ?? {}) as Record<string, unknown>;
  const base = EVENT_TITLES[type] ?? type;
  if (type === 'suppression.admin.v1') return `${base}: ${data.action === 'lift' ? 'lift' : 'suppress'}`;
  if (type === 'consent.sms-inbound.v1' && typeof payload.intent === 'string')
    return `${base} (${payload.intent})`;
  if (typeof data.method === 'string') return `${base} (${data.method})`;
  return base;
}

const scopeName = (s: { channel: string; purpose: string; topic: string }) =>
  `${s.channel}/${s.purpose}/${s.topic}`;

function messageTitle(r: {
  channel: string;
  templateId: string | null;
  category: string | null;
  status: string;
}) {
  const what = `${r.category ?? 'unknown'} ${r.channel} "${r.templateId ?? '?'}"`;
  const verb =
    r.status === 'sent'
      ? 'sent'
      : r.status === 'suppressed'
        ? 'held back'
        : r.status === 'deferred'
          ? 'deferred'
          : r.status === 'failed'
            ? 'failed at the provider'
            : 'claimed, not yet sent';
  return `Message ${what} ${verb}`;
}

/** The person's zones: the one the caller names, else a phone number's own (none for others). */
export async function personZones(
  subject: SubjectInput,
  requested: string | undefined,
  defaultRegion?: string,
): Promise<string[]> {
  if (requested !== undefined) {
    if (!isTimeZone(requested))
      throw new HttpError(400, 'invalid_request', 'query.timeZone: not an IANA time zone');
    return [requested];
  }
  if (subject.type !== 'phone') return [];
  const phone = toSubject('phone', subject.value, { defaultRegion }).value;
  const zones = await recipientTimeZones(phone, undefined, 'Etc/Unknown');
  return zones.filter((z) => z !== 'Etc/Unknown' && isTimeZone(z));
}

export interface ProofInput {
  subject: SubjectInput;
  brandName: string;
  generatedAt: Date;
  /** IANA zones of the person (from the query or the phone number); empty when unknown. */
  timeZones: string[];
}

/** Formats an instant in a zone as "2026-11-25 10:39:36 America/Chicago (GMT-6)". */
function localTime(at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(at);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${zone} (${p('timeZoneName')})`;
}

export async function buildProof(ctx: SuppressionContext, input: ProofInput): Promise<ProofReport> {
  const { subject, keys } = resolveSubject(ctx, input.subject);
  const d = schema.deliveryLog;
  const s = schema.suppressionState;
  const [events, messages, requests, state] = await Promise.all([
    history(ctx, input.subject),
    ctx.db.select().from(d).where(inArray(d.subjectKey, keys)).orderBy(asc(d.createdAt)),
    listDnsRequests(ctx, { subject: input.subject }),
    ctx.db
      .select()
      .from(s)
      .where(inArray(s.subjectKey, keys))
      .orderBy(asc(s.channel), asc(s.purpose), asc(s.topic)),
  ]);
  const local = (at: Date) => (input.timeZones.length > 0 ? localTime(at, input.timeZones[0]!) : null);
  const entries: Array<ProofEntry & { order: number }> = [];
  let order = 0;

  // Replays the ledger in its order: a write changes a scope only when it outranks what decided it.
  const current = new Map<string, { occurredAt: Date; suppressed: boolean; eventId: string }>();
  for (const e of events) {
    const occurredAt = new Date(e.occurredAt);
    const changes: StateChange[] = [];
    for (const w of e.scopes) {
      const k = `${w.subjectKey}|${scopeName(w)}`;
      const cand = { occurredAt, suppressed: w.suppressed, eventId: e.eventId };
      const cur = current.get(k);
      if (cur && compareRank(cand, cur) <= 0) {
        changes.push({
          ...pick(w),
          from: state1(cur.suppressed),
          to: state1(cur.suppressed),
          reason: w.reason,
          effective: false,
        });
        continue;
      }
      current.set(k, cand);
      changes.push({
        ...pick(w),
        from: cur ? state1(cur.suppressed) : 'allowed',
        to: state1(w.suppressed),
        reason: w.reason,
        effective: true,
      });
    }
    const { evidence, actor } = evidenceOf(e.source, e.payload);
    const data = (e.payload.data ?? {}) as Record<string, unknown>;
    entries.push({
      order: order++,
      at: e.occurredAt,
      atLocal: local(occurredAt),
      kind: 'event',
      title: eventTitle(e.type, e.payload),
      reference: e.eventId,
      type: e.type,
      recordedAt: e.recordedAt,
      actor,
      reason: typeof data.reason === 'string' ? data.reason : null,
      evidence,
      stateChanges: changes,
      check: null,
      message: null,
      request: null,
    });
  }

  for (const m of messages) {
    const reasons = ((m.reasons ?? []) as Array<Record<string, unknown>>).map((r) => ({
      eventId: String(r.eventId ?? ''),
      reason: String(r.reason ?? ''),
      channel: String(r.channel ?? ''),
      purpose: String(r.purpose ?? ''),
      topic: String(r.topic ?? ''),
      since: typeof r.since === 'string' ? r.since : null,
    }));
    const answer =
      m.status === 'suppressed'
        ? 'refused'
        : m.status === 'sent' || m.status === 'failed'
          ? 'allowed'
          : m.status === 'deferred'
            ? 'deferred'
            : 'pending';
    entries.push({
      order: order++,
      at: m.createdAt.toISOString(),
      atLocal: local(m.createdAt),
      kind: 'message',
      title: messageTitle(m),
      reference: m.messageId,
      type: null,
      recordedAt: m.updatedAt.toISOString(),
      actor: null,
      reason:
        reasons.length > 0
          ? reasons.map((r) => `${r.reason} (${scopeName(r)}, event ${r.eventId})`).join('; ')
          : null,
      evidence: null,
      stateChanges: [],
      check: {
        asked: { channel: m.channel, kind: m.category === 'marketing' ? 'marketing' : 'transactional' },
        answer,
        reasons,
      },
      message: {
        channel: m.channel,
        templateId: m.templateId,
        category: m.category,
        status: m.status,
        providerMessageId: m.providerMessageId,
        finalAt: m.updatedAt.toISOString(),
      },
      request: null,
    });
  }

  for (const r of requests) {
    entries.push({
      order: order++,
      at: r.requestedAt,
      atLocal: local(new Date(r.requestedAt)),
      kind: 'request',
      title: `Do-Not-Sell/Share request (${r.method}${r.gpc ? ', GPC' : ''}): ${r.response}`,
      reference: r.requestId,
      type: null,
      recordedAt: null,
      actor: null,
      reason: r.denialReason,
      evidence: null,
      stateChanges: [],
      check: null,
      message: null,
      request: {
        asked: r.asked,
        method: r.method,
        gpc: r.gpc,
        response: r.response,
        respondedAt: r.respondedAt,
        denialReason: r.denialReason,
        eventId: r.eventId,
      },
    });
  }

  // Time order; at equal times the ledger's own order, then messages, then requests.
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order);
  return {
    kind: 'suppression-proof.v1',
    brand: input.brandName,
    generatedAt: input.generatedAt.toISOString(),
    subject: { type: subject.type, value: subject.value, keys },
    timeZones: input.timeZones,
    checksRecorded:
      "Checks made by the senders' gate before each message (delivery_log). Direct calls to POST /v1/check " +
      'are not recorded per person.',
    timeline: entries.map(({ order: _o, ...e }) => e),
    currentState: state.map((r) => ({
      channel: r.channel,
      purpose: r.purpose,
      topic: r.topic,
      suppressed: r.suppressed,
      reason: r.reason,
      eventId: r.eventId,
      since: r.since ? r.since.toISOString() : null,
    })),
  };
}

const state1 = (suppressed: boolean) => (suppressed ? 'suppressed' : 'allowed') as 'suppressed' | 'allowed';
const pick = (w: { channel: string; purpose: string; topic: string }) => ({
  channel: w.channel,
  purpose: w.purpose,
  topic: w.topic,
});
