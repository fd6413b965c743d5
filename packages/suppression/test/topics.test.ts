// The topic registry (issue 13) on both drivers: create, read, update, archive with the history of
// every version, the slug and default-language rules, and the refusal a send or a link gets.
import { randomBytes } from 'node:crypto';
import type { DbHandle } from '@sp/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  archiveTopic,
  createTopic,
  getTopic,
  getTopics,
  listTopics,
  seedTopics,
  TopicError,
  topicHistory,
  topicRefusal,
  topicText,
  updateTopic,
} from '../src/index';
import { openPgliteDb, openTestDb } from './helpers';

const slug = (tag: string) => `${tag}-${randomBytes(3).toString('hex')}`;
const ops = { by: 'ops-token', actor: 'Ann', reason: 'spring programme' };

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the call was not refused');
}

const drivers: Array<[string, () => Promise<{ h: DbHandle; close(): Promise<void> }>]> = [
  ['postgres (real server)', openTestDb],
  ['pglite (in memory)', openPgliteDb],
];

describe.each(drivers)('topic registry on %s', (_name, open) => {
  let h: DbHandle;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ h, close } = await open());
  });
  afterAll(async () => close?.());

  it('creates a topic, reads it back, lists it by channel, and records who created it', async () => {
    const id = slug('weekly-digest');
    const made = await createTopic(
      h.db,
      {
        id,
        channels: ['email'],
        defaultStatus: 'opt-out',
        names: { en: 'Weekly digest', es: 'Resumen semanal' },
        descriptions: { en: 'The week in one email.' },
      },
      { ...ops, at: new Date('2026-11-01T10:00:00Z') },
    );
    expect(made).toMatchObject({ id, archived: false, version: 1, channels: ['email'] });
    expect(await getTopic(h.db, id)).toEqual(made);
    expect((await listTopics(h.db, { channel: 'email' })).map((t) => t.id)).toContain(id);
    expect((await listTopics(h.db, { channel: 'sms' })).map((t) => t.id)).not.toContain(id);
    expect(await topicHistory(h.db, id)).toEqual([
      {
        topicId: id,
        version: 1,
        action: 'create',
        by: 'ops-token',
        actor: 'Ann',
        reason: 'spring programme',
        at: new Date('2026-11-01T10:00:00Z'),
        before: null,
        after: {
          channels: ['email'],
          defaultStatus: 'opt-out',
          archived: false,
          names: { en: 'Weekly digest', es: 'Resumen semanal' },
          descriptions: { en: 'The week in one email.' },
        },
      },
    ]);
  });

  it('refuses a taken id, a bad slug and a topic without its English name', async () => {
    const id = slug('deals');
    const base = {
      id,
      channels: ['email' as const],
      defaultStatus: 'opt-in' as const,
      names: { en: 'Deals' },
    };
    await createTopic(h.db, base, ops);
    const taken = await rejection(createTopic(h.db, base, ops));
    expect(taken).toBeInstanceOf(TopicError);
    expect(taken.message).toBe(`topic "${id}" already exists`);
    for (const bad of ['Deals', 'deals_2', '-deals', '*', 'x'.repeat(65), 'déals', '']) {
      const err = await rejection(createTopic(h.db, { ...base, id: bad }, ops));
      expect(err.name).toBe('ValidationError');
      expect(err.message).toMatch(/is not a topic id/);
    }
    // 64 characters is the limit, inclusive.
    await createTopic(h.db, { ...base, id: 'a'.repeat(60) + randomBytes(2).toString('hex') }, ops);
    const noEnglish = await rejection(
      createTopic(h.db, { ...base, id: slug('x'), names: { fr: 'Offres' } }, ops),
    );
    expect(noEnglish.message).toBe('names.en: the name in the default language is required');
  });

  it('updates, archives and unarchives, one version and one history row per real change', async () => {
    const id = slug('tips');
    await createTopic(
      h.db,
      { id, channels: ['email'], defaultStatus: 'opt-out', names: { en: 'Tips' } },
      ops,
    );
    const updated = await updateTopic(
      h.db,
      id,
      { channels: ['email', 'sms'], names: { fr: 'Astuces' }, descriptions: { en: 'How-tos.' } },
      { by: 'ops-token' },
    );
    expect(updated).toMatchObject({
      version: 2,
      channels: ['email', 'sms'],
      names: { en: 'Tips', fr: 'Astuces' },
      descriptions: { en: 'How-tos.' },
    });
    // The same patch again changes nothing: no version, no history row.
    expect((await updateTopic(h.db, id, { names: { fr: 'Astuces' } }, { by: 'ops-token' })).version).toBe(2);
    const removeFr = await updateTopic(h.db, id, { names: { fr: null } }, { by: 'ops-token' });
    expect(removeFr.names).toEqual({ en: 'Tips' });
    const noEn = await rejection(updateTopic(h.db, id, { names: { en: null } }, { by: 'x' }));
    expect(noEn.message).toMatch(/names\.en/);

    const archived = await archiveTopic(h.db, id, { by: 'other-token', reason: 'retired' });
    expect(archived).toMatchObject({ archived: true, version: 4 });
    expect((await archiveTopic(h.db, id, { by: 'other-token' })).version).toBe(4);
    expect((await listTopics(h.db)).map((t) => t.id)).not.toContain(id);
    expect((await listTopics(h.db, { includeArchived: true })).map((t) => t.id)).toContain(id);
    expect((await archiveTopic(h.db, id, { by: 'ops-token' }, false)).archived).toBe(false);

    const changes = await topicHistory(h.db, id);
    expect(changes.map((c) => [c.version, c.action, c.by])).toEqual([
      [1, 'create', 'ops-token'],
      [2, 'update', 'ops-token'],
      [3, 'update', 'ops-token'],
      [4, 'archive', 'other-token'],
      [5, 'unarchive', 'ops-token'],
    ]);
    expect(changes[3]).toMatchObject({
      reason: 'retired',
      before: { archived: false },
      after: { archived: true, names: { en: 'Tips' } },
    });
    const missing = await rejection(updateTopic(h.db, slug('nope'), { defaultStatus: 'opt-in' }, ops));
    expect(missing).toBeInstanceOf(TopicError);
    expect((missing as TopicError).code).toBe('not_found');
  });

  it('keeps the history append-only in the database itself', async () => {
    const id = slug('kept');
    await createTopic(h.db, { id, channels: ['sms'], defaultStatus: 'opt-in', names: { en: 'Kept' } }, ops);
    const err = await rejection(h.db.execute(sql`delete from topic_history where topic_id = ${id}`));
    expect(`${err.message} ${(err as { cause?: Error }).cause?.message ?? ''}`).toMatch(
      /topic_history is append-only: DELETE refused/,
    );
    expect(await topicHistory(h.db, id)).toHaveLength(1);
  });

  it('refuses unknown, archived and other-channel topics for sends and links, never "*"', async () => {
    const email = slug('news');
    const gone = slug('gone');
    await createTopic(
      h.db,
      { id: email, channels: ['email'], defaultStatus: 'opt-out', names: { en: 'News' } },
      ops,
    );
    await createTopic(
      h.db,
      { id: gone, channels: ['email'], defaultStatus: 'opt-out', names: { en: 'Gone' } },
      ops,
    );
    await archiveTopic(h.db, gone, ops);
    const found = await getTopics(h.db, [email, gone, 'never-made', email]);
    expect([...found.keys()].sort()).toEqual([email, gone].sort());
    expect(topicRefusal(found.get(email), email, 'email')).toBeNull();
    expect(topicRefusal(found.get(email), email, 'sms')).toBe(`topic "${email}" is for email only, not sms`);
    expect(topicRefusal(found.get(gone), gone, 'email')).toBe(
      `topic "${gone}" is archived: new sends and links cannot name it`,
    );
    expect(topicRefusal(found.get('never-made'), 'never-made', 'email')).toMatch(
      /^topic "never-made" is not in the topic registry/,
    );
    expect(topicRefusal(undefined, '*', 'email')).toBeNull();
  });
});

