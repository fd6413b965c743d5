// `suppress topic …`: the topic registry (issue 13) — list, show (with history), create, update,
// archive and unarchive. One language per call (--lang, default en) keeps names with commas or
// spaces plain flags. Answers are parsed with the API's own schemas (@sp/suppression/topic-schemas).
import {
  type TopicBody,
  type TopicChangeBody,
  TopicHistoryResponse,
  TopicResponse,
  TopicsResponse,
} from '@sp/suppression/topic-schemas';
import type { z } from 'zod';
import type { ApiClient } from './client';

export const TOPIC_USAGE = `  topic list [--all] [--channel email|sms]   (--all: archived topics too)
  topic show ID [--history] | topic history ID
  topic create ID --name TEXT [--description TEXT] [--channels email,sms] [--default opt-out|opt-in]
  topic update ID [--lang L] [--name TEXT] [--description TEXT] [--remove-lang L]
               [--channels email,sms] [--default opt-out|opt-in]
               (--lang es|fr|…: the name and description in that language; default en)
  topic archive ID | topic unarchive ID   [--reason TEXT] [--actor NAME]
           (an archived topic takes no new sends or links; its entries and old links keep working)`;

export const TOPIC_OPTIONS = {
  lang: { type: 'string' },
  default: { type: 'string' },
  all: { type: 'boolean', default: false },
  history: { type: 'boolean', default: false },
  'remove-lang': { type: 'string' },
} as const;

export interface TopicFlags {
  lang?: string | undefined;
  default?: string | undefined;
  all?: boolean | undefined;
  history?: boolean | undefined;
  'remove-lang'?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  channels?: string | undefined;
  channel?: string | undefined;
  reason?: string | undefined;
}

/** A usage mistake: the CLI prints it with the usage and exits 2. */
export class TopicUsage extends Error {}

function parse<T extends z.ZodType>(schema: T, answer: unknown): z.infer<T> {
  const r = schema.safeParse(answer);
  if (!r.success) throw new Error(`unexpected answer from the API: ${r.error.issues[0]?.message ?? ''}`);
  return r.data;
}

const channelsOf = (s: string | undefined) =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function showTopic(t: TopicBody, line: (s: string) => void): void {
  line(
    `${t.id}  ${t.channels.join(',')}  ${t.defaultStatus}${t.archived ? '  [archived]' : ''}  ${t.names.en ?? t.id}`,
  );
}

function showChange(c: TopicChangeBody, line: (s: string) => void): void {
  const who = c.actor ? `${c.by} (${c.actor})` : c.by;
  line(`  v${c.version}  ${c.at}  ${c.action} by ${who}${c.reason ? `: ${c.reason}` : ''}`);
}

export async function topicCommand(
  args: string[],
  flags: TopicFlags,
  actor: string,
  client: ApiClient,
  print: (data: unknown, human: () => void) => void,
  line: (s: string) => void,
): Promise<void> {
  const [sub, target, ...more] = args;
  if (more.length > 0) throw new TopicUsage(`unexpected argument: ${more[0]}`);
  const id = () => {
    if (!target) throw new TopicUsage(`topic ${sub} needs a topic id`);
    return encodeURIComponent(target);
  };
  const lang = flags.lang ?? 'en';
  const who = { actor, ...(flags.reason ? { reason: flags.reason } : {}) };
  switch (sub) {
    case 'list': {
      const q = new URLSearchParams();
      if (flags.all) q.set('includeArchived', 'true');
      if (flags.channel) q.set('channel', flags.channel);
      const r = parse(TopicsResponse, await client.json('GET', `/v1/topics${q.size ? `?${q}` : ''}`));
      print(r, () => {
        if (r.topics.length === 0) line('no topics (create one: suppress topic create ID --name TEXT)');
        for (const t of r.topics) showTopic(t, line);
      });
      return;
    }
    case 'show': {
      const r = parse(
        TopicResponse,
        await client.json('GET', `/v1/topics/${id()}${flags.history ? '?history=true' : ''}`),
      );
      print(r, () => {
        showTopic(r.topic, line);
        for (const [l, name] of Object.entries(r.topic.names)) {
          const d = r.topic.descriptions[l];
          line(`  ${l}: ${name}${d ? ` — ${d}` : ''}`);
        }
        line(`  version ${r.topic.version}, created ${r.topic.createdAt}, updated ${r.topic.updatedAt}`);
        for (const c of r.history ?? []) showChange(c, line);
      });
      return;
    }
    case 'create': {
      id();
      if (!flags.name) throw new TopicUsage('topic create needs --name (the name in English)');
      if (flags.lang && flags.lang !== 'en')
        throw new TopicUsage(
          'topic create takes the English name; add other languages with topic update --lang',
        );
      const body = {
        id: target ?? '',
        names: { en: flags.name },
        ...(flags.description ? { descriptions: { en: flags.description } } : {}),
        ...(flags.channels ? { channels: channelsOf(flags.channels) } : {}),
        ...(flags.default ? { defaultStatus: flags.default } : {}),
        ...who,
      };
      const r = parse(TopicResponse, await client.json('POST', '/v1/topics', body));
      print(r, () => showTopic(r.topic, line));
      return;
    }
    case 'update': {
      const remove = flags['remove-lang'];
      const body = {
        ...(flags.name || remove
          ? {
              names: { ...(remove ? { [remove]: null } : {}), ...(flags.name ? { [lang]: flags.name } : {}) },
            }
          : {}),
        ...(flags.description || remove
          ? {
              descriptions: {
                ...(remove ? { [remove]: null } : {}),
                ...(flags.description ? { [lang]: flags.description } : {}),
              },
            }
          : {}),
        ...(flags.channels ? { channels: channelsOf(flags.channels) } : {}),
        ...(flags.default ? { defaultStatus: flags.default } : {}),
      };
      if (Object.keys(body).length === 0)
        throw new TopicUsage('topic update needs something to change (--name, --description, --channels, …)');
      const r = parse(TopicResponse, await client.json('PATCH', `/v1/topics/${id()}`, { ...body, ...who }));
      print(r, () => showTopic(r.topic, line));
      return;
    }
    case 'archive':
    case 'unarchive': {
      const r = parse(TopicResponse, await client.json('POST', `/v1/topics/${id()}/${sub}`, who));
      print(r, () => showTopic(r.topic, line));
      return;
    }
    case 'history': {
      const r = parse(TopicHistoryResponse, await client.json('GET', `/v1/topics/${id()}/history`));
      print(r, () => {
        for (const c of r.history) showChange(c, line);
      });
      return;
    }
    default:
      throw new TopicUsage(
        sub ? `unknown topic command: ${sub}` : 'topic needs list, show, create, update or archive',
      );
  }
}
