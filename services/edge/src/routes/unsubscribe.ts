// /u/:token, behind the sealed token of a mail:
// - GET shows the preference page (issue 13): the masked address, every active email topic with
//   the person's current state, "unsubscribe from all marketing email". It changes nothing (R-OC-3).
// - POST with the RFC 8058 body `List-Unsubscribe=One-Click` opts out as it always did (R-OC-2).
// - POST with `action=save|undo` is the page's form: opt-outs and confirmed resubscribes (the
//   button press through the person's own link is the confirmation, kept as evidence).
// - POST with `scope=topic|all` is the former page's form, still answered.
import { randomUUID } from 'node:crypto';
import { cleanText, hasControlChars } from '@sp/contracts';
import { RESUBSCRIBE_LIFTS } from '@sp/suppression';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Ctx, type Outgoing, type PreferenceTopic, pageEnv, publish, subjectKey } from '../deps';
import { MESSAGES } from '../i18n';
import {
  invalidLinkPage,
  maskEmail,
  oneClickDonePage,
  type PageEnv,
  type PageTopic,
  type PreferenceView,
  preferencePage,
  preferencesSavedPage,
  type SavedChanges,
} from '../pages';

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

/** A repeated form field (checkboxes, hidden lists) as its distinct string values. */
function values(body: unknown, name: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const v = (body as Record<string, unknown>)[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return [...new Set(list.filter((x): x is string => typeof x === 'string'))].slice(0, 200);
}

function evidence(req: FastifyRequest, extra: Record<string, unknown> = {}) {
  return { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, ...extra };
}

function html(reply: FastifyReply, status: number, page: string) {
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}

const nameOf = (t: PreferenceTopic, lang: string) => t.names[lang] ?? t.names.en ?? t.id;
const descriptionOf = (t: PreferenceTopic, lang: string) => t.descriptions[lang] ?? t.descriptions.en ?? '';

/** One change of the list a save asks for. */
interface Op {
  kind: 'optout' | 'resubscribe';
  /** '*' is all marketing email. */
  topic: string;
}

export function registerUnsubscribe(app: FastifyInstance, ctx: Ctx) {
  // A token that does not open counts against its IP's failure budget (429 past it).
  const invalid = (req: FastifyRequest, reply: FastifyReply) =>
    ctx.limits.failed(req, reply) ? html(reply, 400, invalidLinkPage(pageEnv(ctx, req, reply))) : reply;
  const linkOf = (token: string) => `/u/${encodeURIComponent(token)}`;

  /** The registry's active email topics, plus the link's own topic when the registry lacks it. */
  async function topicsFor(opened: Opened): Promise<PreferenceTopic[]> {
    const listed = ctx.preferences ? await ctx.preferences.emailTopics() : [];
    if (opened.topic && opened.topic !== '*' && !listed.some((t) => t.id === opened.topic)) {
      listed.unshift({ id: opened.topic, names: { en: opened.topic }, descriptions: {} });
    }
    return listed;
  }

  async function view(opened: Opened, env: PageEnv, error?: string): Promise<PreferenceView> {
    const topics = await topicsFor(opened);
    const ids = topics.map((t) => t.id);
    const state = ctx.preferences ? await ctx.preferences.state(opened.email, ids) : undefined;
    const firstLocked = (reasons: { reason: string }[]) =>
      reasons.find((r) => !RESUBSCRIBE_LIFTS(r.reason))?.reason;
    const pageTopics: PageTopic[] = topics.map((t) => {
      const s = state?.topics[t.id];
      const locked = s && !s.changeable ? firstLocked(s.blockedBy) : undefined;
      return {
        id: t.id,
        name: nameOf(t, env.lang),
        description: descriptionOf(t, env.lang),
        subscribed: s ? s.subscribed : true,
        ...(locked ? { lockedBy: locked } : {}),
      };
    });
    const allLocked = state && !state.all.changeable ? firstLocked(state.all.blockedBy) : undefined;
    return {
      maskedEmail: maskEmail(opened.email),
      topics: pageTopics,
      allOff: state ? !state.all.subscribed : false,
      ...(allLocked ? { allLockedBy: allLocked } : {}),
      ...(error ? { error } : {}),
    };
  }

  const page = { onRequest: ctx.limits.pageView };
  app.get<{ Params: { token: string } }>('/u/:token', page, async (req, reply) => {
    const opened = open(ctx, req.params.token);
    if (!opened) return invalid(req, reply);
    const env = pageEnv(ctx, req, reply, linkOf(req.params.token));
    return html(reply, 200, preferencePage(env, linkOf(req.params.token), await view(opened, env)));
  });

  function optOutEvent(req: FastifyRequest, opened: Opened, topic: string | undefined, method: string) {
    return {
      topic: ctx.config.topics.emailOptOut,
      type: 'consent.email-optout.v1',
      key: subjectKey(ctx, 'email', opened.email),
      data: {
        email: opened.email,
        ...(topic && topic !== '*' ? { topic } : {}),
        ...(opened.campaignId ? { campaignId: opened.campaignId } : {}),
        method,
      },
      evidence: evidence(req),
    };
  }

  /** The page's save (and undo, which is a save of the state before): the changes, published at once. */
  async function save(
    req: FastifyRequest<{ Params: { token: string } }>,
    reply: FastifyReply,
    opened: Opened,
  ) {
    const token = req.params.token;
    const env = pageEnv(ctx, req, reply);
    const m = MESSAGES[env.lang];
    const b = req.body;
    const shown = values(b, 'shown');
    const was = new Set(values(b, 'was'));
    const want = new Set(values(b, 'topic'));
    // Without was_all the page showed "all" as locked (a complaint, a bounce...): it stays as it is.
    const wasAllField = field(b, 'was_all');
    const wasAll = wasAllField === undefined ? true : wasAllField === '1';
    const nowAll = wasAllField === undefined ? wasAll : field(b, 'all') === '1';

    // Only topics of the registry (or the link's own) are taken: a form naming another is a 400.
    const known = new Set((await topicsFor(opened)).map((t) => t.id));
    if ([...shown, ...was, ...want].some((t) => !known.has(t))) {
      const v = await view(opened, { ...env, path: linkOf(token) }, m.badRequestTitle);
      return html(reply, 400, preferencePage(env, linkOf(token), v));
    }

    const ops: Op[] = [];
    if (wasAll && !nowAll) {
      // Back on: the resubscribe lifts the older topic opt-outs too, so the topics left off are
      // opted out again at the same instant (on a tie, suppression wins).
      ops.push({ kind: 'resubscribe', topic: '*' });
      for (const t of shown) if (!want.has(t)) ops.push({ kind: 'optout', topic: t });
    } else if (!wasAll && nowAll) {
      ops.push({ kind: 'optout', topic: '*' });
      for (const t of shown) if (was.has(t) && !want.has(t)) ops.push({ kind: 'optout', topic: t });
    } else {
      for (const t of shown) {
        if (was.has(t) && !want.has(t)) ops.push({ kind: 'optout', topic: t });
        if (!was.has(t) && want.has(t) && !nowAll) ops.push({ kind: 'resubscribe', topic: t });
      }
    }

    // A resubscribe lifts only the person's own opt-outs: the list is asked again now, and the
    // page refuses (nothing published) when one of them is held by anything else.
    const resubscribes = ops.filter((o) => o.kind === 'resubscribe');
    if (resubscribes.length > 0) {
      const state = ctx.preferences
        ? await ctx.preferences.state(
            opened.email,
            resubscribes.filter((o) => o.topic !== '*').map((o) => o.topic),
          )
        : undefined;
      const allowed =
        state !== undefined &&
        resubscribes.every((o) => (o.topic === '*' ? state.all : state.topics[o.topic])?.changeable === true);
      if (!allowed) {
        const v = await view(opened, env, m.prefsRefused);
        return html(reply, 409, preferencePage(env, linkOf(token), v));
      }
    }

    if (ops.length > 0) {
      const confirmationId = `preference-page:${randomUUID()}`;
      const at = ctx.clock.now();
      const action = field(b, 'action') === 'undo' ? 'undo' : 'save';
      const events: Outgoing[] = ops.map((o) =>
        o.kind === 'optout'
          ? {
              ...optOutEvent(req, opened, o.topic, 'preference-page'),
              occurredAt: at,
              evidence: evidence(req, { page: 'preferences', action, lang: env.lang }),
            }
          : {
              topic: ctx.config.topics.emailOptOut,
              type: 'consent.email-resubscribe.v1',
              key: subjectKey(ctx, 'email', opened.email),
              data: {
                email: opened.email,
                ...(o.topic !== '*' ? { topic: o.topic } : {}),
                confirmationId,
              },
              occurredAt: at,
              evidence: evidence(req, {
                page: 'preferences',
                action,
                lang: env.lang,
                confirmation:
                  'button pressed on the preference page opened with the sealed link of this address',
              }),
            },
      );
      await publish(ctx, events);
      ctx.logger.info(
        {
          subjectKey: subjectKey(ctx, 'email', opened.email),
          optOuts: ops.length - resubscribes.length,
          resubscribes: resubscribes.length,
          action,
        },
        'preference page saved',
      );
    }

    const topics = await topicsFor(opened);
    const name = (id: string) => {
      const t = topics.find((x) => x.id === id);
      return t ? nameOf(t, env.lang) : id;
    };
    const nowOn = nowAll ? [] : shown.filter((t) => want.has(t));
    const changes: SavedChanges = {
      stopped: shown.filter((t) => was.has(t) && !want.has(t)).map(name),
      resumed: nowAll ? [] : shown.filter((t) => !was.has(t) && want.has(t)).map(name),
      allStopped: !wasAll && nowAll,
      allResumed: wasAll && !nowAll,
      // Undoing an opt-out is a resubscribe, which needs the list to be read: not without a store.
      ...(ctx.preferences
        ? {
            undo: {
              shown,
              was: nowOn,
              topic: [...was],
              ...(wasAllField !== undefined ? { wasAll: nowAll, all: wasAll } : {}),
            },
          }
        : {}),
      undone: field(b, 'action') === 'undo',
    };
    return html(
      reply,
      200,
      preferencesSavedPage(env, linkOf(token), `${linkOf(token)}?lang=${env.lang}`, changes),
    );
  }

  // No volume limit: a valid token is idempotent, and RFC 8058 posts come from a few mailbox
  // provider IPs for millions of people (senders are not obliged to retry a 429).
  app.post<{ Params: { token: string } }>('/u/:token', async (req, reply) => {
    const opened = open(ctx, req.params.token);
    if (!opened) return invalid(req, reply);
    const oneClick = field(req.body, 'List-Unsubscribe') === 'One-Click';
    const action = field(req.body, 'action');
    if (!oneClick && (action === 'save' || action === 'undo')) return save(req, reply, opened);
    const scope = field(req.body, 'scope');
    if (!oneClick && scope !== 'topic' && scope !== 'all') {
      const env = pageEnv(ctx, req, reply, linkOf(req.params.token));
      return html(reply, 400, preferencePage(env, linkOf(req.params.token), await view(opened, env)));
    }
    // One-click unsubscribes from the list the message came from (its topic, or everything when
    // the link names none); the former page's "all" choice drops the topic.
    const topic = oneClick || scope === 'topic' ? opened.topic : undefined;
    const key = subjectKey(ctx, 'email', opened.email);
    const env = pageEnv(ctx, req, reply);
    // R-OC-2: 200, no redirect, no cookie.
    const done = () => html(reply, 200, oneClickDonePage(env));
    // The same token and choice POSTed again within the window is answered, not published again.
    const choice = `${oneClick ? 'one-click' : 'link'}:${topic ?? '*'}:${req.params.token}`;
    if (!(await ctx.limits.firstTime('/u/:token', choice, reply))) return done();
    await publish(ctx, [optOutEvent(req, opened, topic, oneClick ? 'one-click' : 'link')]);
    ctx.logger.info(
      { subjectKey: key, method: oneClick ? 'one-click' : 'link', scoped: Boolean(topic) },
      'email opt-out published',
    );
    return done();
  });
}
