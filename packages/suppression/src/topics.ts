// The topic registry (issue 13): what a person can be on or off, by name and description in their
// language. Reads for the edge's pages and the API; writes keep every version in topic_history
// (who, when, before, after). Takes a bare Database, so it runs on postgres.js and PGlite alike.
import { ValidationError } from '@sp/contracts';
import { type Database, schema } from '@sp/db';
import { and, arrayContains, asc, eq, inArray } from 'drizzle-orm';
import {
  DEFAULT_LANGUAGE,
  TOPIC_ID_PATTERN,
  type TopicChannel,
  type TopicDefaultStatus,
} from './topic-schemas';

export { DEFAULT_LANGUAGE, TOPIC_ID_PATTERN, type TopicChannel, type TopicDefaultStatus };

export interface Topic {
  id: string;
  channels: TopicChannel[];
  defaultStatus: TopicDefaultStatus;
  archived: boolean;
  /** language tag -> display name; always has DEFAULT_LANGUAGE. */
  names: Record<string, string>;
  /** language tag -> description (may be empty). */
  descriptions: Record<string, string>;
  /** 1 at creation, +1 per recorded change. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a history row keeps of the topic before and after a change. */
export type TopicSnapshot = Pick<Topic, 'channels' | 'defaultStatus' | 'archived' | 'names' | 'descriptions'>;
export type TopicAction = 'create' | 'update' | 'archive' | 'unarchive';

export interface TopicChange {
  topicId: string;
  version: number;
  action: TopicAction;
  by: string;
  actor: string | null;
  reason: string | null;
  at: Date;
  before: TopicSnapshot | null;
  after: TopicSnapshot;
}

/** Who makes a change: `by` is the API token's name (authoritative), `actor` a person as claimed. */
export interface TopicAuthor {
  by: string;
  actor?: string | undefined;
  reason?: string | undefined;
  at?: Date;
}

/** A registry write that cannot be done as asked: the id is taken, or there is no such topic. */
export class TopicError extends Error {
  override name = 'TopicError';
  constructor(
    readonly code: 'exists' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

type Row = typeof schema.topics.$inferSelect;

function toTopic(r: Row): Topic {
  return {
    id: r.id,
    channels: r.channels as TopicChannel[],
    defaultStatus: r.defaultStatus as TopicDefaultStatus,
    archived: r.archived,
    names: r.names,
    descriptions: r.descriptions,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

const snapshot = (t: TopicSnapshot): TopicSnapshot => ({
  channels: t.channels,
  defaultStatus: t.defaultStatus,
  archived: t.archived,
  names: t.names,
  descriptions: t.descriptions,
});

/** Active topics by id (archived ones too with includeArchived), optionally only those of a channel. */
export async function listTopics(
  db: Database,
  opts: { includeArchived?: boolean; channel?: TopicChannel } = {},
): Promise<Topic[]> {
  const t = schema.topics;
  const rows = await db
    .select()
    .from(t)
    .where(
      and(
        opts.includeArchived ? undefined : eq(t.archived, false),
        opts.channel ? arrayContains(t.channels, [opts.channel]) : undefined,
      ),
    )
    .orderBy(asc(t.id));
  return rows.map(toTopic);
}

export async function getTopic(db: Database, id: string): Promise<Topic | null> {
  const [row] = await db.select().from(schema.topics).where(eq(schema.topics.id, id)).limit(1);
  return row ? toTopic(row) : null;
}

/** The topics of these ids that exist (archived ones included), by id. */
export async function getTopics(db: Database, ids: string[]): Promise<Map<string, Topic>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.select().from(schema.topics).where(inArray(schema.topics.id, unique));
  return new Map(rows.map((r) => [r.id, toTopic(r)]));
}

/**
 * The name and description to show in `lang`: the exact tag (es-MX), its language (es, also for
 * ES or es_MX), then the default language; a name falls back to the id at last, a description to
 * ''. `lang` says which language the name came from (for the page's lang attribute).
 */
export function topicText(
  topic: Pick<Topic, 'id' | 'names' | 'descriptions'>,
  lang: string,
): { name: string; description: string; lang: string } {
  const tags = [lang, lang.split(/[-_]/)[0]!.toLowerCase(), DEFAULT_LANGUAGE].filter(Boolean);
  const pick = (texts: Record<string, string>) => {
    for (const tag of tags) {
      const v = texts[tag];
      if (typeof v === 'string' && v.length > 0) return { text: v, tag };
    }
    return null;
  };
  const name = pick(topic.names);
  const description = pick(topic.descriptions);
  return {
    name: name?.text ?? topic.id,
    description: description?.text ?? '',
    lang: name?.tag ?? DEFAULT_LANGUAGE,
  };
}

/**
 * Why a new send or link may not name `id` on `channel`, or null when it may: a topic must be in
 * the registry, not archived, and for that channel. `*` (every topic) is not a topic and passes.
 * Checks never ask this: an old link naming a topic since archived or unknown still counts.
 */
export function topicRefusal(
  topic: Topic | undefined | null,
  id: string,
  channel: TopicChannel,
): string | null {
  if (id === '*') return null;
  if (!topic)
    return `topic "${id}" is not in the topic registry (create it first: POST /v1/topics or pnpm suppress topic create)`;
  if (topic.archived) return `topic "${id}" is archived: new sends and links cannot name it`;
  if (!topic.channels.includes(channel))
    return `topic "${id}" is for ${topic.channels.join(' and ')} only, not ${channel}`;
  return null;
}

function checkTexts(names: Record<string, string>): void {
  if (typeof names[DEFAULT_LANGUAGE] !== 'string' || names[DEFAULT_LANGUAGE].trim() === '')
    throw new ValidationError(`names.${DEFAULT_LANGUAGE}: the name in the default language is required`);
}

async function record(
  db: Database,
  topicId: string,
  version: number,
  action: TopicAction,
  author: TopicAuthor,
  at: Date,
  before: TopicSnapshot | null,
  after: TopicSnapshot,
): Promise<void> {
  await db.insert(schema.topicHistory).values({
    topicId,
    version,
    action,
    by: author.by,
    actor: author.actor ?? null,
    reason: author.reason ?? null,
    at,
    before: before ? snapshot(before) : null,
    after: snapshot(after),
  });
}

export interface NewTopic {
  id: string;
  channels: TopicChannel[];
  defaultStatus: TopicDefaultStatus;
  names: Record<string, string>;
  descriptions?: Record<string, string>;
}

/** Registers a topic (version 1, recorded as `create`); TopicError('exists') when the id is taken. */
export async function createTopic(db: Database, input: NewTopic, author: TopicAuthor): Promise<Topic> {
  if (!TOPIC_ID_PATTERN.test(input.id))
    throw new ValidationError(
      `id: "${input.id.slice(0, 80)}" is not a topic id (lowercase a-z, 0-9 and "-", at most 64)`,
    );
  checkTexts(input.names);
  const at = author.at ?? new Date();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(schema.topics)
      .values({
        id: input.id,
        channels: [...new Set(input.channels)],
        defaultStatus: input.defaultStatus,
        names: input.names,
        descriptions: input.descriptions ?? {},
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new TopicError('exists', `topic "${input.id}" already exists`);
    const topic = toTopic(row);
    await record(tx as unknown as Database, topic.id, 1, 'create', author, at, null, topic);
    return topic;
  });
}

export interface TopicPatch {
  channels?: TopicChannel[] | undefined;
  defaultStatus?: TopicDefaultStatus | undefined;
  /** Languages to set (string) or remove (null). */
  names?: Record<string, string | null> | undefined;
  descriptions?: Record<string, string | null> | undefined;
  archived?: boolean | undefined;
}

const merge = (base: Record<string, string>, patch: Record<string, string | null> | undefined) => {
  if (!patch) return base;
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
};

const same = (a: TopicSnapshot, b: TopicSnapshot) =>
  JSON.stringify(snapshot(a)) === JSON.stringify(snapshot(b));

/**
 * Changes a topic under a row lock and records the change (`archive`/`unarchive` when that is all
 * it does, else `update`). A patch that changes nothing records nothing and returns the topic.
 */
export async function updateTopic(
  db: Database,
  id: string,
  patch: TopicPatch,
  author: TopicAuthor,
): Promise<Topic> {
  const at = author.at ?? new Date();
  return db.transaction(async (tx) => {
    const t = schema.topics;
    const [row] = await tx.select().from(t).where(eq(t.id, id)).for('update');
    if (!row) throw new TopicError('not_found', `no topic "${id}"`);
    const before = toTopic(row);
    const after: TopicSnapshot = {
      channels: patch.channels ? [...new Set(patch.channels)] : before.channels,
      defaultStatus: patch.defaultStatus ?? before.defaultStatus,
      archived: patch.archived ?? before.archived,
      names: merge(before.names, patch.names),
      descriptions: merge(before.descriptions, patch.descriptions),
    };
    checkTexts(after.names);
    if (same(before, after)) return before;
    const onlyArchive = same({ ...before, archived: after.archived }, after);
    const action: TopicAction = onlyArchive ? (after.archived ? 'archive' : 'unarchive') : 'update';
    const version = before.version + 1;
    const [updated] = await tx
      .update(t)
      .set({ ...after, version, updatedAt: at })
      .where(eq(t.id, id))
      .returning();
    await record(tx as unknown as Database, id, version, action, author, at, before, after);
    return toTopic(updated!);
  });
}

/** Archives (or, with archived false, brings back) a topic; recorded unless it already was. */
export const archiveTopic = (db: Database, id: string, author: TopicAuthor, archived = true) =>
  updateTopic(db, id, { archived }, author);

/** Every recorded change of a topic, oldest first (empty for an unknown id). */
export async function topicHistory(db: Database, id: string): Promise<TopicChange[]> {
  const h = schema.topicHistory;
  const rows = await db.select().from(h).where(eq(h.topicId, id)).orderBy(asc(h.version));
  return rows.map((r) => ({
    topicId: r.topicId,
    version: r.version,
    action: r.action as TopicAction,
    by: r.by,
    actor: r.actor,
    reason: r.reason,
    at: r.at,
    before: r.before as TopicSnapshot | null,
    after: r.after as TopicSnapshot,
  }));
}

/**
 * A first start's topics (the `npm start` demo): created only while the registry is empty, so an
 * operator's own topics, changes and archivals are never touched by a restart; all in one
 * transaction, so a crash mid-seed leaves none rather than some. Returns how many were made.
 */
export async function seedTopics(db: Database, seeds: NewTopic[], author: TopicAuthor): Promise<number> {
  return db.transaction(async (tx) => {
    const [any] = await tx.select({ id: schema.topics.id }).from(schema.topics).limit(1);
    if (any) return 0;
    let made = 0;
    for (const seed of seeds) {
      try {
        await createTopic(tx as unknown as Database, seed, author);
        made++;
      } catch (err) {
        // Another process seeding the same empty registry at once made it first.
        if (!(err instanceof TopicError && err.code === 'exists')) throw err;
      }
    }
    return made;
  });
}
