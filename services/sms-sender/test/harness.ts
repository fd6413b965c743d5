// A real SMS sender for one test file: its own database and topics on the real broker, the
// Twilio double over HTTP (the SDK aimed at it through TWILIO_API_BASE_URL), a settable clock.
import { newEnvelope, type SmsSendRequest, Topics } from '@sp/contracts';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createPayloadBox, DEFAULT_QUIET_HOURS, loadTemplates } from '@sp/delivery';
import { type Collected, collect, type Parsed, senderRequests } from '@sp/delivery/test-support';
import { createKeyer } from '@sp/identity';
import { type Bus, type ConsumerHandle, createKafkaBus, dlqTopicOf } from '@sp/messaging';
import { createMetrics, silentLogger } from '@sp/observability';
import { startTwilioDouble, type TwilioDouble } from '@sp/provider-doubles';
import { startSmsStopConsumer } from '@sp/sms-stop-consumer';
import { apply, type ListEvent, type SmsIntent, type SuppressionContext } from '@sp/suppression';
import { createTopic, freshDatabase, testInfra, uniqueName } from '@sp/testing';
import { createSmsSender, createTwilioTransport, type SmsSender, TEMPLATES_DIR } from '../src/index';

export const PEPPERS = { p1: 'pepper-sms-sender-0123456789abcdef012345' };
export const OUR_NUMBER = '+14155550100';

/** A unique San Francisco number per call (Pacific time). */
export const uniquePhone = () =>
  `+1415${String(2000000 + Math.floor(Math.random() * 7999999)).padStart(7, '0')}`;

export interface SmsHarness {
  double: TwilioDouble;
  db: DbHandle;
  bus: Bus;
  list: SuppressionContext;
  sender: SmsSender;
  topics: { sendRequest: string; outcome: string; smsInbound: string };
  /** The prefix of smsInbound (`${inboundPrefix}${Topics.smsInbound}`), for an edge publishing to it. */
  inboundPrefix: string;
  /** The sender's clock (starts at noon in San Francisco). */
  clock: { now: Date };
  inbound: Collected;
  applyEvents(events: ListEvent[]): Promise<void>;
  request(
    to: string,
    templateId: string,
    variables?: Record<string, string>,
    extra?: Record<string, unknown>,
  ): SmsSendRequest;
  send(requests: unknown[]): Promise<void>;
  outcome(messageId: string, status?: string): Parsed | undefined;
  sentTo(to: string): string[];
  close(): Promise<void>;
}

export interface SmsHarnessOptions {
  /** The sender reaches its database (list and delivery log) at this URL instead (outage tests). */
  senderDbUrl?: (url: string) => string;
}

export async function startSmsHarness(opts: SmsHarnessOptions = {}): Promise<SmsHarness> {
  const brokers = testInfra().kafkaBrokers;
  const fresh = await freshDatabase('sp_sms');
  const db = await createDb({ url: fresh.url, max: 4 });
  await migrateDb(db);
  const senderDb = opts.senderDbUrl
    ? await createDb({ url: opts.senderDbUrl(fresh.url), max: 4, connectTimeoutSeconds: 2 })
    : db;
  const keyer = createKeyer({ peppers: PEPPERS, currentKeyId: 'p1' });
  const double = await startTwilioDouble();
  const inboundPrefix = `${uniqueName('sms-harness')}.`;
  const topics = {
    sendRequest: await createTopic(brokers, 'sms-send-request'),
    outcome: await createTopic(brokers, 'delivery-outcome'),
    smsInbound: await createTopic(brokers, '', { name: `${inboundPrefix}${Topics.smsInbound}` }),
  };
  await createTopic(brokers, '', { name: dlqTopicOf(topics.sendRequest) });
  await createTopic(brokers, '', { name: dlqTopicOf(topics.smsInbound) });
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('sms-sender') });
  const clock = { now: new Date('2026-06-15T19:00:00Z') }; // 12:00 PDT
  const list: SuppressionContext = { db: db.db, keyer, defaultRegion: 'US' };
  const sender = createSmsSender({
    bus,
    log: senderDb.db,
    list: senderDb === db ? list : { ...list, db: senderDb.db },
    keyer,
    transport: createTwilioTransport({
      accountSid: double.accountSid,
      authToken: double.authToken,
      apiBaseUrl: double.url,
      from: OUR_NUMBER,
    }),
    templates: loadTemplates([TEMPLATES_DIR]),
    box: createPayloadBox({ keys: { k1: 'payload-key-for-sms-tests-012345' }, currentKeyId: 'k1' }),
    settings: {
      groupId: uniqueName('sms-sender'),
      topics,
      defaultRegion: 'US',
      quietHours: DEFAULT_QUIET_HOURS,
      senderId: OUR_NUMBER,
      pollIntervalMs: 200,
      leaseMs: 1_000,
      backoff: { baseMs: 200, maxMs: 1_000, maxAttempts: 5 },
    },
    clock: () => clock.now,
  });
  await sender.start();
  const outcomes = await collect(brokers, topics.outcome);
  const inbound = await collect(brokers, topics.smsInbound);
  return {
    inboundPrefix,
    double,
    db,
    bus,
    list,
    sender,
    topics,
    clock,
    inbound,
    applyEvents: async (events) => void (await apply(list, events)),
    ...senderRequests({
      bus,
      topic: topics.sendRequest,
      outcomes,
      envelope: (data) =>
        newEnvelope('sms.send-request.v1', 'campaign-tool', data as SmsSendRequest['data']) as SmsSendRequest,
    }),
    sentTo: (to) => double.messages.filter((m) => m.to === to).map((m) => m.body),
    close: async () => {
      await sender.stop();
      await outcomes.stop();
      await inbound.stop();
      await bus.close();
      await double.close();
      if (senderDb !== db) await senderDb.close();
      await db.close();
      await fresh.drop();
    },
  };
}

/** An inbound SMS as the sms-stop-consumer would hand it to the list (test setup only). */
export function smsIntent(from: string, intent: SmsIntent, occurredAt: string): ListEvent {
  const body = intent === 'opt-out' ? 'STOP' : intent === 'opt-in' ? 'START' : 'HELP';
  return {
    ...newEnvelope('consent.sms-inbound.v1', 'test', { from, to: OUR_NUMBER, body }, { occurredAt }),
    intent,
  } as unknown as ListEvent;
}

/** The real sms-stop-consumer on this harness's inbound and send-request topics and its list. */
export function startStopConsumerOn(h: SmsHarness, name: string): Promise<ConsumerHandle> {
  const names: Record<string, string> = {
    [Topics.smsInbound]: h.topics.smsInbound,
    [Topics.smsSendRequest]: h.topics.sendRequest,
  };
  return startSmsStopConsumer(
    {
      bus: h.bus,
      db: h.db,
      logger: silentLogger(),
      metrics: createMetrics(name, { defaultMetrics: false }),
      list: h.list,
      topicName: (t) => names[t] ?? t,
    },
    { groupId: uniqueName('sms-stop-consumer') },
  );
}
