// The wire shapes of the topic registry (issue 13), shared by the API (its OpenAPI document) and the
// CLI (which parses every answer): zod only, so a client imports them without the database code.
import { z } from 'zod';

/** The default language: every topic has its name in it; other languages fall back to it. */
export const DEFAULT_LANGUAGE = 'en';
export const TOPIC_ID_MAX = 64;
/** Lowercase letters, digits and `-`, not starting with `-`: never `*` (the every-topic scope). */
export const TOPIC_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export const TopicId = z
  .string()
  .max(TOPIC_ID_MAX, `a topic id has at most ${TOPIC_ID_MAX} characters`)
  .regex(TOPIC_ID_PATTERN, 'a topic id is lowercase a-z, 0-9 and "-" (not first), e.g. weekly-digest')
  .describe('The slug senders, links and checks name the topic by, e.g. weekly-digest.');

export const TopicChannel = z.enum(['email', 'sms']);
export type TopicChannel = z.infer<typeof TopicChannel>;
export const TopicDefaultStatus = z
  .enum(['opt-in', 'opt-out'])
  .describe(
    'opt-out: people are on it until they leave (a newsletter they signed up for); opt-in: off until they join.',
  );
export type TopicDefaultStatus = z.infer<typeof TopicDefaultStatus>;

const LanguageTag = z
  .string()
  .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en, es, fr or pt-BR');
const Texts = (what: string, max: number) =>
  z
    .record(LanguageTag, z.string().trim().min(1).max(max))
    .describe(`${what} per language tag (en, es, fr…).`);

export const TopicNames = Texts('Display name', 200).refine((n) => typeof n[DEFAULT_LANGUAGE] === 'string', {
  message: 'the name in the default language is required',
  path: [DEFAULT_LANGUAGE],
});
export const TopicDescriptions = Texts('Description', 2000);

export const NewTopicRequest = z.strictObject({
  id: TopicId,
  channels: z.array(TopicChannel).min(1).max(2).default(['email']),
  defaultStatus: TopicDefaultStatus.default('opt-out'),
  names: TopicNames,
  descriptions: TopicDescriptions.default({}),
  actor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('The person making the change (kept beside the token).'),
  reason: z.string().min(1).max(1000).optional(),
});
export type NewTopicRequest = z.infer<typeof NewTopicRequest>;

/** A partial change; names/descriptions given replace those languages (null removes one). */
export const TopicPatchRequest = z.strictObject({
  channels: z.array(TopicChannel).min(1).max(2).optional(),
  defaultStatus: TopicDefaultStatus.optional(),
  names: z
    .record(LanguageTag, z.string().trim().min(1).max(200).nullable())
    .optional()
    .describe('Languages to set (a string) or remove (null); the default language cannot be removed.'),
  descriptions: z.record(LanguageTag, z.string().trim().min(1).max(2000).nullable()).optional(),
  actor: z.string().min(1).max(200).optional(),
  reason: z.string().min(1).max(1000).optional(),
});
export type TopicPatchRequest = z.infer<typeof TopicPatchRequest>;

/** The optional body of archive and unarchive: who and why. */
export const TopicArchiveRequest = z.strictObject({
  actor: z.string().min(1).max(200).optional(),
  reason: z.string().min(1).max(1000).optional(),
});
export type TopicArchiveRequest = z.infer<typeof TopicArchiveRequest>;

export const TopicBody = z.object({
  id: z.string(),
  channels: z.array(TopicChannel),
  defaultStatus: TopicDefaultStatus,
  archived: z.boolean(),
  names: z.record(z.string(), z.string()),
  descriptions: z.record(z.string(), z.string()),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TopicBody = z.infer<typeof TopicBody>;

const Snapshot = z.object({
  channels: z.array(TopicChannel),
  defaultStatus: TopicDefaultStatus,
  archived: z.boolean(),
  names: z.record(z.string(), z.string()),
  descriptions: z.record(z.string(), z.string()),
});
export const TopicChangeBody = z.object({
  version: z.number().int(),
  action: z.enum(['create', 'update', 'archive', 'unarchive']),
  by: z.string().describe("The API token's name that made the change."),
  actor: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string(),
  before: Snapshot.nullable(),
  after: Snapshot,
});
export type TopicChangeBody = z.infer<typeof TopicChangeBody>;

export const TopicsResponse = z.object({ topics: z.array(TopicBody) });
export const TopicResponse = z.object({
  topic: TopicBody,
  history: z.array(TopicChangeBody).optional().describe('Oldest first; with ?history=true.'),
});
export const TopicHistoryResponse = z.object({ topicId: z.string(), history: z.array(TopicChangeBody) });
