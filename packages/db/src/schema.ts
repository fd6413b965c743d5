// The tables of the suppression list (DESIGN.md "The list"): the append-only ledger, the current
// state per (subject key, scope), the encrypted address vault, the changelog outbox, the Do-Not-Sell
// request log (R-DNS-7), plus the tables senders and the abuse inbox use.
// Row types here are storage types; wire formats live in @sp/contracts.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every accepted event, once (primary key = event id, so a redelivery is a no-op). UPDATE, DELETE and
 * TRUNCATE are refused by a trigger (migration 0001). `payload` holds no readable address: subjects
 * appear as keys only (the readable copy lives encrypted in `subject_vault`).
 */
export const ledger = pgTable(
  'ledger',
  {
    eventId: uuid('event_id').primaryKey(),
    /** Recording order; breaks ties between equal `occurredAt` in the audit trail. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    type: text('type').notNull(),
    source: text('source').notNull(),
    occurredAt: tstz('occurred_at').notNull(),
    recordedAt: tstz('recorded_at').notNull().defaultNow(),
    /** Every subject key the event concerns (several for a Do-Not-Sell request). */
    subjectKeys: text('subject_keys').array().notNull(),
    keyId: text('key_id').notNull(),
    /** The scopes the event asked to write: [{subjectKey, channel, purpose, topic, suppressed}]. */
    scopes: jsonb('scopes').notNull(),
    /** The event data with addresses replaced by subject keys, plus the envelope's evidence. */
    payload: jsonb('payload').notNull(),
  },
  (t) => [
    index('ledger_subject_keys_idx').using('gin', t.subjectKeys),
    index('ledger_occurred_idx').on(t.occurredAt),
  ],
);

/** Current decision per (subject key, channel, purpose, topic): the newest event wins, suppression on ties. */
export const suppressionState = pgTable(
  'suppression_state',
  {
    subjectKey: text('subject_key').notNull(),
    channel: text('channel').notNull(),
    purpose: text('purpose').notNull(),
    topic: text('topic').notNull(),
    suppressed: boolean('suppressed').notNull(),
    reason: text('reason').notNull(),
    eventId: uuid('event_id').notNull(),
    source: text('source').notNull(),
    occurredAt: tstz('occurred_at').notNull(),
    /** When the suppression took effect (null when lifted). */
    since: tstz('since'),
    /** R-DNS-5: the date from which the person may be asked to opt back in. */
    askAgainAfter: tstz('ask_again_after'),
    detail: jsonb('detail'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.subjectKey, t.channel, t.purpose, t.topic] }),
    // The API's listing: active entries by when they took effect, newest first (issue 14).
    index('suppression_state_active_since_idx')
      // Ascending: scanned backwards for newest first (DESC NULLS FIRST), forwards for oldest first.
      .on(t.since, t.subjectKey, t.channel, t.purpose, t.topic)
      .where(sql`${t.suppressed}`),
    check('suppression_state_channel', sql`${t.channel} in ('email', 'sms', 'any')`),
    check('suppression_state_purpose', sql`${t.purpose} in ('marketing', 'all', 'sale_share')`),
    // The list's watermark (max) and "written since" (partner deltas and hash sync, issue 16).
    index('suppression_state_updated_idx').on(t.updatedAt),
  ],
);

