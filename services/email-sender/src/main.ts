// Composition root of the email sender: the shared sender runtime on the service kit (databases,
// Kafka, identity, metrics, ops server, ordered stop) around SES; the transport closes after the bus.
import { runSender } from '@sp/delivery';
import { createSealer } from '@sp/identity';
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { createEmailSender } from './sender';
import { createSesTransport } from './transport';

const config = loadConfig();
const transport = createSesTransport(config.ses);
exitOnFailure(
  'email-sender',
  runSender({
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
  }),
);
