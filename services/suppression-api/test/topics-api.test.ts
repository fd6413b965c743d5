// Issue 13, the topic registry over real HTTP on a real PostgreSQL database: create, read, change,
// archive and unarchive with the history of each change (who = the token's name), the 400/404/409
// answers, the scopes, and what the registry means for unsubscribe links (an unknown or archived
// topic is a 400 naming it) and for checks (any topic id, as old links in the wild need).
// Every answer is validated against the OpenAPI document by the harness's client.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApi } from '../src/openapi';
import { topicRoutes } from '../src/topic-routes';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  // Every documented success answer of the topic routes was produced (and validated) here.
  if (api) {
    const seen = [...api.seen].map((s) => s.split(' ').slice(0, 2).join(' '));
    for (const r of Object.values(topicRoutes))
      for (const status of Object.keys(r.responses).filter((x) => x.startsWith('2')))
        expect(seen, `no validated answer for ${r.operationId} ${status}`).toContain(
          `${r.operationId} ${status}`,
        );
  }
  await api?.close();
});

const slug = (tag: string) => `${tag}-${randomBytes(3).toString('hex')}`;

const weekly = (id: string) => ({
  id,
  channels: ['email'],
  defaultStatus: 'opt-out',
  names: { en: 'Weekly digest', es: 'Resumen semanal', fr: 'Résumé de la semaine' },
  descriptions: { en: 'The week in one email, on Mondays.' },
  actor: 'Ann Ops',
  reason: 'newsletter launch',
});

