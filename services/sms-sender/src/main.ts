// Composition root of the SMS sender: the shared sender runtime (databases, Kafka, identity,
// metrics, ops server, SIGTERM) around Twilio.
import { runSender } from '@sp/delivery';
import { loadConfig } from './config';
import { createSmsSender } from './sender';
import { createTwilioTransport } from './transport';

const config = loadConfig();
await runSender({
  service: 'sms-sender',
  config,
  create: (resources) =>
    createSmsSender({
      ...resources,
      transport: createTwilioTransport(config.twilio),
      settings: config.settings,
    }),
});
