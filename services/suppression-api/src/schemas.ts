// The wire formats of the API: every request is parsed with these (safeParse at the edge) and the
// OpenAPI document is generated from the same schemas (z.toJSONSchema), so the two cannot drift.
import { AdminRequestMethod, CheckReason as ContractCheckReason, ImportedReason } from '@sp/contracts';
import { IMPORT_FORMATS } from '@sp/importers';
import { z } from 'zod';

export const MAX_BATCH = 10_000;
export const MAX_PAGE = 1_000;

export const Channel = z.enum(['email', 'sms']);
export const ScopeChannel = z.enum(['email', 'sms', 'any']);
export const Purpose = z.enum(['marketing', 'all', 'sale_share']);
export const Kind = z.enum(['marketing', 'transactional', 'sale_share']);
export const IdType = z.enum(['customer', 'device']);

/** One subject: exactly one of email, phone or id (an opaque customer or device id). */
const subjectFields = {
  email: z.string().min(1).max(320).optional().describe('An email address (normalized by the API).'),
  phone: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('A phone number; without +country code the default region applies.'),
  id: z.string().min(1).max(256).optional().describe('An opaque customer or device id.'),
  idType: IdType.optional().describe("What `id` is; default 'customer'."),
};
const oneSubject = (v: { email?: string | undefined; phone?: string | undefined; id?: string | undefined }) =>
  [v.email, v.phone, v.id].filter((x) => x !== undefined).length === 1;
const oneSubjectMessage = { message: 'give exactly one of email, phone or id' };

export const CheckRequest = z
  .object({
    ...subjectFields,
    channel: Channel,
    kind: Kind.describe(
      'The kind of the message as the SENDER classifies it. Only templates registered as one of the five ' +
        'CAN-SPAM transactional types (R-EM-5) may be checked as transactional; the API answers for the kind asked.',
    ),
    topic: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Newsletter or program name; absent means all ('*')."),
  })
  .refine(oneSubject, oneSubjectMessage);
export type CheckRequest = z.infer<typeof CheckRequest>;

