// The opt-out box (issue 19): a page and a form that take only an email address and opt it out of
// all marketing email (CAN-SPAM 316.5: no login, no fee, nothing but the address), plus the
// snippet the brand places at the bottom of its own pages, which posts here cross-origin.
//
// No CSRF token and no CAPTCHA, on purpose: a forged or scripted post can only opt someone out,
// the safe direction, and a CAPTCHA would shut out people with screen readers. What abuse could
// cost is bounded instead: page views per IP (the route's onRequest), posts per address, and the
// confirmation email at most once per address per 30 days (optout-consumer, in the ledger).
import { hasControlChars } from '@sp/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Ctx, pageEnv, publish, subjectKey } from '../deps';
import { MESSAGES } from '../i18n';
import { OPT_OUT_PATH, optOutDonePage, optOutPage, optOutSnippet } from '../pages';
import { html } from './do-not-sell';

const OptOutForm = z.object({ email: z.string().trim().max(320).default(''), lang: z.string().optional() });

/** Where the brand's site embeds the form from: the Origin of a cross-origin post, kept as evidence. */
const OriginHeader = z.string().max(300).optional().catch(undefined);

export function registerOptOut(app: FastifyInstance, ctx: Ctx) {
  const page = { onRequest: ctx.limits.pageView };
  const brand = ctx.config.brand;
  const action = `${ctx.config.publicBaseUrl}${OPT_OUT_PATH}`;

  app.get(OPT_OUT_PATH, page, async (req, reply) =>
    html(reply, 200, optOutPage(pageEnv(ctx, req, reply, OPT_OUT_PATH), OPT_OUT_PATH, {})),
  );

  // The HTML to paste into the brand's pages, as text to copy (README "The opt-out box").
  app.get(`${OPT_OUT_PATH}/snippet`, page, async (_req, reply) =>
    reply
      .code(200)
      .type('text/plain; charset=utf-8')
      .send(`${optOutSnippet(brand, action)}\n`),
  );

  app.post(OPT_OUT_PATH, page, async (req, reply) => {
    const form = OptOutForm.safeParse(req.body ?? {});
    const env = pageEnv(ctx, req, reply);
    const m = MESSAGES[env.lang];
    const refuse = (status: number, error: string, email?: string) =>
      html(reply, status, optOutPage(env, OPT_OUT_PATH, { error, ...(email ? { email } : {}) }));
    if (!form.success) return refuse(400, 'The form could not be read. Please enter your email address.');
    const { email } = form.data;
    if (!email) return refuse(400, 'Please enter your email address.');
    const key = hasControlChars(email) ? null : subjectKey(ctx, 'email', email);
    if (key === null) return refuse(400, m.optOutErrors.email, email);
    // Per address as well as per IP: one address cannot be used to flood its own history. The
    // key is this form's own, so the Do-Not-Sell form's budget is not spent here.
    const limited = ctx.limits.formPost([`opt-out-box:${key}`]);
    if (!limited.allowed) {
      reply.header('retry-after', String(limited.retryAfterSeconds));
      return refuse(429, m.optOutErrors.tooMany, email);
    }
    const confirm = ctx.config.optOutConfirmationEmail;
    const origin = OriginHeader.parse(req.headers.origin);
    await publish(ctx, [
      {
        topic: ctx.config.topics.emailOptOut,
        type: 'consent.email-optout.v1',
        key,
        data: { email, topic: '*', method: 'web-form', ...(confirm ? { confirm: true } : {}) },
        evidence: {
          channel: 'opt-out-box',
          ip: req.ip,
          userAgent: req.headers['user-agent'] ?? null,
          ...(origin ? { origin } : {}),
        },
      },
    ]);
    ctx.logger.info({ subjectKey: key, method: 'web-form' }, 'opt-out box: email opt-out published');
    return html(reply, 200, optOutDonePage(env, { email, confirmationEmail: confirm }));
  });
}
