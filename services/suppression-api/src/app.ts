// buildApi(): the fastify instance of the internal API, NOT listening (main.ts or the standalone
// process mounts it). Registers exactly the routes of spec.ts; handlers are thin (parse, call a
// verb of @sp/suppression or a query of ./queries, answer).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { createProofSigner, unreadableCharset, ValidationError } from '@sp/contracts';
import { selectOne } from '@sp/db';
import { type Sealer, toSubject } from '@sp/identity';
import { createMetrics, type Logger, type Metrics } from '@sp/observability';
import type { CheckQuery, CheckResult, ListChecker, SuppressionContext } from '@sp/suppression';
import {
  auditRecords,
  checkMany,
  createPartner,
  EXPORT_RECORD_TYPE,
  erase,
  fileBasis,
  getTopic,
  history,
  isStale,
  listPartners,
  type Partner,
  type PartnerAuth,
  partnerByToken,
  partnerFile,
  recordAudit,
  recordPartnerAccess,
  recordSeedHit,
  scrubHashes,
  seedPartnerOf,
  topicRefusal,
} from '@sp/suppression';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { z } from 'zod';
import { ADMIN_SOURCE, adminAction, subjectKeyOf } from './admin';
import { adminEvidence, callerOf } from './caller';
import { ccpaMetrics } from './ccpa';
import { type ApiConfig, type Scope, unnamedTokenName } from './config';
import { registerDocsRoutes } from './docs';
import { badRequest, HttpError, toHttp } from './errors';
import { importText } from './importer';
import { liftEntries } from './lift';
import type { SendDeps } from './messages';
import { registerMessageRoutes } from './messages-routes';
import { buildOpenApi } from './openapi';
import { buildProof, personZones } from './proof';
import { renderProofHtml } from './proof-html';
import { decodeCursor, iterateEntries, listEntries, stats } from './queries';
import { EXPORT_CSV_COLUMNS, LiftRequest, type ListedEntry, MAX_BATCH, MAX_LIFT_BATCH } from './schemas';
import { type RouteSpec, routes } from './spec';
import { subjectOf } from './subject';
import { registerTopicRoutes } from './topic-routes';
import { registerWebhookRoutes } from './webhook-routes';

export interface ApiDeps {
  ctx: SuppressionContext;
  sealer: Sealer;
  config: ApiConfig;
  logger: Logger;
  metrics?: Metrics;
  clock?: () => Date;
  /**
   * The local view of the list (@sp/list-view): checks are answered from it while it is fresh,
   * from PostgreSQL when it is not (never from a stale view).
   */
  view?: ListChecker & { fresh(): boolean };
  /** The bus to the senders, for the send API (without it the send routes answer 503). */
  send?: SendDeps;
}

