// Do-Not-Sell/Share: the page and its form (R-DNS-8 combined form), the browser's GPC signal
// (R-DNS-2: honored without a question), and the API for phone, email and agent requests
// (R-DNS-3, R-DNS-4). No identity verification is asked for (R-DNS-1).
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hasControlChars } from '@sp/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Ctx, envelopeOf, pageEnv, publish, type SubjectType, subjectKey } from '../deps';
import { MESSAGES } from '../i18n';
import { doNotSellDonePage, doNotSellPage, GPC_PATH } from '../pages';

const COOKIE = 'sp_did';
/** Holds the device id whose GPC signal is recorded, so repeated visits do not flood the ledger. */
const GPC_COOKIE = 'sp_gpc';
const GPC_RECORDED_SECONDS = 24 * 3600;
const PAGE = '/privacy/do-not-sell';

const DnsApiRequest = z.object({
  requestId: z.string().min(1).max(200).optional(),
  subjects: z
    .object({
      email: z.string().optional(),
      phone: z.string().optional(),
      customerId: z.string().optional(),
      deviceId: z.string().optional(),
    })
    .refine(
      (s) => Boolean(s.email || s.phone || s.customerId || s.deviceId),
      'at least one subject is required',
    ),
  method: z.enum(['phone', 'email', 'authorized-agent', 'api']),
  agent: z.object({ name: z.string().min(1), permissionRef: z.string().min(1) }).optional(),
  combinedForm: z.boolean().default(false),
  minor: z.boolean().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});

const DnsForm = z.object({
  email: z.string().trim().max(320).default(''),
  phone: z.string().trim().max(40).default(''),
  gpc: z.string().optional(),
  lang: z.string().optional(),
  /** Only read when the brand's policy offers the choice (R-DNS-8). */
  keep_newsletters: z.string().optional(),
});

type Subjects = { email?: string; phone?: string; customerId?: string; deviceId?: string };
const SUBJECT_ORDER: [keyof Subjects, SubjectType][] = [
  ['email', 'email'],
  ['phone', 'phone'],
  ['customerId', 'customer'],
  ['deviceId', 'device'],
];

/** The Kafka key: the subject key of the first identifier given. */
function firstKey(ctx: Ctx, s: Subjects): string | null {
  for (const [field, type] of SUBJECT_ORDER) {
    const v = s[field];
    if (v) return subjectKey(ctx, type, v);
  }
  return null;
}

function cookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      const v = part.slice(i + 1).trim();
      return /^[A-Za-z0-9_-]{16,64}$/.test(v) ? v : undefined;
    }
  }
  return undefined;
}

function gpcHeader(req: FastifyRequest): boolean {
  return req.headers['sec-gpc'] === '1';
}

export function html(reply: FastifyReply, status: number, page: string) {
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}

function bearerMatches(header: string | undefined, expected: string): boolean {
  const got = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(expected);
  return got.length === want.length && timingSafeEqual(got, want);
}

