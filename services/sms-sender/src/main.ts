// Composition root of the SMS sender: the shared sender runtime on the service kit (databases,
// Kafka, identity, metrics, ops server, ordered stop) around Twilio.
import { runSender } from '@sp/delivery';
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { createSmsSender } from './sender';
import { createTwilioTransport } from './transport';

const config = loadConfig();
exitOnFailure(
  'sms-sender',
  runSender({
    service: 'sms-sender',
    config,
    create: (resources) =>
      createSmsSender({
        ...resources,
        transport: createTwilioTransport(config.twilio),
        settings: config.settings,
      }),
  }),
);
