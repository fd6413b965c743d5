// A real email sender for one test file: its own database, its own topics on the real broker,
// the SES v2 emulator over HTTP, and a reader of the outcome topic.
import { randomBytes } from 'node:crypto';
import { type EmailSendRequest, newEnvelope, Topics } from '@sp/contracts';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createPayloadBox, loadTemplates } from '@sp/delivery';
import { collect, senderRequests } from '@sp/delivery/test-support';
import { createKeyer, createSealer } from '@sp/identity';
import { startTestChangelog, type TestChangelog } from '@sp/list-view/test-support';
import { type Bus, type ConsumerHandle, createKafkaBus, dlqTopicOf } from '@sp/messaging';
import { createMetrics, silentLogger } from '@sp/observability';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { type SesEmulator, startSesEmulator } from '@sp/provider-doubles';
import { apply, type ListEvent, type SuppressionContext } from '@sp/suppression';
import { type ConsumedMessage, createTopic, freshDatabase, testInfra, uniqueName } from '@sp/testing';
import { createEmailSender, createSesTransport, type EmailSender, TEMPLATES_DIR } from '../src/index';

export const PEPPERS = { p1: 'pepper-email-sender-0123456789abcdef0123' };

let n = 0;
export const uniqueEmail = (tag = 'c') =>
  `${tag}.${Date.now().toString(36)}.${n++}.${randomBytes(3).toString('hex')}@Example.com`;

export interface Outcome {
  id: string;
  data: {
    messageId: string;
    status: string;
    reasons: { eventId: string; reason: string; channel: string; purpose: string }[];
    providerMessageId?: string;
    error?: string;
    unchecked?: boolean;
    category: string;
    subjectKey: string;
  };
}

