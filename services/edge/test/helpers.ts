// Starts a real edge (HTTP on loopback, real Kafka bus) on topics of its own.
import { createKeyer, createSealer, generateSecret } from '@sp/identity';
import { createKafkaBus } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import { createTopic, readEvents, type TestEnvelope, testInfra, withAdmin } from '@sp/testing';
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

export async function startEdge(
  env: Record<string, string> = {},
  extra: Pick<EdgeDeps, 'fetchCertificate' | 'httpGet'> = {},
  /** Topics that exist already (a pipeline's consumers read them); by default fresh ones. */
  given?: TestEdge['topics'],
): Promise<TestEdge> {
  const brokers = testInfra().kafkaBrokers;
  const topics = given ?? (await freshTopics(brokers));
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
    RATE_LIMIT_MAX: '1000',
    TOPIC_EMAIL_OPTOUT: topics.emailOptOut,
    TOPIC_SMS_INBOUND: topics.smsInbound,
    TOPIC_DO_NOT_SELL: topics.doNotSell,
    TOPIC_COMPLAINT: topics.complaint,
    TOPIC_BOUNCE: topics.bounce,
    ...env,
  });
  const sealer = createSealer(config.tokenKeys);
  const keyer = createKeyer({
    peppers: config.subjectPeppers.keys,
    currentKeyId: config.subjectPeppers.currentKeyId,
  });
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: 'edge-test' });
  const app = buildEdge({ bus, sealer, keyer, config, logger: silentLogger(), ...extra });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
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

async function freshTopics(brokers: string): Promise<TestEdge['topics']> {
  const [emailOptOut, smsInbound, doNotSell, complaint, bounce] = await Promise.all(
    ['optout', 'sms', 'dns', 'complaint', 'bounce'].map((p) => createTopic(brokers, `edge-${p}`)),
  );
  return {
    emailOptOut: emailOptOut!,
    smsInbound: smsInbound!,
    doNotSell: doNotSell!,
    complaint: complaint!,
    bounce: bounce!,
  };
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

/** How many messages each of the edge's topics holds (acked ones: the high-water marks). */
export async function published(edge: TestEdge): Promise<Record<keyof TestEdge['topics'], number>> {
  return withAdmin(edge.brokers, async (admin) => {
    const entries = await Promise.all(
      Object.entries(edge.topics).map(async ([name, topic]) => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return [name, offsets.reduce((n, o) => n + Number(o.high), 0)] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<keyof TestEdge['topics'], number>;
  });
}
