// The route table: method, path, scope, input and output schemas of every route. app.ts registers
// exactly these routes and openapi.ts documents exactly these, from the same zod schemas.
import { z } from 'zod';
import type { Scope } from './config';
import { messageRoutes } from './messages-spec';
import * as S from './schemas';

interface ResponseSpec {
  description: string;
  /** media type -> schema of the body (for application/x-ndjson: the schema of one line). */
  content?: Record<string, z.ZodType>;
}

export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  /** null: no token needed (probes, metrics, the document itself). */
  scope: Scope | null;
  summary: string;
  description?: string;
  query?: z.ZodType;
  /** Path parameters (`:name` in the url). */
  params?: z.ZodType;
  /** media type -> schema (text bodies are documented as strings). */
  body?: Record<string, z.ZodType>;
  bodyLimit?: number;
  responses: Record<number, ResponseSpec>;
}

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });

function spec<const T extends RouteSpec>(s: T): T {
  return s;
}

export const routes = {
  check: spec({
    operationId: 'check',
    method: 'POST',
    url: '/v1/check',
    scope: 'check',
    summary: 'May this message go to this subject on this channel?',
    description:
      'Answers for the kind asked. Senders, not callers, decide the kind: a message is transactional only ' +
      'when its template is registered as one of the five CAN-SPAM transactional types (R-EM-5); checking ' +
      'an unregistered template as transactional is a misuse. Transactional email is blocked only by ' +
      'email/all entries (hard bounces, admin); every SMS is blocked by sms/all (TCPA).',
    body: json(S.CheckRequest),
    responses: {
      200: { description: 'The decision with every matching reason.', content: json(S.CheckResponse) },
    },
  }),
  checkBatch: spec({
    operationId: 'checkBatch',
    method: 'POST',
    url: '/v1/check/batch',
    scope: 'check',
    summary: `Up to ${S.MAX_BATCH} checks in one database round trip`,
    description: `More than ${S.MAX_BATCH} queries: 413. Results are in the order of the queries.`,
    body: json(S.BatchCheckRequest),
    bodyLimit: 16 * 1024 * 1024,
    responses: {
      200: { description: 'One result per query.', content: json(S.BatchCheckResponse) },
      413: {
        description: `More than ${S.MAX_BATCH} queries, or a body too large.`,
        content: json(S.ErrorBody),
      },
    },
  }),
  addEntry: spec({
    operationId: 'addEntry',
    method: 'POST',
    url: '/v1/entries',
    scope: 'admin',
    summary: 'Suppress a subject in one scope (an admin action, recorded in the ledger)',
    description:
      "Published as a 'suppression.admin.v1' event and applied like any other event: the ledger keeps the actor and reason.",
    body: json(S.EntryRequest),
    responses: { 201: { description: 'Recorded.', content: json(S.EntryResponse) } },
  }),
  liftEntry: spec({
    operationId: 'liftEntry',
    method: 'POST',
    url: '/v1/entries/lift',
    scope: 'admin',
    summary: `Lift a suppression in one scope, or up to ${S.MAX_LIFT_BATCH} (\`{"lifts": [...]}\`), each with its own result`,
    description:
      'An admin event in the ledger, applied only when newer than the entry it lifts. Nothing is written for a ' +
      "scope that is not suppressed, nor for the person's own opt-out (email opt-out, SMS STOP, spam complaint, " +
      'Do-Not-Sell) without `consentRef` (their proof of consent, e.g. a double opt-in confirmation id) or ' +
      '`force: true` with the reason. One lift: 201, or 409 with error `not_suppressed` / `consent_required`. ' +
      `A batch (\`lifts\`, at most ${S.MAX_LIFT_BATCH}, more: 413): 200 with one result per lift, in order.`,
    body: json(z.union([S.LiftRequest, S.BulkLiftRequest])),
    bodyLimit: 4 * 1024 * 1024,
    responses: {
      201: { description: 'One lift, recorded.', content: json(S.EntryResponse) },
      200: { description: 'A batch: one result per lift.', content: json(S.BulkLiftResponse) },
      409: {
        description: "One lift: not suppressed, or the person's own opt-out without consentRef or force.",
        content: json(S.ErrorBody),
      },
      413: { description: `More than ${S.MAX_LIFT_BATCH} lifts.`, content: json(S.ErrorBody) },
    },
  }),
  listEntries: spec({
    operationId: 'listEntries',
    method: 'GET',
    url: '/v1/entries',
    scope: 'check',
    summary: 'Active suppressions, a page at a time',
    description:
      'Keys, scope, reason and since. Readable addresses are decrypted from the vault only for tokens with ' +
      'the admin scope, and only when the vault holds a copy.',
    query: S.EntriesQuery,
    responses: { 200: { description: 'One page.', content: json(S.EntriesResponse) } },
  }),
  history: spec({
    operationId: 'history',
    method: 'GET',
    url: '/v1/history',
    scope: 'admin',
    summary: 'The audit trail of one subject (every event of the ledger, oldest first)',
    query: S.SubjectQuery,
    responses: { 200: { description: 'The trail.', content: json(S.HistoryResponse) } },
  }),
  erase: spec({
    operationId: 'erase',
    method: 'POST',
    url: '/v1/erasures',
    scope: 'admin',
    summary: "Erase a person's address: the readable copy and every sealed copy; the opt-outs stay",
    description:
      "Deletes the readable copy from the vault and drops the subject's data key, so every event and " +
      'dead letter sealed with it can no longer be opened (crypto-shredding). Records a ' +
      "'privacy.erasure.v1' event in the ledger (request id and actor, no address). The list entries are " +
      'kept by key: the person stays suppressed, and a later opt-out of the same address lands on the same key.',
    body: json(S.ErasureRequest),
    responses: { 200: { description: 'Erased.', content: json(S.ErasureResponse) } },
  }),
  importEntries: spec({
    operationId: 'importEntries',
    method: 'POST',
    url: '/v1/import',
    scope: 'admin',
    summary: 'Import suppressions from CSV or NDJSON, with a validation report',
    description:
      'CSV lines are `identifier,channel,purpose,topic,reason` (an optional header line starting with ' +
      '`identifier`); an identifier is an email, a phone number, or `customer:<id>` / `device:<id>`. NDJSON ' +
      'lines are objects `{email|phone|id, idType?, channel?, purpose?, topic?, reason}`. Empty scope columns ' +
      'default to email/marketing/* for emails, sms/all/* for phones and any/sale_share/* for ids. Bad lines ' +
      'are reported with their line numbers and never stop the import. An entry already imported earlier ' +
      '(same subject and scope) is a duplicate: importing a file twice changes nothing.',
    query: S.ImportQuery,
    body: { 'text/csv': S.ImportCsvBody, 'application/x-ndjson': S.ImportRecord },
    responses: { 200: { description: 'The validation report.', content: json(S.ImportReport) } },
  }),
  exportEntries: spec({
    operationId: 'exportEntries',
    method: 'GET',
    url: '/v1/export',
    scope: 'admin',
    summary: 'Stream the active suppressions (CSV or NDJSON)',
    description:
      'R-EM-4: this export is ONLY for processors that send on our behalf, so that they do not contact ' +
      'suppressed subjects. The list is never sold, leased, exchanged or transferred for any other purpose. ' +
      'Addresses are included when the vault holds a readable copy.',
    query: S.ExportQuery,
    responses: {
      200: {
        description: 'CSV with a header line, or one JSON object per line.',
        content: { 'text/csv': S.ExportCsv, 'application/x-ndjson': S.ExportRow },
      },
    },
  }),
  exportRecords: spec({
    operationId: 'exportRecords',
    method: 'GET',
    url: '/v1/exports',
    scope: 'admin',
    summary: 'Every export of the list: who, when, which filter, how many rows (R-EM-4)',
    description:
      'Each GET /v1/export is recorded in the ledger (type suppression.export.v1) when its stream ends, with the ' +
      "token's identity, the person and reason the query named, the filter and the row count.",
    query: S.ExportRecordsQuery,
    responses: { 200: { description: 'The exports, oldest first.', content: json(S.ExportRecordsResponse) } },
  }),
  stats: spec({
    operationId: 'stats',
    method: 'GET',
    url: '/v1/stats',
    scope: 'check',
    summary: 'Counts of active suppressions and the spam-complaint rate',
    description:
      'R-OC-5: complaint rate = spam complaints / marketing email sent over the window. Target under 0.1%; ' +
      "status 'alert' at 0.3% or more.",
    query: S.StatsQuery,
    responses: { 200: { description: 'Statistics.', content: json(S.StatsResponse) } },
  }),
  unsubscribeLinks: spec({
    operationId: 'unsubscribeLinks',
    method: 'POST',
    url: '/v1/unsubscribe-links',
    scope: 'check',
    summary: 'The List-Unsubscribe https link and mailto address for one recipient',
    description:
      "Campaign templates embed both (R-OC-1). The https link is the edge's GET/POST /u/:token; the mailto " +
      "address reaches the abuse inbox's unsubscribe+token@ address. Tokens are sealed (R-OC-4).",
    body: json(S.UnsubscribeLinkRequest),
    responses: {
      200: { description: 'The link and the address.', content: json(S.UnsubscribeLinkResponse) },
    },
  }),
  createPartner: spec({
    operationId: 'createPartner',
    method: 'POST',
    url: '/v1/partners',
    scope: 'admin',
    summary: 'Register a partner (affiliate): its token, hash format, topics and seed addresses',
    description:
      'The token (scope partner, bound to this partner) and the HMAC key are shown once. Each seed address is ' +
      "suppressed on email/all so our senders never mail it; it appears, hashed, in this partner's file only.",
    body: json(S.PartnerRequest),
    responses: { 201: { description: 'Registered.', content: json(S.NewPartnerResponse) } },
  }),
  listPartners: spec({
    operationId: 'listPartners',
    method: 'GET',
    url: '/v1/partners',
    scope: 'admin',
    summary: 'Partners with their last download and stale / seed-hit flags',
    responses: { 200: { description: 'The partners.', content: json(S.PartnersResponse) } },
  }),
  seedHit: spec({
    operationId: 'recordSeedHit',
    method: 'POST',
    url: '/v1/partners/seed-hits',
    scope: 'admin',
    summary:
      'An operator reports mail seen at a seed address: records a partner.seed-hit.v1 and flags the partner',
    description:
      'The abuse inbox publishes the same event for mail it receives at the seed domain. The partner is ' +
      'named by the seed itself (its MAC); an address that is no seed of ours answers 400.',
    body: json(S.SeedHitRequest),
    responses: {
      201: { description: 'Recorded; the partner is flagged.', content: json(S.SeedHitResponse) },
    },
  }),
  suppressionFile: spec({
    operationId: 'partnerSuppressionFile',
    method: 'GET',
    url: '/v1/partner/suppression-file',
    scope: 'partner',
    summary: "The calling partner's suppression file: one hash per line",
    description:
      "Every subject suppressed for the partner's topics (email marketing), hashed as the partner was " +
      'registered (MD5 or SHA-256 of the lower-cased address, or HMAC-SHA256 with its key), plus its seeds. ' +
      'Answers ETag and X-Watermark; If-None-Match gets 304; since=<watermark> gives only the additions. ' +
      'Every download is recorded. Fetch at least daily and always before a send (R-EM-1: opt-outs are ' +
      'honored within 10 business days).',
    query: S.SuppressionFileQuery,
    responses: {
      200: {
        description: 'The file.',
        content: { 'text/plain': S.HashFile, 'application/gzip': S.GzipFile },
      },
      304: { description: 'Unchanged since the ETag sent in If-None-Match.' },
    },
  }),
  scrub: spec({
    operationId: 'partnerScrub',
    method: 'POST',
    url: '/v1/partner/scrub',
    scope: 'partner',
    summary: 'Which of these hashes (of your send list) must be removed',
    description:
      "Hashes in the partner's own format. At most PARTNER_SCRUB_MAX_HASHES per call (413) and " +
      'PARTNER_SCRUB_PER_MINUTE calls per minute (429). Every call is recorded.',
    body: json(S.ScrubRequest),
    bodyLimit: 8 * 1024 * 1024,
    responses: {
      200: { description: 'The hashes to remove.', content: json(S.ScrubResponse) },
      413: { description: 'Too many hashes in one call.', content: json(S.ErrorBody) },
      429: { description: 'Too many calls; retry after Retry-After seconds.', content: json(S.ErrorBody) },
    },
  }),
  proof: spec({
    operationId: 'proof',
    method: 'GET',
    url: '/v1/subjects/proof',
    scope: 'admin',
    summary: 'The signed proof report of one person: events, evidence, state changes, checks and messages',
    description:
      'Every ledger event with its evidence and the state changes it made, every message a sender checked ' +
      "with the gate's answer and the template's category, and every Do-Not-Sell request, in time order; " +
      "times in UTC and, when known, in the person's zone. JSON: {report, signature} where the Ed25519 " +
      'signature covers the canonical JSON of `report`. HTML: a printable page whose data-proof-signature ' +
      'attribute signs the page. Verify with `suppress verify FILE` and the key of GET /v1/proof-key.',
    query: S.ProofQuery,
    responses: {
      200: {
        description: 'The signed report.',
        content: { 'application/json': S.SignedProofResponse, 'text/html': S.ProofHtml },
      },
    },
  }),
  ccpaMetrics: spec({
    operationId: 'ccpaMetrics',
    method: 'GET',
    url: '/v1/ccpa/metrics',
    scope: 'admin',
    summary: 'CCPA metrics (11 CCR 7102) of requests to opt out of sale/sharing for a calendar year',
    description:
      'From the R-DNS-7 request log: received, complied with in whole or in part, denied, pending, and the ' +
      'median days to respond. The year is the UTC calendar year of the request date.',
    query: S.CcpaMetricsQuery,
    responses: { 200: { description: 'The metrics.', content: json(S.CcpaMetrics) } },
  }),
  proofKey: spec({
    operationId: 'proofKey',
    method: 'GET',
    url: '/v1/proof-key',
    scope: null,
    summary: 'The public key that verifies proof reports',
    responses: { 200: { description: 'The Ed25519 public key.', content: json(S.ProofKeyResponse) } },
  }),
  healthz: spec({
    operationId: 'healthz',
    method: 'GET',
    url: '/healthz',
    scope: null,
    summary: 'The process answers',
    responses: { 200: { description: 'Alive.', content: json(S.Health) } },
  }),
  readyz: spec({
    operationId: 'readyz',
    method: 'GET',
    url: '/readyz',
    scope: null,
    summary: 'The database answers',
    responses: {
      200: { description: 'Ready.', content: json(S.Ready) },
      503: { description: 'Not ready.', content: json(S.Ready) },
    },
  }),
  metrics: spec({
    operationId: 'metrics',
    method: 'GET',
    url: '/metrics',
    scope: null,
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'Prometheus text format.', content: { 'text/plain': S.TextBody } } },
  }),
  openapi: spec({
    operationId: 'openapi',
    method: 'GET',
    url: '/openapi.json',
    scope: null,
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1.', content: json(S.AnyObject) } },
  }),
  docs: spec({
    operationId: 'docs',
    method: 'GET',
    url: '/docs',
    scope: null,
    summary: 'This reference as a page (Redoc over /openapi.json, served from this API, no CDN)',
    responses: { 200: { description: 'HTML.', content: { 'text/html': S.TextBody } } },
  }),
  docsBundle: spec({
    operationId: 'docsBundle',
    method: 'GET',
    url: '/docs/redoc.standalone.js',
    scope: null,
    summary: "The page's script: Redoc's standalone bundle from the redoc npm package",
    responses: { 200: { description: 'JavaScript.', content: { 'application/javascript': S.TextBody } } },
  }),
  ...messageRoutes,
} as const;