export interface Harness {
  brokers: string;
  /** The harness's database (list and delivery_log), for an API over the same data. */
  databaseUrl: string;
  bus: Bus;
  ses: SesEmulator;
  list: SuppressionContext;
  listDb: DbHandle;
  logDb: DbHandle;
  sender: EmailSender;
  topics: { sendRequest: string; outcome: string };
  outcomes: { messages: ConsumedMessage[] };
  dlq: { messages: ConsumedMessage[] };
  sealer: ReturnType<typeof createSealer>;
  /** The sealer's key ring as TOKEN_KEYS spells it (the edge opens what the sender seals). */
  tokenKeys: string;
  /** Puts list entries in place (test setup only; the sender under test goes through Kafka). */
  applyEvents(events: ListEvent[]): Promise<void>;
  request(
    to: string,
    templateId: string,
    variables: Record<string, string | number | boolean | null>,
    extra?: Record<string, unknown>,
  ): EmailSendRequest;
  send(requests: unknown[]): Promise<void>;
  outcome(messageId: string, status?: string): Outcome | undefined;
  /** With `listView`: the changelog and the view the sender's gate asks. */
  changelog?: TestChangelog;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Point the sender's list database through a TCP proxy (outage tests). */
  listUrl?: (url: string) => string;
  /** delivery_log in a database of its own (reachable while the list is not). */
  separateLogDb?: boolean;
  pollIntervalMs?: number;
  leaseMs?: number;
  /** The gate asks a local view of the list (freshness bound in ms) instead of the database. */
  listView?: { maxLagMs: number };
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const brokers = testInfra().kafkaBrokers;
  const fresh = await freshDatabase('sp_email');
  const setupDb = await createDb({ url: fresh.url, max: 4 });
  await migrateDb(setupDb);
  const senderListDb = opts.listUrl
    ? await createDb({ url: opts.listUrl(fresh.url), max: 4, connectTimeoutSeconds: 2 })
    : setupDb;
  const logFresh = opts.separateLogDb ? await freshDatabase('sp_email_log') : undefined;
  const logDb = logFresh ? await createDb({ url: logFresh.url, max: 4 }) : senderListDb;
  if (logFresh) await migrateDb(logDb);
  const keyer = createKeyer({ peppers: PEPPERS, currentKeyId: 'p1' });
  const tokenSecret = randomBytes(32).toString('base64url');
  const sealer = createSealer({ keys: { t1: tokenSecret }, currentKeyId: 't1' });
  const ses = await startSesEmulator();
  const topics = {
    sendRequest: await createTopic(brokers, 'email-send-request'),
    outcome: await createTopic(brokers, 'delivery-outcome'),
  };
  await createTopic(brokers, '', { name: dlqTopicOf(topics.sendRequest) });
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('email-sender') });
  const transport = createSesTransport({
    region: 'us-east-1',
    endpoint: ses.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    configurationSet: 'marketing',
  });
  const list: SuppressionContext = { db: senderListDb.db, keyer, defaultRegion: 'US' };
  const setupCtx: SuppressionContext = { db: setupDb.db, keyer, defaultRegion: 'US' };
  const changelog = opts.listView
    ? await startTestChangelog({ brokers, bus, ctx: setupCtx, maxLagMs: opts.listView.maxLagMs })
    : undefined;
  const sender = createEmailSender({
    bus,
    log: logDb.db,
    list,
    ...(changelog ? { checker: changelog.running.view } : {}),
    keyer,
    sealer,
    transport,
    templates: loadTemplates([TEMPLATES_DIR]),
    box: createPayloadBox({ keys: { k1: 'payload-key-for-tests-0123456789' }, currentKeyId: 'k1' }),
    settings: {
      groupId: uniqueName('email-sender'),
      topics,
      defaultRegion: 'US',
      from: 'InkShop <news@inkshop.example>',
      publicBaseUrl: 'https://inkshop.example',
      unsubscribeDomain: 'unsub.inkshop.example',
      postalAddress: 'InkShop Inc., 100 Main St, Springfield, IL 62701, USA',
      pollIntervalMs: opts.pollIntervalMs ?? 200,
      leaseMs: opts.leaseMs ?? 1_000,
      backoff: { baseMs: 200, maxMs: 1_000, maxAttempts: 5 },
      checkTimeoutMs: 2_000,
      claimTimeoutMs: 3_000,
    },
    probe: () => logDb.ping(),
  });
  await sender.start();
  const outcomes = await collect<Outcome>(brokers, topics.outcome);
  const dlq = await collect(brokers, dlqTopicOf(topics.sendRequest));
  return {
    brokers,
    databaseUrl: fresh.url,
    bus,
    ses,
    list: setupCtx,
    listDb: setupDb,
    logDb,
    sender,
    topics,
    outcomes,
    dlq,
    sealer,
    ...(changelog ? { changelog } : {}),
    tokenKeys: `t1:${tokenSecret}`,
    applyEvents: async (events) => void (await apply(setupCtx, events)),
    ...senderRequests({
      bus,
      topic: topics.sendRequest,
      outcomes,
      envelope: (data) =>
        newEnvelope(
          'email.send-request.v1',
          'campaign-tool',
          data as EmailSendRequest['data'],
        ) as EmailSendRequest,
    }),
    close: async () => {
      await sender.stop();
      await changelog?.close();
      await outcomes.stop();
      await dlq.stop();
      await bus.close();
      transport.close();
      await ses.close();
      if (logDb !== senderListDb) await logDb.close();
      if (senderListDb !== setupDb) await senderListDb.close();
      await setupDb.close();
      await fresh.drop();
      await logFresh?.drop();
    },
  };
}

/** List events for setup, shaped like the list's topics. */
export const listEvent = {
  optOut: (email: string, extra: Record<string, unknown> = {}) =>
    newEnvelope('consent.email-optout.v1', 'test', {
      email,
      method: 'link',
      ...extra,
    }) as unknown as ListEvent,
  bounce: (email: string) =>
    newEnvelope('email.bounce.v1', 'test', { email, bounceType: 'Permanent' }) as unknown as ListEvent,
};

/** The real optout-consumer on `optOutTopic`, writing this harness's list and asking its sender. */
export function startOptoutConsumerOn(
  h: Harness,
  optOutTopic: string,
  group: string,
): Promise<ConsumerHandle> {
  return startOptoutConsumer(
    {
      bus: h.bus,
      db: h.listDb,
      logger: silentLogger(),
      metrics: createMetrics('optout-consumer-test', { defaultMetrics: false }),
      list: h.list,
      topicName: (t) =>
        t === Topics.emailOptOut ? optOutTopic : t === Topics.emailSendRequest ? h.topics.sendRequest : t,
    },
    { groupId: uniqueName(group) },
  );
}
