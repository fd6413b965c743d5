// What happens to one mail, whether it came over SMTP or from an .eml file: mailto unsubscribes
// become opt-outs, reports become complaints (or bounces), and whatever cannot be attributed goes
// to the quarantine. Events are in Kafka (acked) before the mail is accepted.
import { buildValidEnvelope, cleanDeep, hasControlChars, type TopicName } from '@sp/contracts';
import { createKeyer, createSealer, toSubject } from '@sp/identity';
import type { Bus } from '@sp/messaging';
import { injectTraceHeaders, type Logger, type Metrics } from '@sp/observability';
import { type DataKeyring, listRefusal } from '@sp/suppression';
import type { DNSResolver } from 'mailauth';
import { simpleParser } from 'mailparser';
import { openFirst, tokensIn } from './attribution';
import type { AbuseInboxConfig } from './config';
import { createHeldMail, type HeldMail, type HeldMailbox } from './held';
import { splitMessage } from './mime';
import { createFileQuarantine, type Quarantine } from './quarantine';
import { analyzeReport, type Found } from './report';
import { asksToBeRemoved, authenticateSender, headerValues } from './request';
import { createSealedQuarantine } from './sealed-quarantine';
import { publishSeedHits, seedRecipient } from './seeds';

type Sealer = ReturnType<typeof createSealer>;
type Keyer = ReturnType<typeof createKeyer>;

export interface InboxDeps {
  bus: Bus;
  keyer: Keyer;
  sealer: Sealer;
  config: AbuseInboxConfig;
  logger: Logger;
  quarantine: Quarantine;
  /** Mail to the support and reply addresses kept for an operator, sealed. */
  held: HeldMail;
  /** DNS for our own DMARC evaluation; the system's DNS when absent (tests serve their own). */
  resolver?: DNSResolver;
  metrics?: Metrics;
  clock?: { now(): Date };
}

/** The SMTP session a mail came in, for our own SPF/DMARC evaluation. */
export interface SessionInfo {
  ip?: string;
  helo?: string;
  mailFrom?: string;
}

/**
 * The inbox's resources from its config: keyer, sealer and the quarantine (no metrics), sealed
 * with the data keys when given (what the services do), else plain files (tests of the analysis).
 */
export function inboxDepsFrom(
  config: AbuseInboxConfig,
  bus: Bus,
  logger: Logger,
  dataKeys?: DataKeyring,
): InboxDeps {
  const keyer = createKeyer({
    peppers: config.subjectPeppers.keys,
    currentKeyId: config.subjectPeppers.currentKeyId,
  });
  return {
    bus,
    keyer,
    sealer: createSealer(config.tokenKeys),
    config,
    logger,
    quarantine: dataKeys
      ? createSealedQuarantine(config.quarantineDir, { ring: dataKeys, keyer })
      : createFileQuarantine(config.quarantineDir),
    held: createHeldMail(
      config.heldDir,
      config.heldMailKeys,
      dataKeys ? { ring: dataKeys, keyer } : undefined,
    ),
  };
}

export type Outcome =
  | { status: 'published'; events: number; eventIds: string[] }
  | { status: 'quarantined'; reason: string; quarantineId: string }
  | { status: 'held'; reason: string; heldId: string };

export type RecipientKind =
  | { kind: 'abuse' }
  | { kind: 'unsubscribe'; token: string }
  | { kind: HeldMailbox }
  | { kind: 'seed'; partnerId: string }
  | { kind: 'unknown' };

