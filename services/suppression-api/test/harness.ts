// Test harness: the API on a fresh real PostgreSQL database, listening on loopback, and a client
// that validates every answer against the served OpenAPI document (so any test is also a contract
// test). Exported as @sp/suppression-api/testing for the CLI's tests.
import { randomBytes } from 'node:crypto';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createKeyer, createSealer, type Sealer } from '@sp/identity';
import { startTestChangelog, type TestChangelog } from '@sp/list-view/test-support';
import { type Bus, createKafkaBus } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import type { SuppressionContext } from '@sp/suppression';
import { freshDatabase, testInfra, uniqueName } from '@sp/testing';
import Ajv2020 from 'ajv/dist/2020';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../src/app';
import { type ApiConfig, loadConfig } from '../src/config';
import type { SendDeps } from '../src/messages';
import { buildOpenApi } from '../src/openapi';

export interface TestApi {
  url: string;
  app: FastifyInstance;
  ctx: SuppressionContext;
  handle: DbHandle;
  config: ApiConfig;
  sealer: Sealer;
  tokens: { check: string; admin: string; both: string };
  /** The tokens' names in API_TOKENS (their identity in the ledger). */
  tokenNames: { check: string; admin: string; both: string };
  /** Every (operationId, status, media type) a validated answer was seen for. */
  seen: Set<string>;
  call(method: string, path: string, opts?: CallOptions): Promise<Answer>;
  /** With `listView`: the changelog on the real broker and the view the check routes ask. */
  changelog?: TestChangelog;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string | null;
  json?: unknown;
  text?: string;
  contentType?: string;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers freely; the schema check already ran.
  body: any;
}

const TOKEN_NAMES = { check: 'sender-app', admin: 'ops-admin', both: 'ops-both' };

const secret = () => randomBytes(24).toString('base64url');

export async function startTestApi(
  env: Record<string, string> = {},
  opts: {
    listView?: { maxLagMs: number };
    /** The bus to the senders (send API), built on the API's own list context. */
    send?: (ctx: SuppressionContext) => SendDeps;
    /** Use this database (another harness's) instead of a fresh one; it is not dropped on close. */
    databaseUrl?: string;
    subjectPeppers?: string;
  } = {},
): Promise<TestApi> {
  const fresh = opts.databaseUrl
    ? { url: opts.databaseUrl, drop: async () => {} }
    : await freshDatabase('sp_api');
  const handle = await createDb({ url: fresh.url, max: 4 });
  if (!opts.databaseUrl) await migrateDb(handle);
  const tokens = { check: `chk-${secret()}`, admin: `adm-${secret()}`, both: `all-${secret()}` };
  const config = loadConfig({
    DATABASE_URL: fresh.url,
    API_TOKENS: `${TOKEN_NAMES.check}=${tokens.check}:check,${TOKEN_NAMES.admin}=${tokens.admin}:admin,${TOKEN_NAMES.both}=${tokens.both}:check+admin+send`,
    SUBJECT_PEPPERS: opts.subjectPeppers ?? `p1:${secret()}`,
    TOKEN_KEYS: `t1:${randomBytes(32).toString('base64url')}`,
    VAULT_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    PUBLIC_BASE_URL: 'https://shop.example/',
    UNSUBSCRIBE_DOMAIN: 'unsub.shop.example',
    ...env,
  });
  const ctx: SuppressionContext = {
    db: handle.db,
    keyer: createKeyer({
      peppers: config.subjectPeppers.keys,
      currentKeyId: config.subjectPeppers.currentKeyId,
    }),
    defaultRegion: config.defaultRegion,
    ...(config.vault ? { vault: config.vault } : {}),
  };
  const sealer = createSealer({ keys: config.tokenKeys.keys, currentKeyId: config.tokenKeys.currentKeyId });
  let bus: Bus | undefined;
  let changelog: TestChangelog | undefined;
  if (opts.listView) {
    const brokers = testInfra().kafkaBrokers;
    bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('api-list-view') });
    changelog = await startTestChangelog({ brokers, bus, ctx, maxLagMs: opts.listView.maxLagMs });
  }
  const app = buildApi({
    ctx,
    sealer,
    config,
    logger: silentLogger(),
    ...(changelog ? { view: changelog.running.view } : {}),
    ...(opts.send ? { send: opts.send(ctx) } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;

  const doc = buildOpenApi() as { paths: Record<string, Record<string, Operation>> };
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const seen = new Set<string>();

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
    const token = opts.token === undefined ? tokens.both : opts.token;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    } else if (opts.text !== undefined) {
      body = opts.text;
      headers['content-type'] = opts.contentType ?? 'text/csv';
    }
    const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const answer: Answer = {
      status: res.status,
      contentType,
      text,
      body: contentType === 'application/json' && text ? JSON.parse(text) : text,
    };
    validate(method, path, answer);
    return answer;
  }

  // Documented paths with {parameters}, as patterns: /v1/messages/{id} matches /v1/messages/m-1.
  const templates = Object.keys(doc.paths)
    .filter((p) => p.includes('{'))
    .map((p) => ({ path: p, re: new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`) }));
  const documented = (route: string) =>
    doc.paths[route] ? route : templates.find((t) => t.re.test(route))?.path;

  /** Every answer must be documented: its status, its media type, and a body matching the schema. */
  function validate(method: string, path: string, a: Answer): void {
    const route = path.split('?')[0]!;
    const op = doc.paths[documented(route) ?? route]?.[method.toLowerCase()];
    if (!op) {
      if (a.status === 404) return; // unknown routes are not part of the document
      throw new Error(`${method} ${route} answered ${a.status} but is not in the OpenAPI document`);
    }
    const res = op.responses[String(a.status)];
    if (!res)
      throw new Error(`${method} ${route}: status ${a.status} is not documented (${a.text.slice(0, 200)})`);
    const media = res.content?.[a.contentType];
    if (!media)
      throw new Error(`${method} ${route} ${a.status}: media type '${a.contentType}' is not documented`);
    const check = ajv.compile(media.schema);
    const values =
      a.contentType === 'application/x-ndjson'
        ? a.text
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [a.contentType === 'application/json' ? a.body : a.text];
    for (const v of values) {
      if (!check(v)) {
        throw new Error(
          `${method} ${route} ${a.status}: answer does not match the documented schema: ${ajv.errorsText(check.errors)}`,
        );
      }
    }
    seen.add(`${op.operationId} ${a.status} ${a.contentType}`);
  }

  return {
    url,
    app,
    ctx,
    handle,
    config,
    sealer,
    tokens,
    tokenNames: TOKEN_NAMES,
    seen,
    call,
    ...(changelog ? { changelog } : {}),
    close: async () => {
      await app.close();
      await changelog?.close();
      await bus?.close();
      await handle.close();
      await fresh.drop();
    },
  };
}

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

let counter = 0;
/** A unique email address per call (tests make their own subjects). */
export function uniqueEmail(tag = 'user'): string {
  counter++;
  return `${tag}.${process.pid}.${Date.now().toString(36)}.${counter}@example.com`;
}
