// The abuse-inbox with what comes after it: a real inbox publishing to the topics of real
// complaint and opt-out consumers, which write the list in a database of the test's own. For
// tests that follow a mail all the way to check().
import { startComplaintConsumer } from '@sp/complaint-consumer';
import { Topics } from '@sp/contracts';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { check } from '@sp/suppression';
import { freshDatabase, testInfra, topicOffsets, uniqueName, waitFor, withAdmin } from '@sp/testing';
import { startInbox, type TestInbox } from './helpers';

export type FeedTopic = 'complaint' | 'bounce' | 'optout';

export interface Pipeline {
  inbox: TestInbox;
  svc: ServiceUnderTest;
  topicOf(t: FeedTopic): string;
  /** Messages on a topic now (sum of the partitions' high watermarks). */
  published(t: FeedTopic): Promise<number>;
  /** Resolves once both consumers have committed everything published (commit-after-write). */
  caughtUp(): Promise<void>;
  /** Messages the consumers sent to a dead-letter topic. */
  deadLettered(): Promise<number>;
  /** Which email checks the list blocks for an address now. */
  blocked(
    email: string,
    topic?: string,
  ): Promise<{ marketing: boolean; transactional: boolean; topic?: boolean }>;
  close(): Promise<void>;
}

/** Names the step that failed: kafkajs errors carry no stack of the caller. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new Error(`startPipeline: ${what}: ${(err as Error).message}`, { cause: err });
  }
}

export async function startPipeline(
  service: string,
  inboxEnv: Record<string, string> = {},
  inboxOpts: Parameters<typeof startInbox>[1] = {},
): Promise<Pipeline> {
  const brokers = testInfra().kafkaBrokers;
  const groups = { complaint: uniqueName(`${service}-complaint`), optout: uniqueName(`${service}-optout`) };
  const database = await step('database', () => freshDatabase(`sp_${service.replace(/-/g, '_')}`));
  const svc = await step('consumers', () =>
    startServiceUnderTest({
      service,
      brokers,
      database,
      start: async (r) => [
        await startComplaintConsumer(r, { groupId: groups.complaint }),
        await startOptoutConsumer(r, { groupId: groups.optout }),
      ],
    }),
  );
  const inbox = await step('inbox', () =>
    startInbox(
      {
        TOPIC_EMAIL_OPTOUT: `${svc.prefix}${Topics.emailOptOut}`,
        TOPIC_COMPLAINT: `${svc.prefix}${Topics.complaint}`,
        TOPIC_BOUNCE: `${svc.prefix}${Topics.bounce}`,
        ...inboxEnv,
      },
      inboxOpts,
    ),
  );
  const topicOf = (t: FeedTopic) =>
    t === 'complaint'
      ? inbox.config.topics.complaint
      : t === 'bounce'
        ? inbox.config.topics.bounce
        : inbox.config.topics.emailOptOut;
  const consumedAll = (groupId: string, topic: string) =>
    withAdmin(brokers, async (admin) => {
      const high = await topicOffsets(admin, topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return high.every((p) => {
        const c = committed?.partitions.find((x) => x.partition === p.partition);
        return Number(p.high) === 0 || (c !== undefined && Number(c.offset) >= Number(p.high));
      });
    });
  const emailCheck = (email: string, kind: 'marketing' | 'transactional', topic?: string) =>
    check(svc.res.list, {
      subject: { type: 'email', value: email },
      channel: 'email',
      kind,
      ...(topic ? { topic } : {}),
    });
  return {
    inbox,
    svc,
    topicOf,
    published: (t) =>
      withAdmin(brokers, async (admin) =>
        (await topicOffsets(admin, topicOf(t))).reduce((n, p) => n + Number(p.high), 0),
      ),
    async caughtUp() {
      await waitFor(
        'consumers caught up',
        async () =>
          (await consumedAll(groups.complaint, topicOf('complaint'))) &&
          (await consumedAll(groups.complaint, topicOf('bounce'))) &&
          consumedAll(groups.optout, topicOf('optout')),
      );
    },
    async deadLettered() {
      const text = await svc.res.metrics.registry.metrics();
      return [...text.matchAll(/^sp_messages_dead_lettered_total\{[^}]*\} (\d+)/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
    },
    async blocked(email, topic) {
      const [m, t, tp] = await Promise.all([
        emailCheck(email, 'marketing'),
        emailCheck(email, 'transactional'),
        topic ? emailCheck(email, 'marketing', topic) : undefined,
      ]);
      return { marketing: !m.allowed, transactional: !t.allowed, ...(tp ? { topic: !tp.allowed } : {}) };
    },
    async close() {
      await inbox.close();
      await svc.close();
    },
  };
}