/** Which of our addresses an envelope recipient is: abuse@, unsubscribe+<token>@, support, reply, or none. */
export function classifyRecipient(config: AbuseInboxConfig, address: string): RecipientKind {
  const at = address.lastIndexOf('@');
  if (at < 0) return { kind: 'unknown' };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  const plain = `${local.toLowerCase()}@${domain}`;
  if (config.recipients.includes(plain)) return { kind: 'abuse' };
  if (config.replyAddresses.includes(plain)) return { kind: 'reply' };
  if (config.supportAddresses.includes(plain)) return { kind: 'support' };
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
  /** Read from a support or reply mail: if it cannot be published, the mail is held, not quarantined. */
  heldAs?: HeldMailbox;
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
 * A mail to a support or reply address (issue 19) that asks to be removed opts out one person:
 * the one our own sealed token or CFBL-Feedback-ID names (a reply quoting our newsletter carries
 * them), whatever the From says; else the From, once authenticated. Anything else is held.
 */
async function readRequest(
  deps: InboxDeps,
  raw: Buffer,
  mailbox: HeldMailbox,
  source: string,
  session: SessionInfo | undefined,
): Promise<{ ok: true; pending: Pending } | { ok: false; reason: string }> {
  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await simpleParser(raw);
  } catch {
    return { ok: false, reason: 'mail-not-readable' };
  }
  if (!asksToBeRemoved(mail.subject ?? '', mail.text ?? '')) return { ok: false, reason: 'not-a-request' };
  const method = mailbox === 'reply' ? 'reply' : 'support';
  const optout = (email: string, evidence: Record<string, unknown>, campaignId?: string): Pending => ({
    topic: deps.config.topics.emailOptOut,
    type: 'consent.email-optout.v1',
    email,
    data: { email, topic: '*', method, ...(campaignId ? { campaignId } : {}) },
    evidence: { via: method, source, ...evidence },
    heldAs: mailbox,
  });

  // Our own evidence first: CFBL-Feedback-ID, then a token in the headers or the quoted newsletter.
  const quoted = tokensIn(
    `${splitMessage(raw.toString('utf8')).head}\n${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`,
    deps.config.recipientTokenHeader,
  );
  const cfbl = openFirst(deps.sealer, headerValues(mail, 'cfbl-feedback-id'));
  const ours = cfbl ?? openFirst(deps.sealer, quoted);
  if (ours) {
    const by = cfbl ? 'cfbl-feedback-id' : 'recipient-token';
    return { ok: true, pending: optout(ours.email, { attributedBy: by }, ours.campaignId) };
  }

  const auth = await authenticateSender(raw, mail, {
    trustedAuthservIds: deps.config.trustedAuthservIds,
    mta: deps.config.smtp.serverName,
    ...(deps.resolver ? { resolver: deps.resolver } : {}),
    ...(session ? { session } : {}),
  });
  if (!auth.ok) return { ok: false, reason: 'sender-not-authenticated' };
  return { ok: true, pending: optout(auth.email, { authenticatedBy: auth.by, fromDomain: auth.domain }) };
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
  session?: SessionInfo,
): Promise<Outcome> {
  const { config, logger } = deps;
  const kinds = recipients.map((r) => classifyRecipient(config, r));
  const pending: Pending[] = [];
  const quarantineReasons: string[] = [];
  const held: { mailbox: HeldMailbox; reasons: string[] } = { mailbox: 'support', reasons: [] };

  // Support and newsletter-reply mailboxes (issue 19): one request per mail, a reply address wins.
  const mailboxes = kinds.filter(
    (k): k is { kind: HeldMailbox } => k.kind === 'support' || k.kind === 'reply',
  );
  if (mailboxes.length > 0) {
    held.mailbox = mailboxes.some((k) => k.kind === 'reply') ? 'reply' : 'support';
    const r = await readRequest(deps, raw, held.mailbox, source, session);
    if (r.ok) pending.push(r.pending);
    else held.reasons.push(r.reason);
  }

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
    else if (p.heldAs) held.reasons.push(r.reason);
    else quarantineReasons.push(r.reason);
  }
  // Partner seeds (issue 16): published on their own topic; the mail itself needs no operator.
  const seedHits = kinds.some((k) => k.kind === 'seed')
    ? await publishSeedHits(deps, raw, recipients, source === 'smtp' ? 'smtp' : 'import')
    : [];
  if (
    events.length === 0 &&
    quarantineReasons.length === 0 &&
    held.reasons.length === 0 &&
    seedHits.length === 0
  )
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
  // Held first: a mail both to abuse@ and to support@ is kept in both places, the sealed one too.
  let heldOutcome: Outcome | undefined;
  if (held.reasons.length > 0) {
    const reason = [...new Set(held.reasons)].join(',');
    const entry = await deps.held.put(raw, { reason, mailbox: held.mailbox, source });
    deps.metrics
      ?.counter('abuse_inbox_held_total', 'Support and reply mails kept for an operator', ['reason'])
      .inc({ reason });
    logger.info(
      { heldId: entry.id, reason, mailbox: held.mailbox, source },
      'support mail held for an operator',
    );
    heldOutcome = { status: 'held', reason, heldId: entry.id };
  }
  if (quarantineReasons.length > 0) {
    const reason = [...new Set(quarantineReasons)].join(',');
    const entry = await deps.quarantine.put(raw, { reason, source, recipients });
    deps.metrics
      ?.counter('abuse_inbox_quarantined_total', 'Mails kept for an operator', ['reason'])
      .inc({ reason });
    logger.warn({ quarantineId: entry.id, reason, source }, 'abuse mail quarantined');
    if (events.length === 0) return { status: 'quarantined', reason, quarantineId: entry.id };
  }
  if (heldOutcome && events.length === 0 && seedHits.length === 0) return heldOutcome;
  return {
    status: 'published',
    events: events.length + seedHits.length,
    eventIds: [...eventIds, ...seedHits],
  };
}