declare module 'fastify' {
  interface FastifyRequest {
    scopes: Set<Scope>;
    /** The calling partner, on partner routes. */
    partner?: PartnerAuth;
  }
  interface FastifyInstance {
    /** Every route registered, as "METHOD url" (the OpenAPI test compares it with the document). */
    registeredRoutes: string[];
  }
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;
type Handler<R extends RouteSpec> = (
  input: {
    query: Infer<R['query']>;
    params: Infer<R['params']>;
    body: R['body'] extends object ? unknown : undefined;
  },
  req: FastifyRequest,
  reply: FastifyReply,
) => Promise<unknown>;

/** Registers one route of the table with its handler (route files outside app.ts get this). */
export type Register = <R extends RouteSpec>(spec: R, handler: Handler<R>) => void;

const nameOfToken = (config: ApiConfig, token: string) =>
  config.tokenNames?.get(token) ?? unnamedTokenName(token);

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export function buildApi(deps: ApiDeps): FastifyInstance {
  const { ctx, config, logger } = deps;
  const metrics = deps.metrics ?? createMetrics('suppression-api');
  const clock = deps.clock ?? (() => new Date());
  const requests = metrics.counter('api_requests_total', 'HTTP requests by route and status', [
    'route',
    'status',
  ]);
  const checked = metrics.counter('api_checks_total', 'Check answers', ['channel', 'kind', 'allowed']);
  const duration = metrics.histogram('api_request_seconds', 'Request duration', ['route']);
  const answeredBy = metrics.counter('api_check_source_total', 'Check batches by what answered them', [
    'source',
  ]);

  const view = deps.view;
  const check = async (qs: CheckQuery[]): Promise<CheckResult[]> => {
    if (view?.fresh()) {
      try {
        const results = await view.checkMany(qs);
        answeredBy.inc({ source: 'view' });
        return results;
      } catch (err) {
        // It went stale between the question and the answer: the database answers instead.
        if (!(err instanceof Error && err.name === 'ListViewStale')) throw err;
      }
    }
    const results = await checkMany(ctx, qs);
    answeredBy.inc({ source: 'database' });
    return results;
  };

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Request lines would carry query strings such as ?email=...: we log our own, without PII.
    logController: new LogController({ disableRequestLogging: true }),
    exposeHeadRoutes: false,
    bodyLimit: 1024 * 1024,
  });
  // Compared by digest so a token is never a map key in memory dumps of the request path.
  const tokens = new Map([...config.tokens].map(([t, s]) => [digest(t), s]));
  const tokenNames = new Map([...config.tokens.keys()].map((t) => [digest(t), nameOfToken(config, t)]));
  const registered: string[] = [];
  app.decorate('registeredRoutes', registered);
  app.decorateRequest('scopes');
  app.decorateRequest('caller');
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) registered.push(`${m} ${r.url}`);
  });
  app.addContentTypeParser(
    ['text/csv', 'application/x-ndjson', 'text/plain'],
    { parseAs: 'string', bodyLimit: config.importBodyLimit },
    (_req, body, done) => done(null, body),
  );
  // The parsers read UTF-8: a body declared in another charset (UTF-16, Latin-1) would be read as
  // garbage and, for an import, as addresses full of U+FFFD. A 415 says what to send instead.
  app.addHook('preParsing', async (req) => {
    const charset = unreadableCharset(req.headers['content-type']);
    if (charset !== null) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        `unsupported charset "${charset.slice(0, 40)}"; send UTF-8`,
      );
    }
  });
  app.setErrorHandler((err, req, reply) => {
    const { status, body, unexpected } = toHttp(err);
    if (unexpected) req.log.error({ err, route: req.routeOptions.url }, 'request failed');
    void reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: 'no such route' });
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    requests.inc({ route, status: String(reply.statusCode) });
    duration.observe({ route }, reply.elapsedTime / 1000);
    req.log.info(
      { route, method: req.method, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  function authorize(scope: Scope) {
    return async (req: FastifyRequest) => {
      const h = req.headers.authorization;
      const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
      if (scope === 'partner') {
        // Partner tokens live in the registry (a digest), each bound to its one partner.
        const partner = m ? await partnerByToken(ctx, m[1]!) : null;
        if (!partner) {
          if (m && tokens.has(digest(m[1]!)))
            throw new HttpError(403, 'forbidden', "this token lacks the 'partner' scope");
          throw new HttpError(401, 'unauthorized', 'a valid bearer token is needed');
        }
        req.partner = partner;
        req.scopes = new Set(['partner']);
        req.caller = { name: partner.id, kind: 'partner' };
        return;
      }
      const scopes = m ? tokens.get(digest(m[1]!)) : undefined;
      if (!scopes) throw new HttpError(401, 'unauthorized', 'a valid bearer token is needed');
      if (!scopes.has(scope)) throw new HttpError(403, 'forbidden', `this token lacks the '${scope}' scope`);
      req.scopes = scopes;
      req.caller = { name: tokenNames.get(digest(m![1]!))!, kind: 'api-token' };
    };
  }

  function register<R extends RouteSpec>(spec: R, handler: Handler<R>): void {
    app.route({
      method: spec.method,
      url: spec.url,
      ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
      ...(spec.scope ? { onRequest: authorize(spec.scope) } : {}),
      handler: async (req, reply) => {
        let query: unknown;
        const given = Object.keys((req.query as Record<string, unknown> | undefined) ?? {});
        if (!spec.query && given.length > 0) {
          throw new HttpError(
            400,
            'invalid_request',
            `query.${given[0]}: this route takes no query parameters`,
          );
        }
        if (spec.query) {
          const r = spec.query.safeParse(req.query ?? {});
          if (!r.success) throw badRequest(r.error.issues, 'query');
          query = r.data;
        }
        let params: unknown;
        if (spec.params) {
          const r = spec.params.safeParse(req.params ?? {});
          if (!r.success) throw badRequest(r.error.issues, 'path');
          params = r.data;
        }
        return handler({ query, params, body: req.body } as Parameters<Handler<R>>[0], req, reply);
      },
    });
  }

  function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
    const r = schema.safeParse(body);
    if (!r.success) throw badRequest(r.error.issues, 'body');
    return r.data;
  }

  const reveal = (req: FastifyRequest) => (req.scopes?.has('admin') ? ctx.vault : undefined);

  register(routes.check, async ({ body }) => {
    const q = parseBody(routes.check.body['application/json'], body);
    const [r] = await check([{ subject: subjectOf(q), channel: q.channel, kind: q.kind, topic: q.topic }]);
    checked.inc({ channel: q.channel, kind: q.kind, allowed: String(r!.allowed) });
    return r;
  });

  register(routes.checkBatch, async ({ body }) => {
    const queries = (body as { queries?: unknown } | null)?.queries;
    if (Array.isArray(queries) && queries.length > MAX_BATCH) {
      throw new HttpError(413, 'too_large', `at most ${MAX_BATCH} queries per batch, got ${queries.length}`);
    }
    const b = parseBody(routes.checkBatch.body['application/json'], body);
    const subjects = b.queries.map(subjectOf);
    // Name every identifier that does not parse (checkMany would stop at the first, without its index).
    const bad: Array<{ path: string; message: string }> = [];
    subjects.forEach((s, i) => {
      try {
        toSubject(s.type, s.value, { defaultRegion: ctx.defaultRegion });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const field = s.type === 'customer' || s.type === 'device' ? 'id' : s.type;
        bad.push({ path: `body.queries.${i}.${field}`, message: err.message });
      }
    });
    if (bad.length > 0)
      throw new HttpError(400, 'invalid_request', `${bad[0]!.path}: ${bad[0]!.message}`, bad);
    const results = await check(
      b.queries.map((q, i) => ({ subject: subjects[i]!, channel: q.channel, kind: q.kind, topic: q.topic })),
    );
    for (const [i, r] of results.entries()) {
      checked.inc({ channel: b.queries[i]!.channel, kind: b.queries[i]!.kind, allowed: String(r.allowed) });
    }
    return { results };
  });

  register(routes.addEntry, async ({ body }, req, reply) => {
    const e = parseBody(routes.addEntry.body['application/json'], body);
    reply.code(201);
    return adminAction(ctx, 'suppress', e, clock(), adminEvidence(req, e));
  });

  register(routes.liftEntry, async ({ body }, req, reply) => {
    const lifts = (body as { lifts?: unknown } | null)?.lifts;
    if (lifts !== undefined) {
      if (!Array.isArray(lifts) || lifts.length === 0)
        throw new HttpError(400, 'invalid_request', 'body.lifts: expected an array of 1 or more lifts');
      if (lifts.length > MAX_LIFT_BATCH)
        throw new HttpError(
          413,
          'too_large',
          `at most ${MAX_LIFT_BATCH} lifts per call, got ${lifts.length}`,
        );
      const items = lifts.map((l, index) => {
        const r = LiftRequest.safeParse(l);
        return r.success
          ? { index, request: r.data }
          : { index, error: badRequest(r.error.issues, `body.lifts.${index}`).message };
      });
      const { results } = await liftEntries(ctx, items, clock(), adminEvidence(req));
      return { lifted: results.filter((r) => r.status === 'lifted').length, results };
    }
    const request = parseBody(LiftRequest, body);
    const { results, changes } = await liftEntries(ctx, [{ index: 0, request }], clock(), adminEvidence(req));
    const r = results[0]!;
    if (r.status === 'not_suppressed' || r.status === 'consent_required')
      throw new HttpError(409, r.status, r.message ?? r.status);
    if (r.status === 'invalid') throw new HttpError(400, 'invalid_request', r.message ?? 'invalid subject');
    reply.code(201);
    return {
      eventId: r.eventId!,
      action: 'lift',
      subjectKey: r.subjectKey!,
      applied: true,
      changes: changes
        .filter((c) => c.eventId === r.eventId)
        .map((c) => ({
          channel: c.channel,
          purpose: c.purpose,
          topic: c.topic,
          suppressed: c.suppressed,
          reason: c.reason,
        })),
    };
  });

  register(routes.erase, async ({ body }, req) => {
    const e = parseBody(routes.erase.body['application/json'], body);
    // Who: the token's identity; the body's actor (a person's name) is kept beside it.
    const who = callerOf(req).name;
    return erase(ctx, {
      subject: subjectOf(e),
      requestId: e.requestId ?? randomUUID(),
      actor: e.actor && e.actor !== who ? `${who} (${e.actor})` : who,
      reason: e.reason,
      evidence: adminEvidence(req, e),
    });
  });

  register(routes.listEntries, async ({ query }, req) => {
    const cursor = query.cursor ? decodeCursor(query.cursor) : null;
    if (query.cursor && !cursor)
      throw new HttpError(400, 'invalid_request', 'query.cursor: not a cursor of this API');
    const { email, phone, id, idType, ...filters } = query;
    // A lookup by address: every key the address has (one per pepper while peppers rotate).
    const subjectKeys =
      (email ?? phone ?? id)
        ? (() => {
            const s = subjectOf({ email, phone, id, idType });
            return ctx.keyer.keysOf(toSubject(s.type, s.value, { defaultRegion: ctx.defaultRegion }));
          })()
        : undefined;
    return listEntries(ctx.db, { ...filters, cursor, subjectKeys, reveal: reveal(req) });
  });

  register(routes.history, async ({ query }) => {
    const subject = subjectOf(query);
    const entries = await history(ctx, subject);
    return { subjectKey: subjectKeyOf(ctx, subject), entries };
  });

  register(routes.importEntries, async ({ query, body }, req) => {
    if (typeof body !== 'string') {
      throw new HttpError(415, 'unsupported_media_type', 'send text/csv or application/x-ndjson');
    }
    const contentType = String(req.headers['content-type'] ?? '');
    const format = query.format ?? (contentType.includes('ndjson') ? 'ndjson' : 'csv');
    const topics = Object.fromEntries(
      (query.topics ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => p.split('=').map((x) => x.trim()) as [string, string]),
    );
    return importText(ctx, body, {
      format,
      firstLine: query.firstLine,
      actor: query.actor,
      file: query.file,
      dryRun: query.dryRun === 'true' || query.dryRun === '1',
      by: callerOf(req).name,
      batchSize: config.importBatchSize,
      now: clock(),
      formatOptions: {
        topics,
        ...(query.group ? { group: query.group } : {}),
        ...(query.stream ? { stream: query.stream } : {}),
        ...(query.audience ? { audience: query.audience } : {}),
      },
    });
  });

  register(routes.exportEntries, async ({ query }, req, reply) => {
    const revealed = reveal(req);
    const listed = iterateEntries(ctx.db, {
      channel: query.channel,
      purpose: query.purpose,
      reveal: revealed,
    });
    // R-EM-4 / issue 15: every export is itself recorded (who, when, which filter, how many rows),
    // once the stream ends or breaks off (`complete` tells which).
    const started = clock();
    const evidence = adminEvidence(req, { actor: query.actor, reason: query.reason });
    const rows = (async function* () {
      let n = 0;
      let complete = false;
      try {
        for await (const row of listed) {
          n++;
          yield row;
        }
        complete = true;
      } finally {
        await recordAudit(ctx, {
          eventId: randomUUID(),
          type: EXPORT_RECORD_TYPE,
          source: ADMIN_SOURCE,
          occurredAt: started,
          data: {
            filter: { channel: query.channel ?? null, purpose: query.purpose ?? null },
            format: query.format,
            rows: n,
            addresses: revealed !== undefined,
            complete,
          },
          evidence,
        }).catch((err) => req.log.error({ err }, 'export record failed'));
      }
    })();
    const lines =
      query.format === 'csv'
        ? (async function* () {
            yield `${EXPORT_CSV_COLUMNS.join(',')}\n`;
            for await (const row of rows) yield `${csvRow(row)}\n`;
          })()
        : (async function* () {
            for await (const row of rows) yield `${JSON.stringify(row)}\n`;
          })();
    reply.type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    reply.header('content-disposition', `attachment; filename="suppressions.${query.format}"`);
    return reply.send(Readable.from(lines));
  });

  register(routes.exportRecords, async ({ query }) => {
    const records = await auditRecords(ctx, EXPORT_RECORD_TYPE, {
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
    });
    return {
      exports: records.map((r) => ({
        eventId: r.eventId,
        at: r.occurredAt,
        recordedAt: r.recordedAt,
        by: String(r.evidence.by ?? ''),
        actor: typeof r.evidence.actor === 'string' ? r.evidence.actor : null,
        reason: typeof r.evidence.reason === 'string' ? r.evidence.reason : null,
        filter: r.data.filter as { channel: string | null; purpose: string | null },
        format: String(r.data.format),
        rows: Number(r.data.rows),
        addresses: r.data.addresses === true,
        complete: r.data.complete === true,
      })),
    };
  });

  register(routes.stats, async ({ query }) => {
    const [base, partners] = await Promise.all([
      stats(ctx.db, { windowDays: query.days ?? config.complaintWindowDays, now: clock() }),
      partnerFlags(),
    ]);
    return { ...base, partners };
  });

  // Partners (issue 16).
  const pc = config.partners;
  const stalePartners = metrics.gauge(
    'partners_stale',
    'Partners without a file younger than PARTNER_STALE_DAYS',
  );
  const flaggedPartners = metrics.gauge('partners_seed_hit', 'Partners whose seed addresses received mail');
  const partnerRows = metrics.counter('partner_file_rows_total', 'Hashes served to partners', ['kind']);
  const partnerUnhashable = metrics.counter(
    'partner_file_unhashable_total',
    'Subjects in a partner file scope that could not be hashed (erased before any file, retired vault key, not an email)',
  );
  async function partnerFlags() {
    const all = await listPartners(ctx);
    const now = clock();
    const stale = all.filter((p) => isStale(p, now, pc.staleDays)).map((p) => p.id);
    const flagged = all.filter((p) => p.flaggedAt).map((p) => p.id);
    stalePartners.set(stale.length);
    flaggedPartners.set(flagged.length);
    return { total: all.length, stale, flagged, staleAfterDays: pc.staleDays };
  }
  const partnerOut = (p: Partner) => ({
    id: p.id,
    name: p.name,
    contact: p.contact,
    hashFormat: p.hashFormat,
    topics: p.topics,
    createdAt: p.createdAt.toISOString(),
    lastDownloadAt: p.lastDownloadAt?.toISOString() ?? null,
    flaggedAt: p.flaggedAt?.toISOString() ?? null,
    stale: isStale(p, clock(), pc.staleDays),
  });

  register(routes.createPartner, async ({ body }, _req, reply) => {
    const b = parseBody(routes.createPartner.body['application/json'], body);
    if (!ctx.vault) throw new HttpError(503, 'unavailable', 'partner files need VAULT_KEYS');
    const made = await createPartner(ctx, { ...b, seedDomain: pc.seedDomain, seedKeys: config.tokenKeys });
    reply.code(201);
    return { ...made, partner: partnerOut(made.partner) };
  });

  register(routes.listPartners, async () => ({ partners: (await listPartners(ctx)).map(partnerOut) }));

  register(routes.seedHit, async ({ body }, _req, reply) => {
    const b = parseBody(routes.seedHit.body['application/json'], body);
    const partnerId = seedPartnerOf(config.tokenKeys, pc.seedDomain, b.seed);
    if (!partnerId) throw new HttpError(400, 'invalid_request', 'body.seed: not a seed address of ours');
    const eventId = randomUUID();
    await recordSeedHit(ctx, {
      eventId,
      partnerId,
      seed: b.seed,
      source: 'operator',
      messageId: b.messageId ?? null,
      at: clock(),
    });
    reply.code(201);
    return { eventId, partnerId };
  });

  register(routes.suppressionFile, async ({ query }, req, reply) => {
    const partner = req.partner!;
    const basis = await fileBasis(ctx, partner.id);
    const gzip = query.gzip === 'true' || query.gzip === '1';
    const since = query.since ?? null;
    const etag = `"${createHash('sha256')
      .update(JSON.stringify([partner.id, partner.hashFormat, partner.topics, since, gzip, basis]))
      .digest('base64url')
      .slice(0, 32)}"`;
    reply.header('etag', etag);
    reply.header('x-watermark', basis.watermark);
    reply.header('cache-control', 'private, no-cache');
    if (req.headers['if-none-match'] === etag) {
      await recordPartnerAccess(ctx, {
        partnerId: partner.id,
        kind: since ? 'delta' : 'file',
        watermark: basis.watermark,
        since,
        rows: 0,
        at: clock(),
      });
      return reply.code(304).send();
    }
    const counts = { rows: 0, unhashable: 0 };
    const kind = since ? 'delta' : 'file';
    const lines = partnerFile(
      ctx,
      partner,
      { ...(since ? { since, sinceOverlapMs: pc.deltaOverlapMs } : {}) },
      counts,
    );
    // Recorded once the last line is out: the record says how many rows the partner got.
    const recorded = (async function* () {
      yield* lines;
      partnerRows.inc({ kind }, counts.rows);
      if (counts.unhashable > 0) partnerUnhashable.inc({}, counts.unhashable);
      await recordPartnerAccess(ctx, {
        partnerId: partner.id,
        kind,
        watermark: basis.watermark,
        since,
        rows: counts.rows,
        at: clock(),
      });
    })();
    const stream = Readable.from(recorded);
    const name = `suppression-${partner.id}-${basis.watermark}.txt`;
    if (gzip) {
      reply.type('application/gzip');
      reply.header('content-disposition', `attachment; filename="${name}.gz"`);
      return reply.send(stream.pipe(createGzip()));
    }
    reply.type('text/plain; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${name}"`);
    return reply.send(stream);
  });

  // Per-partner calls in the current minute (in this process; the instance owns it, no singleton).
  const scrubWindow = new Map<string, { minute: number; calls: number }>();
  register(routes.scrub, async ({ body }, req, reply) => {
    const partner = req.partner!;
    const minute = Math.floor(clock().getTime() / 60_000);
    const w = scrubWindow.get(partner.id);
    const calls = w && w.minute === minute ? w.calls + 1 : 1;
    scrubWindow.set(partner.id, { minute, calls });
    if (calls > pc.scrubPerMinute) {
      reply.header('retry-after', String(60 - (Math.floor(clock().getTime() / 1000) % 60)));
      throw new HttpError(429, 'rate_limited', `at most ${pc.scrubPerMinute} scrub calls per minute`);
    }
    const hashes = (body as { hashes?: unknown } | null)?.hashes;
    if (Array.isArray(hashes) && hashes.length > pc.scrubMaxHashes) {
      throw new HttpError(
        413,
        'too_large',
        `at most ${pc.scrubMaxHashes} hashes per call, got ${hashes.length}`,
      );
    }
    const b = parseBody(routes.scrub.body['application/json'], body);
    const r = await scrubHashes(ctx, partner, b.hashes);
    await recordPartnerAccess(ctx, {
      partnerId: partner.id,
      kind: 'scrub',
      watermark: r.watermark,
      since: null,
      rows: r.remove.length,
      received: b.hashes.length,
      at: clock(),
    });
    return { ...r, received: b.hashes.length };
  });

  register(routes.unsubscribeLinks, async ({ body }) => {
    const b = parseBody(routes.unsubscribeLinks.body['application/json'], body);
    const email = toSubject('email', b.email, { defaultRegion: ctx.defaultRegion }).value;
    // A link names an active email topic of the registry (issue 13), never a new one by a typo.
    const refused = b.topic ? topicRefusal(await getTopic(ctx.db, b.topic), b.topic, 'email') : null;
    if (refused) throw new HttpError(400, 'invalid_request', `body.topic: ${refused}`);
    const token = deps.sealer.seal({
      email,
      ...(b.topic ? { topic: b.topic } : {}),
      ...(b.campaignId ? { campaignId: b.campaignId } : {}),
    });
    return {
      url: `${config.publicBaseUrl}/u/${token}`,
      mailto: `mailto:unsubscribe+${token}@${config.unsubscribeDomain}`,
    };
  });

  registerWebhookRoutes({ register, parseBody, ctx });
  registerTopicRoutes(register, { ctx, parseBody, clock });

  // Proof reports (issue 15): signed with PROOF_SIGNING_KEY, or a key made for this process.
  const signer = createProofSigner(
    config.proofKey ?? { keyId: `ephemeral-${randomUUID()}`, seed: randomBytes(32) },
  );
  if (!config.proofKey)
    logger.warn('PROOF_SIGNING_KEY is not set: proofs are signed with a key made at start');

  register(routes.proof, async ({ query }, _req, reply) => {
    const subject = subjectOf(query);
    const report = await buildProof(ctx, {
      subject,
      brandName: config.brandName,
      generatedAt: clock(),
      timeZones: await personZones(subject, query.timeZone, ctx.defaultRegion),
    });
    const signed = signer.signJson(report);
    if (query.format === 'html') {
      reply.type('text/html; charset=utf-8');
      return signer.signHtml(renderProofHtml({ ...signed, report }));
    }
    return signed;
  });

  register(routes.ccpaMetrics, async ({ query }) => ccpaMetrics(ctx.db, query.year));

  register(routes.proofKey, async () => ({
    alg: 'Ed25519' as const,
    keyId: signer.keyId,
    publicKeyPem: signer.publicKeyPem,
  }));

  register(routes.healthz, async () => ({ status: 'ok' }));

  register(routes.readyz, async (_input, _req, reply) => {
    const db = await selectOne(ctx.db).then(
      () => true,
      () => false,
    );
    reply.code(db ? 200 : 503);
    // A stale view does not make the API unready (the database answers then); it is reported.
    const checks = view ? { db, listView: view.fresh() } : { db };
    return { status: db ? 'ready' : 'not ready', checks };
  });

  register(routes.metrics, async (_input, _req, reply) => {
    await partnerFlags().catch(() => undefined); // the gauges are read from the registry, fresh
    reply.type('text/plain; version=0.0.4');
    return metrics.registry.metrics();
  });

  registerMessageRoutes(register, { ctx, send: deps.send, clock });
  registerDocsRoutes(register);

  const document = buildOpenApi();
  register(routes.openapi, async () => document);

  return app;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvRow(row: ListedEntry): string {
  return EXPORT_CSV_COLUMNS.map((c) => csvField(row[c])).join(',');
}