describe('topic registry: create, read, change, archive (issue 13)', () => {
  it('creates a topic with the admin token, reads it with the check token, and keeps who did each change', async () => {
    const id = slug('weekly-digest');
    const made = await api.call('POST', '/v1/topics', { token: api.tokens.admin, json: weekly(id) });
    expect(made.status).toBe(201);
    expect(made.body.topic).toMatchObject({
      id,
      channels: ['email'],
      defaultStatus: 'opt-out',
      archived: false,
      version: 1,
      names: { en: 'Weekly digest', es: 'Resumen semanal', fr: 'Résumé de la semaine' },
    });

    const read = await api.call('GET', `/v1/topics/${id}`, { token: api.tokens.check });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ topic: made.body.topic });

    const patched = await api.call('PATCH', `/v1/topics/${id}`, {
      token: api.tokens.both,
      json: {
        channels: ['email', 'sms'],
        names: { fr: null },
        descriptions: { es: 'La semana en un correo.' },
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.topic).toMatchObject({
      version: 2,
      channels: ['email', 'sms'],
      names: { en: 'Weekly digest', es: 'Resumen semanal' },
      descriptions: { en: 'The week in one email, on Mondays.', es: 'La semana en un correo.' },
    });

    const archived = await api.call('POST', `/v1/topics/${id}/archive`, {
      token: api.tokens.admin,
      json: { reason: 'replaced by monthly' },
    });
    expect(archived.body.topic).toMatchObject({ archived: true, version: 3 });
    const listed = await api.call('GET', '/v1/topics', { token: api.tokens.check });
    expect(listed.body.topics.map((t: { id: string }) => t.id)).not.toContain(id);
    const all = await api.call('GET', '/v1/topics?includeArchived=true', { token: api.tokens.check });
    expect(all.body.topics.find((t: { id: string }) => t.id === id)).toMatchObject({ archived: true });
    const back = await api.call('POST', `/v1/topics/${id}/unarchive`, { token: api.tokens.admin, json: {} });
    expect(back.body.topic).toMatchObject({ archived: false, version: 4 });

    const history = await api.call('GET', `/v1/topics/${id}/history`, { token: api.tokens.check });
    expect(history.status).toBe(200);
    expect(
      history.body.history.map((c: { version: number; action: string; by: string; actor: string | null }) => [
        c.version,
        c.action,
        c.by,
        c.actor,
      ]),
    ).toEqual([
      [1, 'create', api.tokenNames.admin, 'Ann Ops'],
      [2, 'update', api.tokenNames.both, null],
      [3, 'archive', api.tokenNames.admin, null],
      [4, 'unarchive', api.tokenNames.admin, null],
    ]);
    expect(history.body.history[0]).toMatchObject({ reason: 'newsletter launch', before: null });
    expect(history.body.history[1].before.names).toEqual({
      en: 'Weekly digest',
      es: 'Resumen semanal',
      fr: 'Résumé de la semaine',
    });
    expect(history.body.history[1].after.channels).toEqual(['email', 'sms']);
    expect(history.body.history[2]).toMatchObject({
      reason: 'replaced by monthly',
      before: { archived: false },
      after: { archived: true },
    });
    const withHistory = await api.call('GET', `/v1/topics/${id}?history=true`, { token: api.tokens.check });
    expect(withHistory.body.history).toEqual(history.body.history);
  });

  it('lists only the topics of a channel when asked', async () => {
    const sms = slug('sms-alerts');
    await api.call('POST', '/v1/topics', {
      json: { id: sms, channels: ['sms'], defaultStatus: 'opt-in', names: { en: 'Text alerts' } },
    });
    const email = await api.call('GET', '/v1/topics?channel=email');
    const texts = await api.call('GET', '/v1/topics?channel=sms');
    expect(email.body.topics.map((t: { id: string }) => t.id)).not.toContain(sms);
    expect(texts.body.topics.map((t: { id: string }) => t.id)).toContain(sms);
  });

  it('answers 400 for a bad slug or a topic without its English name, 409 for a taken id, 404 for an unknown one', async () => {
    for (const [id, expected] of [
      ['Weekly_Digest', /body\.id: a topic id is lowercase a-z, 0-9 and "-"/],
      ['-digest', /body\.id: a topic id is lowercase/],
      ['*', /body\.id: a topic id is lowercase/],
      ['x'.repeat(65), /body\.id: a topic id has at most 64 characters/],
    ] as const) {
      const r = await api.call('POST', '/v1/topics', { json: { ...weekly('x'), id } });
      expect(r.status, id).toBe(400);
      expect(r.body.message).toMatch(expected);
    }
    const noEnglish = await api.call('POST', '/v1/topics', {
      json: { id: slug('offres'), names: { fr: 'Offres' } },
    });
    expect(noEnglish.status).toBe(400);
    expect(noEnglish.body.message).toMatch(/names\.en: the name in the default language is required/);
    const badChannel = await api.call('POST', '/v1/topics', {
      json: { id: slug('push'), channels: ['push'], names: { en: 'Push' } },
    });
    expect(badChannel.status).toBe(400);
    expect(badChannel.body.message).toMatch(/^body\.channels\.0:/);

    const id = slug('deals');
    expect((await api.call('POST', '/v1/topics', { json: weekly(id) })).status).toBe(201);
    const taken = await api.call('POST', '/v1/topics', { json: weekly(id) });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ error: 'conflict', message: `topic "${id}" already exists` });

    const dropEnglish = await api.call('PATCH', `/v1/topics/${id}`, { json: { names: { en: null } } });
    expect(dropEnglish.status).toBe(400);
    expect(dropEnglish.body.message).toMatch(/names\.en/);
    const renameId = await api.call('PATCH', `/v1/topics/${id}`, { json: { id: 'other' } });
    expect(renameId.status).toBe(400);

    for (const [method, path, json] of [
      ['GET', '/v1/topics/never-made', undefined],
      ['GET', '/v1/topics/never-made/history', undefined],
      ['PATCH', '/v1/topics/never-made', { defaultStatus: 'opt-in' }],
      ['POST', '/v1/topics/never-made/archive', {}],
    ] as const) {
      const r = await api.call(method, path, json ? { json } : {});
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body).toEqual({ error: 'not_found', message: 'no topic "never-made"' });
    }
  });

  it('takes writes only with the admin scope', async () => {
    const r = await api.call('POST', '/v1/topics', { token: api.tokens.check, json: weekly(slug('nope')) });
    expect(r.status).toBe(403);
    expect((await api.call('GET', '/v1/topics', { token: null })).status).toBe(401);
  });
});