/** Readable addresses, AES-256-GCM encrypted; erasable without touching the list. */
export const subjectVault = pgTable('subject_vault', {
  subjectKey: text('subject_key').primaryKey(),
  subjectType: text('subject_type').notNull(),
  /** base64 of iv(12) | tag(16) | ciphertext. */
  ciphertext: text('ciphertext').notNull(),
  keyId: text('key_id').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/**
 * Per-subject data keys (issue 15): identifiers in events on Kafka and in dead letters are sealed
 * with their subject's key. An erasure deletes the row, which makes every copy sealed with it
 * unreadable (crypto-shredding); the next event of the same person gets a new key.
 */
export const dataKeys = pgTable('data_keys', {
  /** Random id named in every sealed value (`d1.<id>.…`). */
  id: text('id').primaryKey(),
  subjectKey: text('subject_key').notNull().unique(),
  /** The data key sealed under the master key `masterKeyId` (EVENT_KEYS). */
  wrapped: text('wrapped').notNull(),
  masterKeyId: text('master_key_id').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/** Rows waiting for the relay to publish on `suppression.changelog.v1`, in id order per key. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    key: text('key').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    publishedAt: tstz('published_at'),
  },
  (t) => [index('outbox_unpublished_idx').on(t.id).where(sql`${t.publishedAt} is null`)],
);

/**
 * R-DNS-7: every Do-Not-Sell/Share request: date, what was asked, how, date and nature of the response,
 * reason for any denial. `retain_until` is never less than 24 months after the request (check constraint).
 */
export const dnsRequests = pgTable(
  'dns_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: text('request_id').notNull(),
    eventId: uuid('event_id').notNull().unique(),
    requestedAt: tstz('requested_at').notNull(),
    /** What was asked: e.g. ['sale_share'] or ['sale_share', 'email_marketing'] (R-DNS-8). */
    asked: text('asked').array().notNull(),
    method: text('method').notNull(),
    gpc: boolean('gpc').notNull(),
    combinedForm: boolean('combined_form').notNull(),
    agent: jsonb('agent'),
    subjectKeys: text('subject_keys').array().notNull(),
    respondedAt: tstz('responded_at'),
    /** Nature of the response: 'honored' | 'denied' | 'pending'. */
    response: text('response').notNull(),
    denialReason: text('denial_reason'),
    retainUntil: tstz('retain_until').notNull(),
  },
  (t) => [
    index('dns_requests_requested_idx').on(t.requestedAt),
    check(
      'dns_requests_retention_24_months',
      sql`${t.retainUntil} >= ${t.requestedAt} + interval '24 months'`,
    ),
    check('dns_requests_denial_reason', sql`${t.response} <> 'denied' or ${t.denialReason} is not null`),
  ],
);

/** R-DNS-6: subjects known to be minors (never sold/shared without opt-in). */
export const subjectFlags = pgTable('subject_flags', {
  subjectKey: text('subject_key').primaryKey(),
  minor: boolean('minor').notNull().default(false),
  /** The event that set the flag, for check reasons. */
  eventId: uuid('event_id'),
  source: text('source'),
  since: tstz('since'),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

/** Senders' claim-then-send record (no double send on redelivery). */
export const deliveryLog = pgTable(
  'delivery_log',
  {
    messageId: text('message_id').primaryKey(),
    channel: text('channel').notNull(),
    templateId: text('template_id'),
    category: text('category'),
    subjectKey: text('subject_key'),
    status: text('status').notNull(),
    reasons: jsonb('reasons'),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('delivery_log_status', sql`${t.status} in ('claimed', 'sent', 'suppressed', 'deferred', 'failed')`),
    index('delivery_log_next_attempt_idx').on(t.nextAttemptAt),
  ],
);

/**
 * The request behind a deferred delivery (quiet hours, list outage), sealed with the senders'
 * payload key, so the deferral poller can send it later; deleted once the message is final.
 */
export const deliveryPayload = pgTable('delivery_payload', {
  messageId: text('message_id').primaryKey(),
  sealed: text('sealed').notNull(),
  keyId: text('key_id').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/** R-AB-2: spam reports that could not be attributed, kept (encrypted) for an operator. */
export const abuseQuarantine = pgTable('abuse_quarantine', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  receivedAt: tstz('received_at').notNull().defaultNow(),
  reason: text('reason').notNull(),
  messageId: text('message_id'),
  /** base64 of the encrypted raw report. */
  rawEncrypted: text('raw_encrypted').notNull(),
  keyId: text('key_id').notNull(),
  releasedAt: tstz('released_at'),
});

// The embedded bus (`npm start` without Kafka, @sp/messaging's table bus): an accepted event is a
// row here before the edge answers, so a crash cannot lose it. Offsets are contiguous per
// partition (taken from `bus_partition.next_offset` under its row lock, so a reader never sees a
// later offset commit before an earlier one); groups commit in `bus_offset` after their write.

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** One row per partition of a topic; `next_offset` is the offset the next message gets. */
export const busPartition = pgTable(
  'bus_partition',
  {
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'number' }).notNull().default(0),
    compacted: boolean('compacted').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.topic, t.partition] })],
);

/** The messages, as Kafka keeps them: key, headers (JSON text, so any character fits), bytes. */
export const busMessage = pgTable(
  'bus_message',
  {
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    offset: bigint('msg_offset', { mode: 'number' }).notNull(),
    key: text('key'),
    headers: text('headers').notNull().default('{}'),
    value: bytea('value'),
    publishedAt: tstz('published_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.topic, t.partition, t.offset] }),
    index('bus_message_published_idx').on(t.publishedAt),
  ],
);

/** The groups that read a topic, from their first start on: retention keeps what they have not read. */
export const busGroup = pgTable(
  'bus_group',
  {
    groupId: text('group_id').notNull(),
    topic: text('topic').notNull(),
    joinedAt: tstz('joined_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.topic] })],
);

/** A consumer group's committed position: the next offset it will read. */
export const busOffset = pgTable(
  'bus_offset',
  {
    groupId: text('group_id').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'number' }).notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.topic, t.partition] })],
);

