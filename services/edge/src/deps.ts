// The small bag of resources the edge's handlers get (STYLE.md 2), and the one way they publish:
// an envelope validated by its contract, keyed by the subject key, acked before the answer.
import {
  buildValidEnvelope,
  cleanDeep,
  EventTypes,
  type TopicName,
  Topics,
  ValidationError,
} from '@sp/contracts';
import type { createKeyer, createSealer } from '@sp/identity';
import { toSubject } from '@sp/identity';
import type { Bus } from '@sp/messaging';
import { injectTraceHeaders, type Logger, type Metrics } from '@sp/observability';
import { type EmailPreferences, listRefusal } from '@sp/suppression';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeConfig } from './config';
import { type Lang, negotiate } from './i18n';
import type { EdgeLimits } from './limits';
import type { PageEnv } from './pages';

type Sealer = ReturnType<typeof createSealer>;
type Keyer = ReturnType<typeof createKeyer>;
export type SubjectType = 'email' | 'phone' | 'customer' | 'device';

export interface Clock {
  now(): Date;
}

/** Fetches the PEM text of an SNS signing certificate (tests inject one that trusts their CA). */
export type CertificateFetcher = (url: URL) => Promise<string>;

export interface EdgeDeps {
  bus: Bus;
  sealer: Sealer;
  keyer: Keyer;
  config: EdgeConfig;
  logger: Logger;
  clock?: Clock;
  metrics?: Metrics;
  /** SNS signing-certificate download; default: HTTPS GET with the system CAs. */
  fetchCertificate?: CertificateFetcher;
  /** HTTP GET used to confirm SNS subscriptions; default: global fetch. */
  httpGet?: (url: string) => Promise<{ status: number }>;
  /**
   * The topic registry and the list, read for the preference page (issue 13). Absent (an edge
   * without a database), the page offers the link's topic and "all marketing email" only.
   */
  preferences?: PreferenceStore;
}

/** An email topic as the preference page shows it (the registry's Topic, in every language). */
export interface PreferenceTopic {
  id: string;
  names: Record<string, string>;
  descriptions: Record<string, string>;
}

export interface PreferenceStore {
  /** The active (not archived) topics of the email channel, in the order to show them. */
  emailTopics(): Promise<PreferenceTopic[]>;
  /** What the list says of the person for each topic and for all marketing email. */
  state(email: string, topicIds: readonly string[]): Promise<EmailPreferences>;
}

export interface Ctx {
  bus: Bus;
  sealer: Sealer;
  keyer: Keyer;
  config: EdgeConfig;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  fetchCertificate: CertificateFetcher;
  httpGet: (url: string) => Promise<{ status: number }>;
  limits: EdgeLimits;
  preferences?: PreferenceStore;
}

/**
 * The language and brand of a page: `?lang=` (the visible switch) or the form's `lang`, else
 * Accept-Language. `path` is where the switch links to (GET pages only).
 */
export function pageEnv(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, path?: string): PageEnv {
  const q = req.query as Record<string, unknown> | undefined;
  const b = req.body as Record<string, unknown> | undefined;
  const explicit = q?.lang ?? (b && typeof b === 'object' ? b.lang : undefined);
  const lang: Lang = negotiate(req.headers['accept-language'], explicit);
  return { brand: ctx.config.brand, lang, nonce: reply.cspNonce, ...(path ? { path } : {}) };
}

/** The subject key of a raw identifier, or null when it does not normalize. */
export function subjectKey(ctx: Ctx, type: SubjectType, raw: string): string | null {
  try {
    return ctx.keyer.keyOf(toSubject(type, raw, { defaultRegion: ctx.config.smsDefaultRegion }));
  } catch {
    return null;
  }
}

export interface Outgoing {
  topic: string;
  type: string;
  key: string | null;
  data: unknown;
  evidence?: Record<string, unknown>;
  occurredAt?: Date | string;
}

/**
 * The envelope of an outgoing event, or the ValidationError that refuses it. Free text is cleaned
 * first (NUL and other controls cannot reach PostgreSQL; identifiers with controls were refused by
 * the route before this), then the contract is checked, then what the consumer's apply() checks
 * (the same function, with the same identity normalization): a refusal here is a 4xx at our edge,
 * never a 200 followed by a dead letter holding a readable address (issue 10 items 5 and 9).
 */
export function envelopeOf(ctx: Ctx, e: Outgoing) {
  // A confirmed resubscribe travels on consent.email-optout.v1, whose contract it is part of.
  const catalogTopic = (e.type === EventTypes.emailResubscribe ? Topics.emailOptOut : e.type) as TopicName;
  const built = buildValidEnvelope(catalogTopic, e.type, 'edge', cleanDeep(e.data), {
    ...(e.evidence ? { evidence: cleanDeep(e.evidence) } : {}),
    occurredAt: e.occurredAt ?? ctx.clock.now(),
  });
  if (!built.ok) return { ok: false as const, error: new ValidationError(`${e.type}: ${built.error}`) };
  const refused = listRefusal({ keyer: ctx.keyer, defaultRegion: ctx.config.smsDefaultRegion }, built.value);
  if (refused) return { ok: false as const, error: refused };
  return { ok: true as const, value: built.value };
}

/**
 * Publishes events in one acked batch per topic; resolves only once Kafka acknowledged them
 * (acks from all in-sync replicas), so the caller answers after the event is safe. Any refused
 * event throws its ValidationError before anything is sent.
 */
export async function publish(ctx: Ctx, events: Outgoing[]): Promise<string[]> {
  const byTopic = new Map<
    string,
    { key: string | null; value: unknown; headers: Record<string, string> }[]
  >();
  const ids: string[] = [];
  for (const e of events) {
    const built = envelopeOf(ctx, e);
    if (!built.ok) throw built.error;
    const envelope = built.value;
    ids.push(envelope.id);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'event-type': e.type };
    injectTraceHeaders(headers);
    const list = byTopic.get(e.topic) ?? [];
    list.push({ key: e.key, value: envelope, headers });
    byTopic.set(e.topic, list);
  }
  await Promise.all([...byTopic].map(([topic, messages]) => ctx.bus.publish(topic, messages)));
  for (const e of events)
    ctx.metrics.counter('edge_events_published_total', 'Events published', ['type']).inc({ type: e.type });
  return ids;
}