/** The contracts' reason, closed for the OpenAPI document, plus what the list knows besides. */
export const CheckReason = z.object({
  ...ContractCheckReason.shape,
  askAgainAfter: z.string().nullable().optional(),
  detail: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type CheckReason = z.infer<typeof CheckReason>;

export const CheckResponse = z.object({
  allowed: z.boolean(),
  subjectKey: z.string(),
  reasons: z.array(CheckReason),
});
export type CheckResponse = z.infer<typeof CheckResponse>;

export const BatchCheckRequest = z.object({
  queries: z.array(CheckRequest).min(1).max(MAX_BATCH),
});
export type BatchCheckRequest = z.infer<typeof BatchCheckRequest>;

export const BatchCheckResponse = z.object({
  /** In the order of the queries. */
  results: z.array(CheckResponse),
});
export type BatchCheckResponse = z.infer<typeof BatchCheckResponse>;

export const EntryRequest = z
  .object({
    ...subjectFields,
    channel: ScopeChannel,
    purpose: Purpose,
    topic: z.string().min(1).max(200).default('*'),
    actor: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "The person who asks, kept in the ledger beside the token's identity (which it never replaces).",
      ),
    reason: z.string().min(1).max(2000).describe('Why, kept in the ledger.'),
    method: AdminRequestMethod.optional().describe(
      'How the person asked, for a request taken by the service desk (the actor is then the agent).',
    ),
  })
  .refine(oneSubject, oneSubjectMessage);
export type EntryRequest = z.infer<typeof EntryRequest>;

const liftFields = {
  ...subjectFields,
  channel: ScopeChannel,
  purpose: Purpose,
  topic: z.string().min(1).max(200).default('*'),
  actor: z.string().min(1).max(200).describe('Who asks (a person or a tool), kept in the ledger.'),
  reason: z.string().min(1).max(2000).describe('Why, kept in the ledger.'),
  method: AdminRequestMethod.optional(),
  consentRef: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe(
      "Proof that the person consented again (e.g. a double opt-in confirmation id). Required to lift the person's " +
        'own opt-out (email opt-out, SMS STOP, spam complaint, Do-Not-Sell) unless `force` is true.',
    ),
  force: z
    .boolean()
    .optional()
    .describe(
      "Lift the person's own opt-out without a consentRef; `reason` says why. Recorded in the ledger.",
    ),
};

/** One lift: an entry request plus the proof of consent (or force) a person's own opt-out needs. */
export const LiftRequest = z.object(liftFields).refine(oneSubject, oneSubjectMessage);
export type LiftRequest = z.infer<typeof LiftRequest>;

export const MAX_LIFT_BATCH = 1_000;
export const BulkLiftRequest = z.object({
  lifts: z.array(z.object(liftFields)).min(1).max(MAX_LIFT_BATCH),
});

export const LiftStatus = z.enum(['lifted', 'not_suppressed', 'consent_required', 'not_newer', 'invalid']);
export const LiftResult = z.object({
  index: z.number().int(),
  status: LiftStatus.describe(
    'lifted: recorded; not_suppressed: nothing to lift, nothing written; consent_required: a person’s own ' +
      'opt-out needs consentRef or force, nothing written; not_newer: a newer entry decides the scope; ' +
      'invalid: the subject does not parse.',
  ),
  subjectKey: z.string().nullable(),
  eventId: z.string().nullable(),
  /** The reason of the entry found (what would have been lifted). */
  entryReason: z.string().nullable(),
  message: z.string().optional(),
});
export type LiftResult = z.infer<typeof LiftResult>;
export const BulkLiftResponse = z.object({
  lifted: z.number().int(),
  results: z.array(LiftResult),
});
export type BulkLiftResponse = z.infer<typeof BulkLiftResponse>;

export const EntryChange = z.object({
  channel: z.string(),
  purpose: z.string(),
  topic: z.string(),
  suppressed: z.boolean(),
  reason: z.string(),
});

export const EntryResponse = z.object({
  eventId: z.string(),
  action: z.enum(['suppress', 'lift']),
  subjectKey: z.string(),
  /** False when this exact event was already recorded. */
  applied: z.boolean(),
  /** The state rows the event changed (empty when an older or equal entry already decided). */
  changes: z.array(EntryChange),
});
export type EntryResponse = z.infer<typeof EntryResponse>;

/** POST /v1/erasures (issue 15): erase one person's readable address, keep the opt-outs by key. */
export const ErasureRequest = z
  .object({
    ...subjectFields,
    requestId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "The request's id (a ticket number); repeating it records the erasure once. Default: a new uuid.",
      ),
    actor: z.string().min(1).max(200).describe('Who asks, kept in the ledger.'),
    reason: z.string().min(1).max(2000).optional().describe('Why (e.g. "CCPA deletion request").'),
  })
  .refine(oneSubject, oneSubjectMessage);
export type ErasureRequest = z.infer<typeof ErasureRequest>;

export const ErasureResponse = z.object({
  requestId: z.string(),
  eventId: z.string().describe('The ledger event recording the erasure (no address in it).'),
  recorded: z.boolean().describe('False when this request id had been recorded before.'),
  subjectKey: z.string(),
  vaultCopiesDeleted: z.number().int(),
  dataKeysShredded: z
    .number()
    .int()
    .describe('Per-subject data keys dropped: sealed copies in Kafka and dead letters no longer open.'),
});
export type ErasureResponse = z.infer<typeof ErasureResponse>;

export const SubjectQuery = z
  .strictObject({
    email: subjectFields.email,
    phone: subjectFields.phone,
    id: subjectFields.id,
    idType: subjectFields.idType,
  })
  .refine(oneSubject, oneSubjectMessage);
export type SubjectQuery = z.infer<typeof SubjectQuery>;

export const HistoryEntry = z.object({
  eventId: z.string(),
  type: z.string(),
  source: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  scopes: z.array(
    z.object({
      subjectKey: z.string(),
      channel: z.string(),
      purpose: z.string(),
      topic: z.string(),
      suppressed: z.boolean(),
      reason: z.string(),
    }),
  ),
  payload: z.record(z.string(), z.unknown()),
});

export const HistoryResponse = z.object({
  subjectKey: z.string(),
  entries: z.array(HistoryEntry),
});
export type HistoryResponse = z.infer<typeof HistoryResponse>;