// Partners and affiliates (issue 16): who may download the suppression file, what each download was,
// and the seed addresses that reveal a misused file. No readable subject address is stored here:
// seeds are the brand's own addresses; partners' hashes are kept in partner_hashes (0010).

/** A partner (affiliate) that mails on the brand's behalf; its token is kept as a SHA-256 digest. */
export const partners = pgTable(
  'partners',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    contact: text('contact').notNull(),
    tokenDigest: text('token_digest').notNull().unique(),
    /** 'md5' | 'sha256' (plain, of the lower-cased address) | 'hmac-sha256' (keyed per partner). */
    hashFormat: text('hash_format').notNull(),
    /** base64 of 32 random bytes for 'hmac-sha256'; shown to the partner once, at creation. */
    hmacKey: text('hmac_key'),
    /** The email marketing topics (offers) the partner may mail; '*' means every topic. */
    topics: text('topics').array().notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    lastDownloadAt: tstz('last_download_at'),
    /** Set when a seed of this partner's file received mail (suppression-list misuse). */
    flaggedAt: tstz('flagged_at'),
    /** The list watermark (microseconds) up to which every suppressed subject has its row in partner_hashes. */
    hashedUpto: bigint('hashed_upto', { mode: 'bigint' }),
  },
  (t) => [check('partners_hash_format', sql`${t.hashFormat} in ('md5', 'sha256', 'hmac-sha256')`)],
);

/** Seed addresses at the brand's seed domain, one partner each; suppressed everywhere so never mailed. */
export const partnerSeeds = pgTable(
  'partner_seeds',
  {
    address: text('address').primaryKey(),
    subjectKey: text('subject_key').notNull(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('partner_seeds_subject_key_idx').on(t.subjectKey)],
);

/** Every file download and scrub call: the brand's proof that a partner had an up-to-date list. */
export const partnerAccess = pgTable(
  'partner_access',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id),
    kind: text('kind').notNull(),
    at: tstz('at').notNull().defaultNow(),
    /** The watermark the file ends at (a delta's `since` is a previous file's watermark). */
    watermark: text('watermark'),
    since: text('since'),
    rows: integer('rows').notNull(),
    /** Scrub: how many hashes the partner sent. */
    received: integer('received'),
  },
  (t) => [
    check('partner_access_kind', sql`${t.kind} in ('file', 'delta', 'scrub')`),
    index('partner_access_partner_idx').on(t.partnerId, t.at),
  ],
);

/** Mail that reached a seed address (`partner.seed-hit.v1`): names the partner whose file was mailed. */
export const partnerSeedHits = pgTable('partner_seed_hits', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull().unique(),
  partnerId: text('partner_id')
    .notNull()
    .references(() => partners.id),
  seedAddress: text('seed_address').notNull(),
  source: text('source').notNull(),
  messageId: text('message_id'),
  receivedAt: tstz('received_at').notNull().defaultNow(),
});

// --- Webhooks and provider sync (issue 14, migration 0007) ---------------------------------

/**
 * A receiver of list changes: the URL, its Standard Webhooks secret (sealed with the vault key
 * when there is one) and the filter of the changes it wants. `include_address` asks for the
 * readable address from the vault in each payload.
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  description: text('description'),
  /** `whsec_<base64>`, or `sealed:<keyId>:<base64>` when sealed with the vault key. */
  secret: text('secret').notNull(),
  channels: text('channels').array(),
  purposes: text('purposes').array(),
  reasons: text('reasons').array(),
  includeAddress: boolean('include_address').notNull().default(false),
  /** The changelog seq (outbox id) when registered: only later changes are delivered. */
  fromSeq: bigint('from_seq', { mode: 'number' }).notNull().default(0),
  /** active | disabled (deleted by an operator: kept for its delivery history). */
  status: text('status').notNull().default('active'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/**
 * One changelog entry for one endpoint. Delivered in `seq` order per (endpoint, subject key):
 * a pending row holds the later rows of its subject. `dead` after the last attempt failed.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    /** The changelog entry's seq (the outbox id): unique per change. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    subjectKey: text('subject_key').notNull(),
    /** The changelog entry as read (keys only, never an address). */
    entry: jsonb('entry').notNull(),
    /** pending | delivered | dead */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    leaseUntil: tstz('lease_until'),
    lastError: text('last_error'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    deliveredAt: tstz('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_seq_unique').on(t.endpointId, t.seq),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_subject_idx').on(t.endpointId, t.subjectKey, t.seq),
    check('webhook_deliveries_status', sql`${t.status} in ('pending', 'delivered', 'dead')`),
  ],
);