describe.each(drivers)('seedTopics on %s', (_name, open) => {
  it('seeds an empty registry only: a second start, or one after an operator made topics, seeds nothing', async () => {
    const { h, close } = await open();
    try {
      const seeds = ['weekly-digest', 'deals'].map((id) => ({
        id,
        channels: ['email' as const],
        defaultStatus: 'opt-out' as const,
        names: { en: id },
      }));
      expect(await seedTopics(h.db, seeds, { by: 'npm-start' })).toBe(2);
      await archiveTopic(h.db, 'deals', ops);
      expect(await seedTopics(h.db, seeds, { by: 'npm-start' })).toBe(0);
      expect((await listTopics(h.db, { includeArchived: true })).map((t) => [t.id, t.archived])).toEqual([
        ['deals', true],
        ['weekly-digest', false],
      ]);
      expect((await topicHistory(h.db, 'weekly-digest')).map((c) => c.by)).toEqual(['npm-start']);
    } finally {
      await close();
    }
  });
});

describe('topicText', () => {
  const topic = {
    id: 'weekly-digest',
    names: { en: 'Weekly digest', es: 'Resumen semanal', 'pt-BR': 'Resumo semanal' },
    descriptions: { en: 'The week in one email.' },
  };
  it('takes the exact tag, then its language, then English, then the id', () => {
    expect(topicText(topic, 'es')).toEqual({
      name: 'Resumen semanal',
      description: 'The week in one email.',
      lang: 'es',
    });
    expect(topicText(topic, 'es-MX').name).toBe('Resumen semanal');
    expect(topicText(topic, 'ES').name).toBe('Resumen semanal');
    expect(topicText(topic, 'pt-BR').name).toBe('Resumo semanal');
    expect(topicText(topic, 'fr')).toEqual({
      name: 'Weekly digest',
      description: 'The week in one email.',
      lang: 'en',
    });
    expect(topicText({ id: 'bare', names: {}, descriptions: {} }, 'fr')).toEqual({
      name: 'bare',
      description: '',
      lang: 'en',
    });
  });
});
