// `npm start`: the whole platform in one process. Prints where everything listens and how to try it.
import { stopOnSignals } from '@sp/runtime';
import { loadConfig } from './config';
import { startSystem } from './system';

const config = loadConfig();
const system = await startSystem(config);
const { urls, apiToken, mode } = system;
const maintenance = mode.consumers
  ? ''
  : `
MAINTENANCE MODE (CONSUMERS=off): requests are accepted and their events kept in the bus, but
nothing is applied to the list and nothing is sent until a start without CONSUMERS=off.
`;
const banner = `
Suppression platform is running (${mode.database} database in ${config.dataDir}, ${mode.bus === 'kafka' ? 'Kafka' : 'database'} bus).
${maintenance}
  public edge        ${urls.edge}      (unsubscribe pages, one-click, Twilio webhook, Do-Not-Sell)
  internal API       ${urls.api}      (token: ${apiToken})
  API reference      ${urls.api}/docs
  abuse@ SMTP        ${urls.smtp}
  SES stand-in       ${urls.ses}      (open it in a browser: the mail the senders delivered)
  Twilio stand-in    ${urls.twilio}

Try it:
  # opt an address out: get the one-click link a newsletter would carry, POST to it like a mail client
  link=$(curl -s -X POST ${urls.api}/v1/unsubscribe-links -H 'authorization: Bearer ${apiToken}' \\
    -H 'content-type: application/json' -d '{"email":"ann@example.com"}' | sed -E 's/.*"url":"([^"]+)".*/\\1/')
  curl -s -X POST "$link" -d 'List-Unsubscribe=One-Click'

  # is it suppressed?
  curl -s -X POST ${urls.api}/v1/check -H 'authorization: Bearer ${apiToken}' \\
    -H 'content-type: application/json' -d '{"email":"ann@example.com","channel":"email","kind":"marketing"}'

  # send ann the newsletter through the platform: the sender asks the list first, so it is not delivered
  curl -s -X POST ${urls.api}/v1/messages/email -H 'authorization: Bearer ${apiToken}' \
    -H 'content-type: application/json' -d '{"messageId":"quickstart-1","to":"ann@example.com",
    "templateId":"newsletter-weekly","variables":{"firstName":"Ann","headline":"Ink deals","body":"30% off"}}'
  # what became of it (a second later): "suppressed", with the reason
  curl -s ${urls.api}/v1/messages/quickstart-1 -H 'authorization: Bearer ${apiToken}'

  # the CLI (pnpm suppress --help) against this API
  export SUPPRESS_API_URL=${urls.api}
  export SUPPRESS_API_TOKEN=${apiToken}
  pnpm suppress topic list        (the topics sends and links may name; a first start made three)

Ctrl-C stops it; the list is kept in ${config.dataDir}.
`;
process.stdout.write(banner);
system.logger.info({ urls: { edge: urls.edge, api: urls.api } }, 'standalone ready');
stopOnSignals(system.logger, system.stop);
