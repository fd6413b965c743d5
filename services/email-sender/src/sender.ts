// createEmailSender: the email sender as a unit the composition roots (main.ts, standalone) run on
// any bus and database. Consumes email.send-request.v1, polls due deferrals, stops cleanly.
import { EmailSendRequest, type EmailSendRequestData, Topics } from '@sp/contracts';
import {
  type ChannelPort,
  classifySesError,
  createPreparer,
  createSender,
  parseWith,
  type Sender,
  type SenderDeps,
  type SenderSettings,
  type TemplateRegistry,
} from '@sp/delivery';
import type { Keyer } from '@sp/suppression';
import { type ComposeSettings, composeEmail, SENDER_VARIABLES, type Sealer } from './compose';
import type { EmailTransport } from './transport';

export const SOURCE = 'email-sender';

export interface EmailSenderSettings extends SenderSettings, ComposeSettings {}

export interface EmailSenderDeps extends SenderDeps {
  keyer: Keyer;
  sealer: Sealer;
  transport: EmailTransport;
  templates: TemplateRegistry;
  settings: EmailSenderSettings;
}

export type EmailSender = Sender;

export function emailPort(deps: EmailSenderDeps): ChannelPort<EmailSendRequestData> {
  return {
    channel: 'email',
    source: SOURCE,
    prepare: createPreparer<EmailSendRequestData>({
      channel: 'email',
      parse: parseWith(EmailSendRequest),
      templates: deps.templates,
      keyer: deps.keyer,
      defaultRegion: deps.settings.defaultRegion,
      senderVariables: SENDER_VARIABLES,
    }),
    send: (p) => deps.transport.send(composeEmail(p, deps.sealer, deps.settings)),
    classify: classifySesError,
  };
}

export function createEmailSender(deps: EmailSenderDeps): EmailSender {
  return createSender(deps, emailPort(deps));
}

export const DEFAULT_TOPICS = { sendRequest: Topics.emailSendRequest, outcome: Topics.deliveryOutcome };