describe('unsubscribe links and checks with the registry (issue 13)', () => {
  const link = (topic: string) =>
    api.call('POST', '/v1/unsubscribe-links', {
      token: api.tokens.check,
      json: { email: uniqueEmail('topic-link'), topic },
    });

  it('refuses a link naming an unknown, archived or SMS-only topic with a 400 naming it; links for active ones', async () => {
    const unknown = await link('weekly-digset');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe(
      'body.topic: topic "weekly-digset" is not in the topic registry (create it first: POST /v1/topics or pnpm suppress topic create)',
    );

    const id = slug('news');
    await api.call('POST', '/v1/topics', { json: weekly(id) });
    const ok = await link(id);
    expect(ok.status).toBe(200);
    expect(api.sealer.open(/\/u\/(.+)$/.exec(ok.body.url)![1]!)).toMatchObject({ topic: id });

    await api.call('POST', `/v1/topics/${id}/archive`, { json: {} });
    const archived = await link(id);
    expect(archived.status).toBe(400);
    expect(archived.body.message).toBe(
      `body.topic: topic "${id}" is archived: new sends and links cannot name it`,
    );

    const sms = slug('texts');
    await api.call('POST', '/v1/topics', {
      json: { id: sms, channels: ['sms'], defaultStatus: 'opt-in', names: { en: 'Texts' } },
    });
    const smsOnly = await link(sms);
    expect(smsOnly.status).toBe(400);
    expect(smsOnly.body.message).toBe(`body.topic: topic "${sms}" is for sms only, not email`);

    // Without a topic the link is for all marketing email, as before.
    const all = await api.call('POST', '/v1/unsubscribe-links', { json: { email: uniqueEmail('all') } });
    expect(all.status).toBe(200);
  });

  it('checks accept any topic id: old links name topics since archived or never registered', async () => {
    const email = uniqueEmail('old-link');
    for (const topic of ['never-registered', 'Old_Style Topic']) {
      const r = await api.call('POST', '/v1/check', {
        token: api.tokens.check,
        json: { email, channel: 'email', kind: 'marketing', topic },
      });
      expect(r.status).toBe(200);
      expect(r.body.allowed).toBe(true);
    }
  });
});

describe('OpenAPI document', () => {
  it('has every topic operation with the request and answer schemas', () => {
    const doc = buildOpenApi() as {
      paths: Record<
        string,
        Record<string, { operationId: string; requestBody?: unknown; responses: object }>
      >;
    };
    expect(
      Object.entries(doc.paths)
        .filter(([p]) => p.startsWith('/v1/topics'))
        .flatMap(([p, ops]) =>
          Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${p} ${op.operationId}`),
        )
        .sort(),
    ).toEqual([
      'GET /v1/topics listTopics',
      'GET /v1/topics/{id} getTopic',
      'GET /v1/topics/{id}/history topicHistory',
      'PATCH /v1/topics/{id} updateTopic',
      'POST /v1/topics createTopic',
      'POST /v1/topics/{id}/archive archiveTopic',
      'POST /v1/topics/{id}/unarchive unarchiveTopic',
    ]);
    const create = doc.paths['/v1/topics']!.post! as unknown as {
      requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
      responses: Record<string, unknown>;
    };
    expect(Object.keys(create.requestBody.content['application/json'].schema.properties).sort()).toEqual([
      'actor',
      'channels',
      'defaultStatus',
      'descriptions',
      'id',
      'names',
      'reason',
    ]);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
  });
});
