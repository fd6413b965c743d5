// Composition root of the email sender: the shared sender runtime (databases, Kafka, identity,
// metrics, ops server, SIGTERM) around SES; the transport closes after the bus.
import { runSender } from '@sp/delivery';
import { createSealer } from '@sp/identity';
import { loadConfig } from './config';
import { createEmailSender } from './sender';
import { createSesTransport } from './transport';

const config = loadConfig();
const transport = createSesTransport(config.ses);
await runSender({
  service: 'email-sender',
  config,
  create: (resources) =>
    createEmailSender({
      ...resources,
      sealer: createSealer(config.tokenKeys),
      transport,
      settings: config.settings,
    }),
  close: () => transport.close(),
});
