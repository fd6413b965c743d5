// GET /u/:token shows the choice (R-OC-3, R-EM-2, R-EM-3); POST /u/:token opts out: the RFC 8058
// one-click body (R-OC-2) or the page's own form (scope=topic|all).
import { cleanText, hasControlChars } from '@sp/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Ctx, publish, subjectKey } from '../deps';
import { invalidLinkPage, oneClickDonePage, unsubscribeChoicePage, unsubscribeDonePage } from '../pages';

type Opened = { email: string; topic?: string; campaignId?: string; issuedAt?: unknown };

/** Free text of a token as something we can publish: cleaned, and absent when nothing is left. */
function textOf(v: unknown): string | undefined {
  return typeof v === 'string' ? cleanText(v).trim() || undefined : undefined;
}

function open(ctx: Ctx, token: string): Opened | null {
  try {
    const opened = ctx.sealer.open(token) as Opened;
    // An address the list cannot take (control characters, not an address) makes the link invalid.
    const email = typeof opened.email === 'string' ? opened.email : '';
    if (hasControlChars(email) || subjectKey(ctx, 'email', email) === null) {
      ctx.metrics
        .counter('edge_invalid_tokens_total', 'Unsubscribe links that did not open', ['reason'])
        .inc({ reason: 'InvalidAddress' });
      return null;
    }
    // A topic or campaign that is only control characters falls back to the broader scope.
    const topic = textOf(opened.topic);
    const campaignId = textOf(opened.campaignId);
    return { email, ...(topic ? { topic } : {}), ...(campaignId ? { campaignId } : {}) };
  } catch (err) {
    // TokenError subclasses (malformed, tampered, unknown key, expired) all mean "not valid".
    ctx.metrics
      .counter('edge_invalid_tokens_total', 'Unsubscribe links that did not open', ['reason'])
      .inc({ reason: (err as Error).name });
    return null;
  }
}

function field(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function evidence(req: FastifyRequest, extra: Record<string, unknown> = {}) {
  return { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, ...extra };
}

function html(reply: FastifyReply, status: number, page: string) {
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}

export function registerUnsubscribe(app: FastifyInstance, ctx: Ctx) {
  const brand = { brandName: ctx.config.brandName, supportEmail: ctx.config.supportEmail };
  // A token that does not open counts against its IP's failure budget (429 past it).
  const invalid = (req: FastifyRequest, reply: FastifyReply) =>
    ctx.limits.failed(req, reply) ? html(reply, 400, invalidLinkPage(brand, reply.cspNonce)) : reply;
  const done = (reply: FastifyReply, oneClick: boolean, topic: string | undefined) =>
    // R-OC-2: 200, no redirect, no cookie.
    oneClick
      ? html(reply, 200, oneClickDonePage(brand, reply.cspNonce))
      : html(reply, 200, unsubscribeDonePage(brand, topic, reply.cspNonce));

  const page = { onRequest: ctx.limits.pageView };
  app.get<{ Params: { token: string } }>('/u/:token', page, async (req, reply) => {
    const opened = open(ctx, req.params.token);
    if (!opened) return invalid(req, reply);
    return html(
      reply,
      200,
      unsubscribeChoicePage(
        brand,
        `/u/${encodeURIComponent(req.params.token)}`,
        opened.topic,
        reply.cspNonce,
      ),
    );
  });

  // No volume limit: a valid token is idempotent, and RFC 8058 posts come from a few mailbox
  // provider IPs for millions of people (senders are not obliged to retry a 429).
  app.post<{ Params: { token: string } }>('/u/:token', async (req, reply) => {
    const opened = open(ctx, req.params.token);
    if (!opened) return invalid(req, reply);
    const oneClick = field(req.body, 'List-Unsubscribe') === 'One-Click';
    const scope = field(req.body, 'scope');
    if (!oneClick && scope !== 'topic' && scope !== 'all') {
      return html(
        reply,
        400,
        unsubscribeChoicePage(
          brand,
          `/u/${encodeURIComponent(req.params.token)}`,
          opened.topic,
          reply.cspNonce,
        ),
      );
    }
    // One-click unsubscribes from the list the message came from (its topic, or everything when
    // the link names none); the page's "all" choice drops the topic.
    const topic = oneClick || scope === 'topic' ? opened.topic : undefined;
    const key = subjectKey(ctx, 'email', opened.email);
    // The same token and choice POSTed again within the window is answered, not published again.
    const choice = `${oneClick ? 'one-click' : 'link'}:${topic ?? '*'}:${req.params.token}`;
    if (!(await ctx.limits.firstTime('/u/:token', choice, reply))) return done(reply, oneClick, topic);
    await publish(ctx, [
      {
        topic: ctx.config.topics.emailOptOut,
        type: 'consent.email-optout.v1',
        key,
        data: {
          email: opened.email,
          ...(topic ? { topic } : {}),
          ...(opened.campaignId ? { campaignId: opened.campaignId } : {}),
          method: oneClick ? 'one-click' : 'link',
        },
        evidence: evidence(req),
      },
    ]);
    ctx.logger.info(
      { subjectKey: key, method: oneClick ? 'one-click' : 'link', scoped: Boolean(topic) },
      'email opt-out published',
    );
    return done(reply, oneClick, topic);
  });
}