export function registerDoNotSell(app: FastifyInstance, ctx: Ctx) {
  const page = { onRequest: ctx.limits.pageView };
  const secure = ctx.config.publicBaseUrl.startsWith('https:');

  /** The opaque device id of this browser, set on the page when absent. */
  function deviceId(req: FastifyRequest, reply: FastifyReply): string {
    const existing = cookie(req, COOKIE);
    if (existing) return existing;
    const id = randomBytes(18).toString('base64url');
    reply.header(
      'set-cookie',
      `${COOKIE}=${id}; Path=/; Max-Age=${2 * 365 * 24 * 3600}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
    );
    return id;
  }

  async function record(req: FastifyRequest, subjects: Subjects, fields: Record<string, unknown>) {
    const requestId = randomUUID();
    const key = firstKey(ctx, subjects);
    await publish(ctx, [
      {
        topic: ctx.config.topics.doNotSell,
        type: 'privacy.do-not-sell.v1',
        key,
        data: { requestId, subjects, ...fields },
        evidence: { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, gpcHeader: gpcHeader(req) },
      },
    ]);
    ctx.logger.info({ subjectKey: key, requestId, method: fields.method }, 'do-not-sell published');
    return requestId;
  }

  /**
   * R-DNS-2: the signal alone is the opt-out for this browser; nothing is asked. Recorded once a
   * day per device: the cookie says this device's signal is already in the ledger.
   */
  async function recordGpc(req: FastifyRequest, reply: FastifyReply, did: string) {
    if (cookie(req, GPC_COOKIE) === did) return;
    await record(req, { deviceId: did }, { method: 'gpc', gpc: true, combinedForm: false });
    reply.header(
      'set-cookie',
      `${GPC_COOKIE}=${did}; Path=/; Max-Age=${GPC_RECORDED_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
    );
  }

  /** A browser's own request: Fetch Metadata when it sends it, else an Origin of this site. */
  function sameOrigin(req: FastifyRequest): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined) return site === 'same-origin';
    const origin = req.headers.origin;
    return origin === new URL(ctx.config.publicBaseUrl).origin || origin === `${req.protocol}://${req.host}`;
  }

  app.get(PAGE, page, async (req, reply) => {
    const did = deviceId(req, reply);
    const gpc = gpcHeader(req);
    if (gpc) await recordGpc(req, reply, did);
    return html(reply, 200, doNotSellPage(pageEnv(ctx, req, reply, PAGE), PAGE, { gpcHonored: gpc }));
  });

  // The page's script posts here when the browser reports navigator.globalPrivacyControl but sent
  // no Sec-GPC header; the page says "honored" only after this answers 2xx. No body is read.
  app.post(GPC_PATH, { ...page, bodyLimit: 1024 }, async (req, reply) => {
    if (!sameOrigin(req)) {
      if (!ctx.limits.failed(req, reply)) return reply;
      return reply.code(403).send({ error: "only this site's page may send the signal" });
    }
    await recordGpc(req, reply, deviceId(req, reply));
    return reply.code(200).send({ honored: true });
  });

  app.post(PAGE, page, async (req, reply) => {
    const did = deviceId(req, reply);
    const form = DnsForm.safeParse(req.body ?? {});
    const gpc = gpcHeader(req) || (form.success && form.data.gpc === '1');
    const env = pageEnv(ctx, req, reply);
    const m = MESSAGES[env.lang];
    if (!form.success) {
      return html(reply, 400, doNotSellPage(env, PAGE, { gpcHonored: gpc, error: m.dnsErrors.form }));
    }
    const { email, phone } = form.data;
    const keepNewsletters =
      ctx.config.brand.doNotSellKeepsNewslettersChoice === true && form.data.keep_newsletters === '1';
    if (email && (hasControlChars(email) || subjectKey(ctx, 'email', email) === null)) {
      return html(
        reply,
        400,
        doNotSellPage(env, PAGE, {
          gpcHonored: gpc,
          error: m.dnsErrors.email,
          email,
          phone,
          keepNewsletters,
        }),
      );
    }
    if (phone && (hasControlChars(phone) || subjectKey(ctx, 'phone', phone) === null)) {
      return html(
        reply,
        400,
        doNotSellPage(env, PAGE, {
          gpcHonored: gpc,
          error: m.dnsErrors.phone,
          email,
          phone,
          keepNewsletters,
        }),
      );
    }
    // Form posts are bounded per identifier too, so one address cannot flood its own history.
    const identifiers = [email && subjectKey(ctx, 'email', email), phone && subjectKey(ctx, 'phone', phone)];
    const limited = ctx.limits.formPost(identifiers.filter((k): k is string => Boolean(k)));
    if (!limited.allowed) {
      reply.header('retry-after', String(limited.retryAfterSeconds));
      return html(
        reply,
        429,
        doNotSellPage(env, PAGE, {
          gpcHonored: false,
          error: m.dnsErrors.tooMany,
          email,
          phone,
          keepNewsletters,
        }),
      );
    }
    const subjects: Subjects = { ...(email ? { email } : {}), ...(phone ? { phone } : {}), deviceId: did };
    // R-DNS-8: the combined form (sale/share AND marketing email) unless the person kept the
    // newsletters where the brand's policy offers that choice.
    const combinedForm = !keepNewsletters;
    const requestId = await record(req, subjects, { method: 'web-form', gpc, combinedForm });
    return html(
      reply,
      200,
      doNotSellDonePage(env, {
        requestId,
        email: Boolean(email),
        phone: Boolean(phone),
        gpc,
        marketing: combinedForm,
      }),
    );
  });

  app.post('/v1/privacy/do-not-sell', async (req, reply) => {
    if (!bearerMatches(req.headers.authorization, ctx.config.dnsApiToken)) {
      if (!ctx.limits.failed(req, reply)) return reply;
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    }
    const parsed = DnsApiRequest.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(400).send({
        error: 'invalid request',
        issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
      });
    }
    const r = parsed.data;
    // R-DNS-4: an agent's request names the agent and the consumer's permission.
    if (r.method === 'authorized-agent' && !r.agent) {
      return reply
        .code(400)
        .send({ error: 'authorized-agent requests need agent.name and agent.permissionRef' });
    }
    // Identifiers with control characters are refused, not cleaned into someone else's.
    if (r.requestId !== undefined && hasControlChars(r.requestId)) {
      return reply.code(400).send({ error: 'requestId holds control characters' });
    }
    for (const [field, type] of SUBJECT_ORDER) {
      const v = r.subjects[field];
      if (v !== undefined && (hasControlChars(v) || subjectKey(ctx, type, v) === null)) {
        return reply.code(400).send({ error: `subjects.${field} is not a valid ${type}` });
      }
    }
    const requestId = r.requestId ?? randomUUID();
    const key = firstKey(ctx, r.subjects);
    const outgoing = {
      topic: ctx.config.topics.doNotSell,
      type: 'privacy.do-not-sell.v1',
      key,
      data: {
        requestId,
        subjects: r.subjects,
        method: r.method,
        gpc: false,
        combinedForm: r.combinedForm,
        ...(r.agent ? { agent: r.agent } : {}),
        ...(r.minor !== undefined ? { minor: r.minor } : {}),
      },
      ...(r.occurredAt ? { occurredAt: r.occurredAt } : {}),
      evidence: { channel: 'api', ip: req.ip },
    };
    // What the dns-consumer would refuse (an agent name of control characters only, ...) is a 400.
    const checked = envelopeOf(ctx, outgoing);
    if (!checked.ok) return reply.code(400).send({ error: checked.error.message });
    const [eventId] = await publish(ctx, [outgoing]);
    ctx.logger.info({ subjectKey: key, requestId, method: r.method }, 'do-not-sell published');
    return reply.code(202).send({ requestId, eventId });
  });
}
