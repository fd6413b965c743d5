// The topic registry over the API (issue 13): list and read with the check scope (senders and the
// edge look topics up), create/update/archive with admin, each change recorded with the token's
// name. A route table of its own in the shape of spec.ts, registered by app.ts, documented by openapi.ts.
import {
  archiveTopic,
  createTopic,
  getTopic,
  listTopics,
  type SuppressionContext,
  type Topic,
  type TopicChange,
  TopicError,
  topicHistory,
  updateTopic,
} from '@sp/suppression';
import {
  NewTopicRequest,
  TopicArchiveRequest,
  type TopicBody,
  type TopicChangeBody,
  TopicChannel,
  TopicHistoryResponse,
  TopicPatchRequest,
  TopicResponse,
  TopicsResponse,
} from '@sp/suppression/topic-schemas';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Register } from './app';
import { adminEvidence } from './caller';
import { HttpError } from './errors';
import { ErrorBody } from './schemas';
import type { RouteSpec } from './spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });
const notFound = { description: 'No such topic.', content: json(ErrorBody) };
const spec = <const T extends RouteSpec>(s: T): T => s;

const IdParams = z.object({ id: z.string().min(1).max(200).describe('The topic id (slug).') });
const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const ListQuery = z.strictObject({
  includeArchived: Bool.optional().describe('true: archived topics too (default: active only).'),
  channel: TopicChannel.optional().describe('Only the topics of this channel.'),
});
const GetQuery = z.strictObject({
  history: Bool.optional().describe('true: every recorded change too, oldest first.'),
});
const ArchiveBody = TopicArchiveRequest;

export const topicRoutes = {
  listTopics: spec({
    operationId: 'listTopics',
    method: 'GET',
    url: '/v1/topics',
    scope: 'check',
    summary: 'The topic registry: every active topic (archived ones with includeArchived=true)',
    description:
      'Topics are what people can be on or off (newsletters, programmes), with a name and description per ' +
      'language (`en` always; other languages fall back to it), a default status and the channels. New sends ' +
      'and unsubscribe links may only name an active topic of the registry; checks accept any topic id.',
    query: ListQuery,
    responses: { 200: { description: 'The topics, by id.', content: json(TopicsResponse) } },
  }),
  createTopic: spec({
    operationId: 'createTopic',
    method: 'POST',
    url: '/v1/topics',
    scope: 'admin',
    summary: 'Register a topic (recorded in its history with the token’s name)',
    body: json(NewTopicRequest),
    responses: {
      201: { description: 'Registered.', content: json(TopicResponse) },
      409: { description: 'A topic with this id exists (archived ones too).', content: json(ErrorBody) },
    },
  }),
  getTopic: spec({
    operationId: 'getTopic',
    method: 'GET',
    url: '/v1/topics/:id',
    scope: 'check',
    summary: 'One topic, archived or not (with history=true, every recorded change)',
    params: IdParams,
    query: GetQuery,
    responses: { 200: { description: 'The topic.', content: json(TopicResponse) }, 404: notFound },
  }),
  updateTopic: spec({
    operationId: 'updateTopic',
    method: 'PATCH',
    url: '/v1/topics/:id',
    scope: 'admin',
    summary: 'Change a topic’s channels, default status, names or descriptions',
    description:
      'Names and descriptions are merged per language: a string sets that language, null removes it (never ' +
      '`en`). A change is one new version in the history; a patch that changes nothing records nothing. The ' +
      'id never changes: senders, links and entries name the topic by it.',
    params: IdParams,
    body: json(TopicPatchRequest),
    responses: {
      200: { description: 'The topic as it is now.', content: json(TopicResponse) },
      404: notFound,
    },
  }),
  archiveTopic: spec({
    operationId: 'archiveTopic',
    method: 'POST',
    url: '/v1/topics/:id/archive',
    scope: 'admin',
    summary: 'Archive a topic: no new sends or links name it; its entries and old links keep working',
    params: IdParams,
    body: json(ArchiveBody),
    responses: { 200: { description: 'Archived.', content: json(TopicResponse) }, 404: notFound },
  }),
  unarchiveTopic: spec({
    operationId: 'unarchiveTopic',
    method: 'POST',
    url: '/v1/topics/:id/unarchive',
    scope: 'admin',
    summary: 'Bring an archived topic back',
    params: IdParams,
    body: json(ArchiveBody),
    responses: { 200: { description: 'Active again.', content: json(TopicResponse) }, 404: notFound },
  }),
  topicHistory: spec({
    operationId: 'topicHistory',
    method: 'GET',
    url: '/v1/topics/:id/history',
    scope: 'check',
    summary: 'Every recorded change of a topic: who (the token’s name), when, before and after',
    params: IdParams,
    responses: { 200: { description: 'Oldest first.', content: json(TopicHistoryResponse) }, 404: notFound },
  }),
} as const;

