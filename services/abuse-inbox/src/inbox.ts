// What happens to one mail, whether it came over SMTP or from an .eml file: mailto unsubscribes
// become opt-outs, reports become complaints (or bounces), and whatever cannot be attributed goes
// to the quarantine. Events are in Kafka (acked) before the mail is accepted.
import { buildValidEnvelope, cleanDeep, hasControlChars, type TopicName } from '@sp/contracts';
import { createKeyer, createSealer, toSubject } from '@sp/identity';
import type { Bus } from '@sp/messaging';
import { injectTraceHeaders, type Logger, type Metrics } from '@sp/observability';
import { listRefusal } from '@sp/suppression';
import type { AbuseInboxConfig } from './config';
import { createFileQuarantine, type Quarantine } from './quarantine';
import { analyzeReport, type Found } from './report';
import { publishSeedHits, seedRecipient } from './seeds';

export type Sealer = ReturnType<typeof createSealer>;
export type Keyer = ReturnType<typeof createKeyer>;

export interface InboxDeps {
  bus: Bus;
  keyer: Keyer;
  sealer: Sealer;
  config: AbuseInboxConfig;
  logger: Logger;
  quarantine: Quarantine;
  metrics?: Metrics;
  clock?: { now(): Date };
}

/** The inbox's resources from its config: keyer, sealer and the file quarantine (no metrics). */
export function inboxDepsFrom(config: AbuseInboxConfig, bus: Bus, logger: Logger): InboxDeps {
  return {
    bus,
    keyer: createKeyer({
      peppers: config.subjectPeppers.keys,
      currentKeyId: config.subjectPeppers.currentKeyId,
    }),
    sealer: createSealer(config.tokenKeys),
    config,
    logger,
    quarantine: createFileQuarantine(config.quarantineDir),
  };
}

export type Outcome =
  | { status: 'published'; events: number; eventIds: string[] }
  | { status: 'quarantined'; reason: string; quarantineId: string };

export type RecipientKind =
  | { kind: 'abuse' }
  | { kind: 'unsubscribe'; token: string }
  | { kind: 'seed'; partnerId: string }
  | { kind: 'unknown' };

/** Which of our addresses an envelope recipient is: abuse@, unsubscribe+<token>@, or none. */
export function classifyRecipient(config: AbuseInboxConfig, address: string): RecipientKind {
  const at = address.lastIndexOf('@');
  if (at < 0) return { kind: 'unknown' };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (config.recipients.includes(`${local.toLowerCase()}@${domain}`)) return { kind: 'abuse' };
  if (config.unsubscribeDomain && domain === config.unsubscribeDomain && /^unsubscribe\+/i.test(local)) {
    const token = local.slice('unsubscribe+'.length);
    if (token.length > 0) return { kind: 'unsubscribe', token };
  }
  const partnerId = seedRecipient(config, address);
  if (partnerId) return { kind: 'seed', partnerId };
  return { kind: 'unknown' };
}

/** Where each kind of finding goes. */
const ROUTES = {
  complaint: { topic: 'complaint', type: 'abuse.complaint.v1' },
  bounce: { topic: 'bounce', type: 'email.bounce.v1' },
  optout: { topic: 'emailOptOut', type: 'consent.email-optout.v1' },
} as const satisfies Record<Found['kind'], { topic: keyof AbuseInboxConfig['topics']; type: string }>;

/** An event read from a mail, before the checks that decide whether it may be published. */
interface Pending {
  topic: string;
  type: string;
  /** The person, as read (Original-Rcpt-To, token, SES recipient ...). */
  email: string;
  data: Record<string, unknown>;
  evidence: Record<string, unknown>;
  occurredAt?: string;
}

interface Out {
  topic: string;
  type: string;
  key: string;
  envelope: { id: string };
}

/**
 * The inbox publishes only what the consumers take (issue 9): an address with a control
 * character, one @sp/identity cannot normalize, or an event its topic's schema refuses is kept
 * for an operator with the reason, never answered 250 and then dead-lettered downstream. Free
 * text from the mail is cleaned first (U+0000 cannot reach PostgreSQL).
 */
function prepare(
  deps: InboxDeps,
  e: Pending,
  now: string,
): { ok: true; out: Out } | { ok: false; reason: string } {
  if (hasControlChars(e.email)) return { ok: false, reason: 'recipient-has-control-characters' };
  let key: string;
  try {
    key = deps.keyer.keyOf(toSubject('email', e.email));
  } catch {
    return { ok: false, reason: 'recipient-not-an-address' };
  }
  const built = buildValidEnvelope(e.type as TopicName, e.type, 'abuse-inbox', cleanDeep(e.data), {
    evidence: cleanDeep(e.evidence),
    occurredAt: e.occurredAt ?? now,
  });
  if (!built.ok) {
    // The schema's message names the field, not its value: safe to log.
    deps.logger.warn(
      { type: e.type, error: built.error },
      'abuse mail read into an event the contract refuses',
    );
    return { ok: false, reason: 'event-not-valid' };
  }
  // Exactly what the consumer's apply() would refuse (issue 10 item 9): kept here, not dead-lettered there.
  const refused = listRefusal({ keyer: deps.keyer }, built.value);
  if (refused) {
    // The refusal's text may quote the value: only the type is logged.
    deps.logger.warn({ type: e.type }, 'abuse mail read into an event the list refuses');
    return { ok: false, reason: 'event-not-valid' };
  }
  return { ok: true, out: { topic: e.topic, type: e.type, key, envelope: built.value } };
}

