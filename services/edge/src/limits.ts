// The edge's abuse limits, in memory per instance. They bound what costs or what attacks (failed
// tokens and signatures, page views, form posts per identifier); a request that proves itself
// (sealed token, Twilio or SNS signature) is never refused for volume, its cost is bounded by
// the dedupe below instead (RFC 8058 senders are not obliged to retry a 429).
import { createHash } from 'node:crypto';
import type { Metrics } from '@sp/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeLimitsConfig } from './config';

export interface WindowLimiter {
  /** Counts one hit on `key`; refused once the key had `max` hits in the current window. */
  hit(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

/** Fixed-window counters, at most `maxKeys` of them (the oldest go first past that). */
export function createWindowLimiter(opts: {
  max: number;
  windowMs: number;
  maxKeys: number;
  now?: () => number;
}): WindowLimiter {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;
  return {
    hit(key) {
      const t = now();
      if (t >= nextSweep) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
        nextSweep = t + opts.windowMs;
      }
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        if (!w && windows.size >= opts.maxKeys) {
          const oldest = windows.keys().next().value;
          if (oldest !== undefined) windows.delete(oldest);
        }
        w = { count: 0, resetAt: t + opts.windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      if (w.count <= opts.max) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - t) / 1000)) };
    },
  };
}

export interface Dedupe {
  /**
   * Claims `key` for one publish: null when it was published within the window (waiting for a
   * publish of it in flight), else the function that settles the claim. A failed claim is
   * forgotten, so the next request with the key publishes.
   */
  claim(key: string): Promise<((published: boolean) => void) | null>;
}

export function createDedupe(opts: { windowMs: number; maxKeys: number; now?: () => number }): Dedupe {
  const now = opts.now ?? Date.now;
  const seen = new Map<string, { until: number; settled: Promise<boolean> }>();
  return {
    async claim(key) {
      for (;;) {
        const prior = seen.get(key);
        if (!prior || prior.until <= now()) break;
        if (await prior.settled) return null;
        // That publish failed and its entry is gone: claim the key afresh.
      }
      seen.delete(key);
      if (seen.size >= opts.maxKeys) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      let settle: (published: boolean) => void = () => {};
      const entry = { until: Number.POSITIVE_INFINITY, settled: new Promise<boolean>((r) => (settle = r)) };
      seen.set(key, entry);
      return (published) => {
        if (published) entry.until = now() + opts.windowMs;
        else if (seen.get(key) === entry) seen.delete(key);
        settle(published);
      };
    },
  };
}

/** The limits a route applies; the client IP is fastify's req.ip (see TRUST_PROXY). */
export interface EdgeLimits {
  /** onRequest hook of the routes that render a page or take a browser's form. */
  pageView(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  /**
   * Counts a failed token, signature or bearer of this IP. Past the budget it answers 429 itself
   * and returns false; otherwise the caller answers its own 4xx.
   */
  failed(req: FastifyRequest, reply: FastifyReply): boolean;
  /** Counts a form post for each identifier; the seconds to wait when one is over its budget. */
  formPost(identifierKeys: string[]): { allowed: true } | { allowed: false; retryAfterSeconds: number };
  /**
   * False when a valid request with this key was answered 2xx within the dedupe window (a token
   * or signed message POSTed again): answer it without publishing. True claims the key until
   * this reply is sent; a reply that is not a sent 2xx releases it.
   */
  firstTime(route: string, key: string, reply: FastifyReply): Promise<boolean>;
}

export function createEdgeLimits(config: EdgeLimitsConfig, metrics: Metrics): EdgeLimits {
  const window = { windowMs: config.windowMs, maxKeys: config.maxKeys };
  const pages = createWindowLimiter({ ...window, max: config.pageViewsPerIp });
  const failures = createWindowLimiter({ ...window, max: config.failedAuthPerIp });
  const forms = createWindowLimiter({ ...window, max: config.formPostsPerIdentifier });
  const dedupe = createDedupe({ windowMs: config.dedupeWindowMs, maxKeys: config.maxKeys });
  const limited = (limit: string) =>
    metrics.counter('edge_limited_total', 'Requests refused by an abuse limit', ['limit']).inc({ limit });
  const tooMany = (reply: FastifyReply, retryAfterSeconds: number) =>
    reply
      .code(429)
      .header('retry-after', String(retryAfterSeconds))
      .type('text/plain; charset=utf-8')
      .send('Too many requests, please try again later.');

  return {
    async pageView(req, reply) {
      const r = pages.hit(req.ip);
      if (r.allowed) return undefined;
      limited('page');
      // Returning the reply tells fastify the hook answered (no handler runs).
      return tooMany(reply, r.retryAfterSeconds);
    },
    failed(req, reply) {
      const r = failures.hit(req.ip);
      if (r.allowed) return true;
      limited('failed-auth');
      void tooMany(reply, r.retryAfterSeconds);
      return false;
    },
    formPost(identifierKeys) {
      let worst = 0;
      for (const key of identifierKeys) {
        const r = forms.hit(key);
        if (!r.allowed) worst = Math.max(worst, r.retryAfterSeconds);
      }
      if (worst === 0) return { allowed: true };
      limited('form');
      return { allowed: false, retryAfterSeconds: worst };
    },
    async firstTime(route, key, reply) {
      // Hashed: tokens are up to 2 KB each, and the map then holds no sealed data.
      const digest = createHash('sha256').update(route).update('\0').update(key).digest('base64url');
      const settle = await dedupe.claim(digest);
      if (!settle) {
        metrics
          .counter('edge_deduplicated_total', 'Repeated valid requests answered without publishing', [
            'route',
          ])
          .inc({ route });
        return false;
      }
      reply.raw.once('close', () =>
        settle(reply.raw.writableFinished && reply.statusCode >= 200 && reply.statusCode < 300),
      );
      return true;
    },
  };
}
