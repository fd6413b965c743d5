// The send API end to end for one test file: the API (with its bus to the senders) and the real
// email and SMS senders on their own topics of the real broker, one fresh PostgreSQL database for
// the list and the delivery log, the SES v2 emulator and the Twilio double over HTTP.
import { randomBytes } from 'node:crypto';
import { EmailSendRequest, SmsSendRequest } from '@sp/contracts';
import { createDb, migrateDb } from '@sp/db';
import {
  createPayloadBox,
  createPreparer,
  DEFAULT_QUIET_HOURS,
  loadTemplates,
  parseWith,
} from '@sp/delivery';
import {
  createEmailSender,
  createSesTransport,
  TEMPLATES_DIR as EMAIL_TEMPLATES,
  SENDER_VARIABLES,
} from '@sp/email-sender';
import { createKeyer, createSealer } from '@sp/identity';
import { createKafkaBus, dlqTopicOf } from '@sp/messaging';
import {
  type SesEmulator,
  startSesEmulator,
  startTwilioDouble,
  type TwilioDouble,
} from '@sp/provider-doubles';
import { createSmsSender, createTwilioTransport, TEMPLATES_DIR as SMS_TEMPLATES } from '@sp/sms-sender';
import { createTopic, freshDatabase, testInfra, uniqueName } from '@sp/testing';
import { startTestApi, type TestApi } from './harness';

export const OUR_NUMBER = '+14155550100';

export interface SendHarness {
  api: TestApi;
  ses: SesEmulator;
  twilio: TwilioDouble;
  topics: { email: string; sms: string; outcome: string; smsInbound: string };
  close(): Promise<void>;
}

export async function startSendHarness(): Promise<SendHarness> {
  const brokers = testInfra().kafkaBrokers;
  const fresh = await freshDatabase('sp_send');
  const db = await createDb({ url: fresh.url, max: 4 });
  await migrateDb(db);
  const pepper = randomBytes(24).toString('base64url');
  const keyer = createKeyer({ peppers: { p1: pepper }, currentKeyId: 'p1' });
  const topics = {
    email: await createTopic(brokers, 'api-email-send'),
    sms: await createTopic(brokers, 'api-sms-send'),
    outcome: await createTopic(brokers, 'api-outcome'),
    smsInbound: await createTopic(brokers, 'api-sms-inbound'),
  };
  await createTopic(brokers, '', { name: dlqTopicOf(topics.email) });
  await createTopic(brokers, '', { name: dlqTopicOf(topics.sms) });
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('send-api') });
  const ses = await startSesEmulator();
  const twilio = await startTwilioDouble();
  const list = { db: db.db, keyer, defaultRegion: 'US' };
  const emailTemplates = loadTemplates([EMAIL_TEMPLATES]);
  const smsTemplates = loadTemplates([SMS_TEMPLATES]);
  const box = createPayloadBox({ keys: { k1: 'payload-key-for-send-api-tests-01' }, currentKeyId: 'k1' });
  const tuning = {
    defaultRegion: 'US',
    pollIntervalMs: 200,
    leaseMs: 1_000,
    backoff: { baseMs: 200, maxMs: 1_000, maxAttempts: 5 },
  };
  const transport = createSesTransport({
    region: 'us-east-1',
    endpoint: ses.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const emailSender = createEmailSender({
    bus,
    log: db.db,
    list,
    keyer,
    sealer: createSealer({ keys: { t1: randomBytes(32).toString('base64url') }, currentKeyId: 't1' }),
    transport,
    templates: emailTemplates,
    box,
    settings: {
      ...tuning,
      groupId: uniqueName('api-email-sender'),
      topics: { sendRequest: topics.email, outcome: topics.outcome },
      from: 'InkShop <news@inkshop.example>',
      publicBaseUrl: 'https://inkshop.example',
      unsubscribeDomain: 'unsub.inkshop.example',
      postalAddress: 'InkShop Inc., 100 Main St, Springfield, IL 62701, USA',
    },
    probe: () => db.ping(),
  });
  const smsSender = createSmsSender({
    bus,
    log: db.db,
    list,
    keyer,
    transport: createTwilioTransport({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      apiBaseUrl: twilio.url,
      from: OUR_NUMBER,
    }),
    templates: smsTemplates,
    box,
    settings: {
      ...tuning,
      groupId: uniqueName('api-sms-sender'),
      topics: { sendRequest: topics.sms, outcome: topics.outcome, smsInbound: topics.smsInbound },
      quietHours: DEFAULT_QUIET_HOURS,
      senderId: OUR_NUMBER,
    },
    // Noon in California: marketing texts are inside the R-SMS-6 window.
    clock: () => new Date('2026-06-15T19:00:00Z'),
  });
  await emailSender.start();
  await smsSender.start();
  const api = await startTestApi(
    {},
    {
      databaseUrl: fresh.url,
      subjectPeppers: `p1:${pepper}`,
      send: (ctx) => ({
        bus,
        topics: { email: topics.email, sms: topics.sms },
        preflight: {
          email: createPreparer({
            channel: 'email',
            parse: parseWith(EmailSendRequest),
            templates: emailTemplates,
            keyer: ctx.keyer,
            defaultRegion: 'US',
            senderVariables: SENDER_VARIABLES,
          }),
          sms: createPreparer({
            channel: 'sms',
            parse: parseWith(SmsSendRequest),
            templates: smsTemplates,
            keyer: ctx.keyer,
            defaultRegion: 'US',
          }),
        },
      }),
    },
  );
  return {
    api,
    ses,
    twilio,
    topics,
    close: async () => {
      await api.close();
      await emailSender.stop();
      await smsSender.stop();
      transport.close();
      await bus.close();
      await ses.close();
      await twilio.close();
      await db.close();
      await fresh.drop();
    },
  };
}