async function publishAll(deps: InboxDeps, events: Out[]): Promise<void> {
  const byTopic = new Map<string, { key: string; value: unknown; headers: Record<string, string> }[]>();
  for (const e of events) {
    const list = byTopic.get(e.topic) ?? [];
    list.push({ key: e.key, value: e.envelope, headers: injectTraceHeaders({ 'event-type': e.type }) });
    byTopic.set(e.topic, list);
  }
  await Promise.all([...byTopic].map(([topic, messages]) => deps.bus.publish(topic, messages)));
  for (const e of events)
    deps.metrics?.counter('abuse_inbox_events_total', 'Events published', ['type']).inc({ type: e.type });
}

/**
 * Handles one mail. `recipients` are the envelope recipients (SMTP RCPT TO, or for an imported
 * file the addresses it was sent to); `source` says where it came from, for the quarantine.
 */
export async function processMail(
  deps: InboxDeps,
  raw: Buffer,
  recipients: string[],
  source: string,
): Promise<Outcome> {
  const { config, logger } = deps;
  const kinds = recipients.map((r) => classifyRecipient(config, r));
  const pending: Pending[] = [];
  const quarantineReasons: string[] = [];

  // The List-Unsubscribe mailto (R-OC-1, R-EM-3): the token in the address names the person.
  for (const k of kinds) {
    if (k.kind !== 'unsubscribe') continue;
    let opened: ReturnType<Sealer['open']>;
    try {
      opened = deps.sealer.open(k.token);
    } catch {
      quarantineReasons.push('unsubscribe-token-not-valid');
      continue;
    }
    pending.push({
      topic: config.topics.emailOptOut,
      type: 'consent.email-optout.v1',
      email: opened.email,
      data: {
        email: opened.email,
        ...(opened.topic ? { topic: opened.topic } : {}),
        ...(opened.campaignId ? { campaignId: opened.campaignId } : {}),
        method: 'mailto',
      },
      evidence: { via: 'mailto', source },
    });
  }

  if (kinds.some((k) => k.kind === 'abuse')) {
    const analysis = await analyzeReport(raw, {
      sealer: deps.sealer,
      recipientTokenHeader: config.recipientTokenHeader,
      ownAddresses: config.recipients,
    });
    if (!analysis.ok) {
      quarantineReasons.push(analysis.reason);
    } else {
      for (const f of analysis.found) {
        const route = ROUTES[f.kind];
        pending.push({
          topic: config.topics[route.topic],
          type: route.type,
          email: f.email,
          data: f.data,
          ...(f.occurredAt ? { occurredAt: f.occurredAt } : {}),
          evidence: { ...analysis.evidence, ...f.evidence, source },
        });
      }
    }
  }

  const now = (deps.clock?.now() ?? new Date()).toISOString();
  const events: Out[] = [];
  for (const p of pending) {
    const r = prepare(deps, p, now);
    if (r.ok) events.push(r.out);
    else quarantineReasons.push(r.reason);
  }
  // Partner seeds (issue 16): published on their own topic; the mail itself needs no operator.
  const seedHits = kinds.some((k) => k.kind === 'seed')
    ? await publishSeedHits(deps, raw, recipients, source === 'smtp' ? 'smtp' : 'import')
    : [];
  if (events.length === 0 && quarantineReasons.length === 0 && seedHits.length === 0)
    quarantineReasons.push('no-known-recipient');

  // Kafka down propagates: the SMTP client is asked to retry.
  if (events.length > 0) await publishAll(deps, events);
  const eventIds = events.map((e) => e.envelope.id);
  if (events.length > 0) {
    logger.info(
      { subjectKeys: events.map((e) => e.key), types: events.map((e) => e.type), source },
      'abuse mail published',
    );
  }
  if (quarantineReasons.length > 0) {
    const reason = [...new Set(quarantineReasons)].join(',');
    const entry = await deps.quarantine.put(raw, { reason, source });
    deps.metrics
      ?.counter('abuse_inbox_quarantined_total', 'Mails kept for an operator', ['reason'])
      .inc({ reason });
    logger.warn({ quarantineId: entry.id, reason, source }, 'abuse mail quarantined');
    if (events.length === 0) return { status: 'quarantined', reason, quarantineId: entry.id };
  }
  return {
    status: 'published',
    events: events.length + seedHits.length,
    eventIds: [...eventIds, ...seedHits],
  };
}