const topicOut = (t: Topic): TopicBody => ({
  id: t.id,
  channels: t.channels,
  defaultStatus: t.defaultStatus,
  archived: t.archived,
  names: t.names,
  descriptions: t.descriptions,
  version: t.version,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

const changeOut = (c: TopicChange): TopicChangeBody => ({
  version: c.version,
  action: c.action,
  by: c.by,
  actor: c.actor,
  reason: c.reason,
  at: c.at.toISOString(),
  before: c.before,
  after: c.after,
});

/** Registry errors as HTTP: a taken id is a 409, an unknown one a 404. */
async function answering<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof TopicError)
      throw new HttpError(
        err.code === 'exists' ? 409 : 404,
        err.code === 'exists' ? 'conflict' : 'not_found',
        err.message,
      );
    throw err;
  }
}

export function registerTopicRoutes(
  register: Register,
  deps: {
    ctx: SuppressionContext;
    parseBody: <T extends z.ZodType>(schema: T, body: unknown) => z.infer<T>;
    clock: () => Date;
  },
): void {
  const { ctx, parseBody, clock } = deps;
  const db = ctx.db;
  const r = topicRoutes;
  const author = (req: FastifyRequest, b: { actor?: string | undefined; reason?: string | undefined }) => ({
    ...adminEvidence(req, b),
    at: clock(),
  });
  const topicOr404 = async (id: string) => {
    const t = await getTopic(db, id);
    if (!t) throw new HttpError(404, 'not_found', `no topic "${id}"`);
    return t;
  };

  register(r.listTopics, async ({ query }) => ({
    topics: (
      await listTopics(db, {
        ...(query.includeArchived ? { includeArchived: true } : {}),
        ...(query.channel ? { channel: query.channel } : {}),
      })
    ).map(topicOut),
  }));

  register(r.createTopic, async ({ body }, req, reply) => {
    const b = parseBody(NewTopicRequest, body);
    const topic = await answering(createTopic(db, b, author(req, b)));
    reply.code(201);
    return { topic: topicOut(topic) };
  });

  register(r.getTopic, async ({ params, query }) => {
    const topic = await topicOr404(params.id);
    return {
      topic: topicOut(topic),
      ...(query.history ? { history: (await topicHistory(db, topic.id)).map(changeOut) } : {}),
    };
  });

  register(r.updateTopic, async ({ params, body }, req) => {
    const b = parseBody(TopicPatchRequest, body);
    const { actor, reason, ...patch } = b;
    return {
      topic: topicOut(await answering(updateTopic(db, params.id, patch, author(req, { actor, reason })))),
    };
  });

  for (const [route, archived] of [
    [r.archiveTopic, true],
    [r.unarchiveTopic, false],
  ] as const) {
    register(route, async ({ params, body }, req) => {
      const b = parseBody(ArchiveBody, body ?? {});
      return { topic: topicOut(await answering(archiveTopic(db, params.id, author(req, b), archived))) };
    });
  }

  register(r.topicHistory, async ({ params }) => {
    await topicOr404(params.id);
    return { topicId: params.id, history: (await topicHistory(db, params.id)).map(changeOut) };
  });
}