const isoTime = z.iso
  .datetime({ offset: true })
  .describe('An ISO-8601 date-time with a zone, e.g. 2026-11-01T00:00:00Z.');

/** Unknown parameters are a 400 (a misspelt filter must not silently list everything). */
export const EntriesQuery = z
  .strictObject({
    cursor: z
      .string()
      .min(1)
      .optional()
      .describe('`nextCursor` of the previous page (same filters and order).'),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
    channel: ScopeChannel.optional(),
    purpose: Purpose.optional(),
    reason: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('e.g. email-optout, sms-stop, do-not-sell, complaint, hard-bounce, admin.'),
    source: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The producer of the event, e.g. edge, abuse-inbox.'),
    topic: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("A newsletter name, or '*' for entries on every topic."),
    since: isoTime.optional().describe('Only entries that took effect at or after this time.'),
    until: isoTime.optional().describe('Only entries that took effect before this time.'),
    order: z.enum(['newest', 'oldest']).default('newest').describe('By when the entry took effect.'),
    email: subjectFields.email,
    phone: subjectFields.phone,
    id: subjectFields.id,
    idType: subjectFields.idType,
  })
  .refine((v) => [v.email, v.phone, v.id].filter((x) => x !== undefined).length <= 1, {
    message: 'give at most one of email, phone or id',
  });
export type EntriesQuery = z.infer<typeof EntriesQuery>;

