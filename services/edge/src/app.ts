// The edge as a fastify instance that does not listen: main.ts listens with the Kafka bus, the
// standalone process mounts the same instance with the in-process bus.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { createMetrics, nameServerSpan, tracedRequestListener } from '@sp/observability';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Ctx, EdgeDeps } from './deps';
import { charsetError, toHttpFailure } from './http-errors';
import { createEdgeLimits } from './limits';
import { registerDoNotSell } from './routes/do-not-sell';
import { registerOptOut } from './routes/opt-out';
import { registerSns } from './routes/sns';
import { registerTwilio } from './routes/twilio';
import { registerUnsubscribe } from './routes/unsubscribe';
import { httpsCertificateFetcher } from './sns-verify';

declare module 'fastify' {
  interface FastifyReply {
    /** Per-response nonce allowed by the CSP for the page's inline style and script. */
    cspNonce: string;
  }
}

export function buildEdge(deps: EdgeDeps): FastifyInstance {
  const metrics = deps.metrics ?? createMetrics('edge');
  const ctx: Ctx = {
    bus: deps.bus,
    sealer: deps.sealer,
    keyer: deps.keyer,
    config: deps.config,
    logger: deps.logger,
    clock: deps.clock ?? { now: () => new Date() },
    metrics,
    fetchCertificate: deps.fetchCertificate ?? httpsCertificateFetcher(),
    httpGet: deps.httpGet ?? (async (url) => ({ status: (await fetch(url, { redirect: 'error' })).status })),
    limits: createEdgeLimits(deps.config.limits, metrics),
    ...(deps.preferences ? { preferences: deps.preferences } : {}),
  };
  const { config } = ctx;
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    // Sealed tokens carry the address (up to 320 chars) encrypted: far past fastify's default 100.
    routerOptions: { maxParamLength: 2048 },
    trustProxy: config.trustProxy,
    // No request logs (they would carry tokens and IPs); handlers log what matters, by subject key.
    logger: false,

    // A request that arrives while the server closes (SIGTERM) is served, not answered 503: the
    // bus is still open until the inputs are stopped (issue 17). New connections are refused.
    return503OnClosing: false,
    // Each request is a server span (issue 17): one trace from a webhook to the database write.
    serverFactory: (handler) => createServer(tracedRequestListener(handler)),
  });
  app.addHook('onRequest', async (req) => nameServerSpan(req.method, req.routeOptions.url));

  const https = config.publicBaseUrl.startsWith('https:');
  // The brand's logo is the one thing a page loads from elsewhere (a data: URL or its https origin).
  const logo = config.brand.logoUrl;
  const imgSrc = logo ? `; img-src ${logo.startsWith('data:') ? 'data:' : new URL(logo).origin}` : '';
  app.decorateReply('cspNonce', '');
  app.addHook('onRequest', async (_req, reply) => {
    const nonce = randomBytes(16).toString('base64');
    reply.cspNonce = nonce;
    reply.header(
      'content-security-policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'${imgSrc}`,
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    reply.header('cache-control', 'no-store');
    if (https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });

  void app.register(formbody);
  // One-click POSTs may come as multipart/form-data (RFC 8058); fields only, no files.
  void app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { files: 0, fields: 20, fieldSize: 4096, parts: 20 },
  });

  // Requests that reached their handler: an error before that is one of reading the request.
  const handled = new WeakSet<FastifyRequest>();
  app.addHook('preHandler', async (req) => {
    handled.add(req);
  });
  // Our parsers read UTF-8 only: a body declared in another charset would be read as garbage.
  app.addHook('preParsing', async (req) => {
    const err = charsetError(req.headers['content-type']);
    if (err) throw err;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    // One mapper (STYLE.md 7, http-errors.ts): bad input is a 4xx with its reason, anything
    // unknown inside a handler (Kafka down, ...) a 503 so Twilio, SNS or a person retries.
    const { status, message } = toHttpFailure(err, !handled.has(req));
    const log = status >= 500 ? ctx.logger.error.bind(ctx.logger) : ctx.logger.warn.bind(ctx.logger);
    log({ route: req.routeOptions.url, status, err: { name: err.name, code: err.code } }, 'request failed');
    return sendError(reply, status, message);
  });

  // Inside a plugin, so the routes are added after multipart has loaded. Limits are per route
  // (ctx.limits): what a valid token or signature proves is never refused for volume.
  void app.register(async (routes) => {
    registerUnsubscribe(routes, ctx);
    registerDoNotSell(routes, ctx);
    registerOptOut(routes, ctx);
    registerTwilio(routes, ctx);
    registerSns(routes, ctx);
  });
  return app;
}

function sendError(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).type('text/plain; charset=utf-8').send(message);
}
