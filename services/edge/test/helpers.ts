// Starts a real edge (HTTP on loopback, real Kafka bus) on topics of its own.
import { Topics } from '@sp/contracts';
import { createKeyer, createSealer, generateSecret } from '@sp/identity';
import { type ConsumerHandle, createKafkaBus } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import type { Resources } from '@sp/runtime';
import { startServiceUnderTest, TEST_PEPPER } from '@sp/runtime/testing';
import {
  createTopic,
  freshDatabase,
  readEvents,
  type TestEnvelope,
  testInfra,
  topicOffsets,
  uniqueName,
  withAdmin,
} from '@sp/testing';
import { buildEdge } from '../src/app';
import { loadConfig } from '../src/config';
import type { EdgeDeps } from '../src/deps';

export interface TestEdge {
  url: string;
  topics: { emailOptOut: string; smsInbound: string; doNotSell: string; complaint: string; bounce: string };
  sealer: ReturnType<typeof createSealer>;
  keyer: ReturnType<typeof createKeyer>;
  twilioAuthToken: string;
  dnsApiToken: string;
  brokers: string;
  close(): Promise<void>;
}

/**
 * An edge on topics of its own, or on the topics of a consumer service under test (`topicPrefix`)
 * so that what the edge accepts reaches the real list.
 */
export async function startEdge(
  env: Record<string, string> = {},
  extra: Pick<EdgeDeps, 'fetchCertificate' | 'httpGet'> = {},
  topicPrefix?: string,
): Promise<TestEdge> {
  const brokers = testInfra().kafkaBrokers;
  // The edge names its topics from the catalog behind TOPIC_PREFIX (issue 17).
  const prefix = topicPrefix ?? (await ownTopics(brokers));
  const topics = {
    emailOptOut: `${prefix}${Topics.emailOptOut}`,
    smsInbound: `${prefix}${Topics.smsInbound}`,
    doNotSell: `${prefix}${Topics.doNotSell}`,
    complaint: `${prefix}${Topics.complaint}`,
    bounce: `${prefix}${Topics.bounce}`,
  };
  const tokenKeys = `k1:${generateSecret()}`;
  const peppers = `p1:${generateSecret()}`;
  const twilioAuthToken = generateSecret();
  const dnsApiToken = generateSecret();
  const config = loadConfig({
    KAFKA_BROKERS: brokers,
    TOKEN_KEYS: tokenKeys,
    SUBJECT_PEPPERS: peppers,
    TWILIO_AUTH_TOKEN: twilioAuthToken,
    DNS_API_TOKEN: dnsApiToken,
    BRAND_NAME: 'Ink Corner',
    SUPPORT_EMAIL: 'support@ink.example',
    // Generous limits: the tests of the limits set their own.
    PAGE_RATE_LIMIT_MAX: '100000',
    FAILED_AUTH_RATE_LIMIT_MAX: '100000',
    FORM_RATE_LIMIT_MAX: '100000',
    TOPIC_PREFIX: prefix,
    ...env,
  });
  const sealer = createSealer(config.tokenKeys);
  const keyer = createKeyer({
    peppers: config.subjectPeppers.keys,
    currentKeyId: config.subjectPeppers.currentKeyId,
  });
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: 'edge-test' });
  const app = buildEdge({ bus, sealer, keyer, config, logger: silentLogger(), ...extra });
  // A given PORT is kept (a test whose PUBLIC_BASE_URL must name the edge picks it in advance).
  const address = await app.listen({ port: env.PORT ? config.port : 0, host: '127.0.0.1' });
  return {
    url: address,
    topics,
    sealer,
    keyer,
    twilioAuthToken,
    dnsApiToken,
    brokers,
    close: async () => {
      await app.close();
      await bus.close();
    },
  };
}

/** A fresh prefix with the edge's five topics made under it. */
async function ownTopics(brokers: string): Promise<string> {
  const prefix = `${uniqueName('edge')}.`;
  await Promise.all(
    [Topics.emailOptOut, Topics.smsInbound, Topics.doNotSell, Topics.complaint, Topics.bounce].map((t) =>
      createTopic(brokers, '', { name: `${prefix}${t}` }),
    ),
  );
  return prefix;
}

export interface EdgeOnList {
  edge: TestEdge;
  /** Prefix of the consumers' topics on the broker (`${prefix}${Topics.x}`). */
  prefix: string;
  /** The real list the consumers write (check / checkMany read it). */
  list: Resources['list'];
  close(): Promise<void>;
}

/** The real consumers of `start` on a database of their own, fed by a real edge. */
export async function startEdgeOnList(
  service: string,
  start: (res: Resources) => Promise<ConsumerHandle | ConsumerHandle[]>,
  env: Record<string, string> = {},
  extra: Pick<EdgeDeps, 'fetchCertificate' | 'httpGet'> = {},
): Promise<EdgeOnList> {
  const svc = await startServiceUnderTest({
    service,
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_edge'),
    start,
  });
  const peppers = `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys[TEST_PEPPER.currentKeyId as 't1']}`;
  const edge = await startEdge({ SUBJECT_PEPPERS: peppers, ...env }, extra, svc.prefix);
  return {
    edge,
    prefix: svc.prefix,
    list: svc.res.list,
    close: async () => {
      await edge.close();
      await svc.close();
    },
  };
}

/** How many messages a topic holds (every partition's high watermark). */
export async function messageCount(edge: TestEdge, topic: string): Promise<number> {
  const offsets = await withAdmin(edge.brokers, (admin) => topicOffsets(admin, topic));
  return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}

export type Envelope<T = Record<string, unknown>> = TestEnvelope<T>;

/** Reads `count` events of a topic (fails the test when fewer arrive). */
export function events<T = Record<string, unknown>>(
  edge: TestEdge,
  topic: string,
  count: number,
): Promise<{ key: string | null; event: Envelope<T> }[]> {
  return readEvents<T>(edge.brokers, topic, count);
}

export function uniqueEmail(tag: string): string {
  return `${tag}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Runs `fn` over `items` with at most `width` calls in flight (a client that sends in bulk). */
export async function inPool<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** How many messages of `topic` the consumer group `groupId` has committed. */
export async function committedCount(edge: TestEdge, groupId: string, topic: string): Promise<number> {
  const [offsets] = await withAdmin(edge.brokers, (admin) =>
    admin.fetchOffsets({ groupId, topics: [topic] }),
  );
  return (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

/** How many messages each of the edge's topics holds. */
export async function published(edge: TestEdge): Promise<Record<keyof TestEdge['topics'], number>> {
  const entries = await Promise.all(
    Object.entries(edge.topics).map(
      async ([name, topic]) => [name, await messageCount(edge, topic)] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<keyof TestEdge['topics'], number>;
}