export const ListedEntry = z.object({
  subjectKey: z.string(),
  subjectType: z.string().nullable(),
  /** Only for admin tokens, and only when the vault holds a readable copy. */
  address: z.string().nullable().optional(),
  channel: z.string(),
  purpose: z.string(),
  topic: z.string(),
  reason: z.string(),
  source: z.string(),
  eventId: z.string(),
  since: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type ListedEntry = z.infer<typeof ListedEntry>;

export const EntriesResponse = z.object({
  entries: z.array(ListedEntry),
  nextCursor: z.string().nullable(),
});
export type EntriesResponse = z.infer<typeof EntriesResponse>;

export const ImportFormat = z.enum(['csv', 'ndjson']);

/** What `POST /v1/import` reads: our CSV and NDJSON, and each provider's export (@sp/importers). */
export const ImportBodyFormat = z.enum(['ndjson', ...IMPORT_FORMATS]);
export type ImportBodyFormat = z.infer<typeof ImportBodyFormat>;

export const ImportQuery = z.strictObject({
  format: ImportBodyFormat.optional().describe(
    'Default: from the Content-Type (text/csv or application/x-ndjson). A provider format reads that ' +
      "provider's export as it is downloaded (see packages/importers/README.md).",
  ),
  firstLine: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .describe(
      'Line number of the body’s first line in the whole file (for reports of files sent in batches).',
    ),
  actor: z.string().min(1).max(200).default('import'),
  file: z.string().min(1).max(300).default('upload').describe('The file name kept as ledger evidence.'),
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .describe('Validate and count (new entries and duplicates) without writing anything.'),
  group: z.string().min(1).max(200).optional().describe('SendGrid: the ASM group of a per-group export.'),
  stream: z.string().min(1).max(200).optional().describe('Postmark: the message stream of the dump.'),
  audience: z.string().min(1).max(200).optional().describe('Mailchimp: the audience, as a topic.'),
  topics: z
    .string()
    .max(4000)
    .regex(/^([^=,]+=[^=,]+)(,[^=,]+=[^=,]+)*$/)
    .optional()
    .describe('Provider group/stream/tag/audience -> our topic, as "name=topic,name=topic".'),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

/** One NDJSON import line (CSV: identifier,channel,purpose,topic,reason). */
export const ImportRecord = z
  .object({
    ...subjectFields,
    channel: ScopeChannel.optional(),
    purpose: Purpose.optional(),
    topic: z.string().min(1).max(200).optional(),
    reason: z.string().min(1).max(2000),
    reasonCode: ImportedReason.optional().describe(
      "The provider's kind of entry (the CLI sets it from a provider export); default admin.",
    ),
    occurredAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the provider recorded it; default the time of the import.'),
    line: z.number().int().min(1).optional().describe('The line in the original file (the CLI sets it).'),
  })
  .refine(oneSubject, oneSubjectMessage);
export type ImportRecord = z.infer<typeof ImportRecord>;

export const MAX_REPORTED_REJECTIONS = 1_000;

export const ImportReport = z.object({
  /** Lines read, including skipped ones. */
  lines: z.number().int(),
  accepted: z.number().int(),
  /** Entries the list already had from an earlier import, or repeated in this one. */
  duplicates: z.number().int(),
  rejected: z.number().int(),
  /** Blank lines, # comments, a CSV header, and rows that are not suppressions (a Twilio log's other messages). */
  skipped: z.number().int(),
  /** Nothing was written (dryRun): `accepted` counts what would be new. */
  dryRun: z.boolean().optional(),
  rejections: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  /** True when more than MAX_REPORTED_REJECTIONS lines were rejected and only the first are listed. */
  rejectionsTruncated: z.boolean(),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ExportQuery = z.strictObject({
  format: ImportFormat.default('ndjson'),
  channel: ScopeChannel.optional(),
  purpose: Purpose.optional(),
  actor: z.string().min(1).max(200).optional().describe('The person exporting (beside the token identity).'),
  reason: z.string().min(1).max(2000).optional().describe('Why (e.g. which processor gets the file).'),
});
export type ExportQuery = z.infer<typeof ExportQuery>;

/** The export's NDJSON line: a listed entry, under its own name in the OpenAPI document. @alias */
export const ExportRow = ListedEntry;
export const EXPORT_CSV_COLUMNS = [
  'subjectKey',
  'subjectType',
  'address',
  'channel',
  'purpose',
  'topic',
  'reason',
  'source',
  'since',
] as const;

export const ExportRecordsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().describe('Exports at or after this time.'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exports before this time.'),
});
export const ExportRecord = z.object({
  eventId: z.string(),
  /** When the export started. */
  at: z.string(),
  /** When it was recorded (the stream's end). */
  recordedAt: z.string(),
  /** The token identity that exported. */
  by: z.string(),
  actor: z.string().nullable(),
  reason: z.string().nullable(),
  filter: z.object({ channel: z.string().nullable(), purpose: z.string().nullable() }),
  format: z.string(),
  rows: z.number().int(),
  /** Whether readable addresses were in the file. */
  addresses: z.boolean(),
  /** False when the stream broke off before its end. */
  complete: z.boolean(),
});
export const ExportRecordsResponse = z.object({ exports: z.array(ExportRecord) });

export const StatsQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(3650).optional().describe('Window of the complaint rate in days.'),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

export const COMPLAINT_RATE_TARGET = 0.001;
export const COMPLAINT_RATE_ALERT = 0.003;

export const StatsResponse = z.object({
  /** Subjects with at least one active suppression. */
  suppressedSubjects: z.number().int(),
  /** Active suppressions per reason, channel and purpose. */
  entries: z.array(
    z.object({ reason: z.string(), channel: z.string(), purpose: z.string(), count: z.number().int() }),
  ),
  complaintRate: z.object({
    windowDays: z.number().int(),
    from: z.string(),
    to: z.string(),
    complaints: z.number().int(),
    sentMarketingEmail: z.number().int(),
    /** complaints / sent marketing email; null when nothing was sent. */
    rate: z.number().nullable(),
    target: z.number(),
    alertThreshold: z.number(),
    status: z.enum(['ok', 'above-target', 'alert', 'no-data']),
  }),
  /** Partners (issue 16): how many, how many have no file younger than PARTNER_STALE_DAYS, how many had a seed hit. */
  partners: z
    .object({
      total: z.number().int(),
      stale: z.array(z.string()),
      flagged: z.array(z.string()),
      staleAfterDays: z.number().int(),
    })
    .optional(),
});
export type StatsResponse = z.infer<typeof StatsResponse>;

export const UnsubscribeLinkRequest = z.object({
  email: z.string().min(1).max(320),
  topic: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'An active email topic of the registry (GET /v1/topics), else 400; without it the link is for all marketing email.',
    ),
  campaignId: z.string().min(1).max(200).optional(),
});
export type UnsubscribeLinkRequest = z.infer<typeof UnsubscribeLinkRequest>;

export const UnsubscribeLinkResponse = z.object({
  url: z.string().describe('For List-Unsubscribe and the footer link: PUBLIC_BASE_URL/u/<token>.'),
  mailto: z.string().describe('For List-Unsubscribe: mailto:unsubscribe+<token>@UNSUBSCRIBE_DOMAIN.'),
});
export type UnsubscribeLinkResponse = z.infer<typeof UnsubscribeLinkResponse>;

export const ErrorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Health = z.object({ status: z.string() });
export const Ready = z.object({ status: z.string(), checks: z.record(z.string(), z.boolean()) });

/** Text bodies, documented as strings. */
export const TextBody = z.string();
export const ImportCsvBody = z.string().describe('CSV lines: identifier,channel,purpose,topic,reason');
export const ExportCsv = z.string().describe(`CSV with the header line ${EXPORT_CSV_COLUMNS.join(',')}`);
export const AnyObject = z.record(z.string(), z.unknown());

// Partners (issue 16).
export const HashFormat = z.enum(['md5', 'sha256', 'hmac-sha256']);
export const PartnerRequest = z.object({
  name: z.string().min(1).max(200),
  contact: z.string().min(3).max(320),
  hashFormat: HashFormat.describe(
    'md5/sha256: plain hashes of the lower-cased address; hmac-sha256: keyed per partner',
  ),
  /** Email marketing topics (offers) the partner mails; '*' = the general marketing opt-outs. */
  topics: z.array(z.string().min(1).max(200)).min(1).max(100).default(['*']),
  seeds: z.number().int().min(0).max(100).default(3),
  actor: z.string().min(1).max(200).default('api'),
});
export const PartnerOut = z.object({
  id: z.string(),
  name: z.string(),
  contact: z.string(),
  hashFormat: HashFormat,
  topics: z.array(z.string()),
  createdAt: z.string(),
  lastDownloadAt: z.string().nullable(),
  flaggedAt: z.string().nullable(),
  stale: z.boolean(),
});
export const NewPartnerResponse = z.object({
  partner: PartnerOut,
  token: z.string().describe('the partner token (scope partner); shown once'),
  hmacKey: z.string().nullable().describe('base64 HMAC-SHA256 key for keyed files; shown once'),
  seeds: z.array(z.string()),
});
export const PartnersResponse = z.object({ partners: z.array(PartnerOut) });
export const SuppressionFileQuery = z.strictObject({
  since: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional()
    .describe('the X-Watermark of a previous file: only additions since then'),
  gzip: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .describe('gzip the file (Content-Encoding is not used)'),
});
export const HashFile = z.string().describe('one lower-case hex hash per line');
export const GzipFile = z.string().describe('the same lines, gzip-compressed');
export const ScrubRequest = z.object({
  hashes: z.array(z.string().regex(/^[0-9a-fA-F]{32}$|^[0-9a-fA-F]{64}$/)).min(1),
});
export const ScrubResponse = z.object({
  remove: z.array(z.string()).describe('the hashes sent that are suppressed for this partner'),
  watermark: z.string(),
  received: z.number().int(),
});
export const SeedHitRequest = z.object({
  seed: z.string().min(3).max(320).describe('the seed address that received mail'),
  messageId: z.string().max(998).optional(),
});
export const SeedHitResponse = z.object({ eventId: z.string(), partnerId: z.string() });

// Proof reports (issue 15).
export const ProofQuery = z
  .object({
    email: subjectFields.email,
    phone: subjectFields.phone,
    id: subjectFields.id,
    idType: subjectFields.idType,
    format: z
      .enum(['json', 'html'])
      .default('json')
      .describe('json: the signed document; html: a printable page.'),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("The person's IANA time zone when known (a phone number's own zone is used otherwise)."),
  })
  .refine(oneSubject, oneSubjectMessage);
export type ProofQuery = z.infer<typeof ProofQuery>;

export const StateChange = z.object({
  channel: z.string(),
  purpose: z.string(),
  topic: z.string(),
  from: z.enum(['allowed', 'suppressed']),
  to: z.enum(['allowed', 'suppressed']),
  reason: z.string(),
  /** False when a newer event already decided the scope (the write changed nothing). */
  effective: z.boolean(),
});
export type StateChange = z.infer<typeof StateChange>;

export const ProofEntry = z.object({
  /** UTC, ISO 8601. */
  at: z.string(),
  /** The same instant in the person's zone, when known. */
  atLocal: z.string().nullable(),
  kind: z.enum(['event', 'message', 'request']),
  title: z.string(),
  /** Event id, message id or request id. */
  reference: z.string(),
  type: z.string().nullable(),
  recordedAt: z.string().nullable(),
  /** For operator actions: the token identity that made the write. */
  actor: z.string().nullable(),
  reason: z.string().nullable(),
  /** Source, IP, user agent, MessageSid, ARF Message-ID, method... as recorded with the event. */
  evidence: z.record(z.string(), z.unknown()).nullable(),
  stateChanges: z.array(StateChange),
  check: z
    .object({
      asked: z.object({ channel: z.string(), kind: z.string() }),
      answer: z.enum(['allowed', 'refused', 'deferred', 'pending']),
      reasons: z.array(
        z.object({
          eventId: z.string(),
          reason: z.string(),
          channel: z.string(),
          purpose: z.string(),
          topic: z.string(),
          since: z.string().nullable(),
        }),
      ),
    })
    .nullable(),
  message: z
    .object({
      channel: z.string(),
      templateId: z.string().nullable(),
      category: z.string().nullable(),
      status: z.string(),
      providerMessageId: z.string().nullable(),
      finalAt: z.string(),
    })
    .nullable(),
  request: z
    .object({
      asked: z.array(z.string()),
      method: z.string(),
      gpc: z.boolean(),
      response: z.string(),
      respondedAt: z.string().nullable(),
      denialReason: z.string().nullable(),
      eventId: z.string(),
    })
    .nullable(),
});
export type ProofEntry = z.infer<typeof ProofEntry>;

export const ProofReport = z.object({
  kind: z.literal('suppression-proof.v1'),
  brand: z.string(),
  generatedAt: z.string(),
  subject: z.object({ type: z.string(), value: z.string(), keys: z.array(z.string()) }),
  timeZones: z.array(z.string()),
  /** Which checks the report can show (see the API README). */
  checksRecorded: z.string(),
  timeline: z.array(ProofEntry),
  currentState: z.array(
    z.object({
      channel: z.string(),
      purpose: z.string(),
      topic: z.string(),
      suppressed: z.boolean(),
      reason: z.string(),
      eventId: z.string(),
      since: z.string().nullable(),
    }),
  ),
});
export type ProofReport = z.infer<typeof ProofReport>;

export const SignedProofResponse = z.object({
  report: ProofReport,
  signature: z.object({
    alg: z.literal('Ed25519'),
    keyId: z.string(),
    value: z.string().describe('base64 Ed25519 signature over the canonical JSON of `report` (UTF-8).'),
  }),
});
export const ProofHtml = z
  .string()
  .describe('A printable page; its data-proof-signature attribute signs every other byte of the page.');
export const ProofKeyResponse = z.object({
  alg: z.literal('Ed25519'),
  keyId: z.string(),
  publicKeyPem: z.string().describe('SPKI PEM; give it to `suppress verify --public-key`.'),
});

// CCPA metrics (11 CCR 7102).
export const CcpaMetricsQuery = z.object({
  year: z.coerce.number().int().min(2020).max(2100).describe('The calendar year (UTC) of the requests.'),
});
export const CcpaMetrics = z.object({
  year: z.number().int(),
  from: z.string(),
  to: z.string(),
  /** Requests to opt out of sale/sharing received in the year. */
  received: z.number().int(),
  /** Honored, wholly or partly (a combined form without an email address is honored in part). */
  compliedInWholeOrInPart: z.number().int(),
  compliedInPart: z.number().int(),
  denied: z.number().int(),
  /** Not yet answered. */
  pending: z.number().int(),
  /** Median days from request to response over the answered requests; null when none. */
  medianDaysToRespond: z.number().nullable(),
});
export type CcpaMetrics = z.infer<typeof CcpaMetrics>;