/** Every HTTP attempt of a delivery: what the receiver answered (or why nothing came back). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: bigint('delivery_id', { mode: 'number' })
      .notNull()
      .references(() => webhookDeliveries.id),
    endpointId: text('endpoint_id').notNull(),
    attempt: integer('attempt').notNull(),
    at: tstz('at').notNull().defaultNow(),
    /** The receiver's HTTP status; null when no answer came (refused, timeout). */
    httpStatus: integer('http_status'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);

/**
 * What the provider sync put on a provider's own suppression list, per subject and scope, so a
 * lift removes only what we put (never what the provider held before us).
 */
export const providerSync = pgTable(
  'provider_sync',
  {
    provider: text('provider').notNull(),
    subjectKey: text('subject_key').notNull(),
    /** channel/purpose/topic of our entry. */
    scope: text('scope').notNull(),
    /** The provider's reason (SES: BOUNCE | COMPLAINT). */
    providerReason: text('provider_reason').notNull(),
    /** The provider already held the address before we put it: never delete it. */
    preexisting: boolean('preexisting').notNull().default(false),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.subjectKey, t.scope] })],
);

/**
 * The hash each partner's file holds for a subject (issue 16, migration 0010), kept once computed so
 * a file or a scrub needs no vault open, and so an erased subject stays in partners' files (the
 * readable copy goes; the partner's hash of it stays, the opt-out keeps reaching the partner).
 * For an 'md5'/'sha256' partner this is the plain hash the partner already receives: a pseudonym,
 * never the address; rows exist only for partners that exist (README "Partners and affiliates").
 */
export const partnerHashes = pgTable(
  'partner_hashes',
  {
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    subjectKey: text('subject_key').notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.partnerId, t.subjectKey] }),
    index('partner_hashes_hash_idx').on(t.partnerId, t.hash),
  ],
);

/**
 * The topic registry (issue 13, migration 0011): what a subscriber can be on or off, its name and
 * description per language tag (`en` always present), default status and channels. Archived topics
 * stay (old links and checks keep naming them) but take no new sends or links.
 */
export const topics = pgTable(
  'topics',
  {
    /** The slug senders, links and checks use: [a-z0-9][a-z0-9-]{0,63}. */
    id: text('id').primaryKey(),
    /** 'email' and/or 'sms'. */
    channels: text('channels').array().notNull(),
    /** 'opt-in' (off until the person joins) | 'opt-out' (on until the person leaves). */
    defaultStatus: text('default_status').notNull(),
    archived: boolean('archived').notNull().default(false),
    /** language tag -> display name. */
    names: jsonb('names').$type<Record<string, string>>().notNull(),
    /** language tag -> description. */
    descriptions: jsonb('descriptions').$type<Record<string, string>>().notNull().default({}),
    /** 1 at creation, +1 per change: the history row of each version. */
    version: integer('version').notNull().default(1),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('topics_id_slug', sql`${t.id} ~ '^[a-z0-9][a-z0-9-]{0,63}$'`),
    check(
      'topics_channels',
      sql`cardinality(${t.channels}) > 0 and ${t.channels} <@ array['email', 'sms']::text[]`,
    ),
    check('topics_default_status', sql`${t.defaultStatus} in ('opt-in', 'opt-out')`),
    check('topics_names_en', sql`jsonb_typeof(${t.names} -> 'en') = 'string'`),
  ],
);

/** Every change of a topic (append-only, migration 0011's trigger): who, when, before and after. */
export const topicHistory = pgTable(
  'topic_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topicId: text('topic_id')
      .notNull()
      .references(() => topics.id),
    /** The topic's version this change produced. */
    version: integer('version').notNull(),
    /** create | update | archive | unarchive */
    action: text('action').notNull(),
    /** The API token's name (authoritative), as admin writes record it. */
    by: text('by').notNull(),
    /** The person the request named, as claimed. */
    actor: text('actor'),
    reason: text('reason'),
    at: tstz('at').notNull().defaultNow(),
    before: jsonb('before'),
    after: jsonb('after').notNull(),
  },
  (t) => [
    uniqueIndex('topic_history_topic_version_unique').on(t.topicId, t.version),
    check('topic_history_action', sql`${t.action} in ('create', 'update', 'archive', 'unarchive')`),
  ],
);
