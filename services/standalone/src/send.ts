// The send API's bag in this process: the bus the senders read, and their own preparation of a
// request (template, variables, recipient) so the API refuses what they could not send.
import { EmailSendRequest, SmsSendRequest } from '@sp/contracts';
import { createPreparer, type PreparerOptions, parseWith, type TemplateRegistry } from '@sp/delivery';
import { SENDER_VARIABLES } from '@sp/email-sender';
import type { Bus } from '@sp/messaging';
import type { SendDeps } from '@sp/suppression-api';

export function sendApiDeps(
  bus: Bus,
  keyer: PreparerOptions<EmailSendRequest['data']>['keyer'],
  templates: { email: TemplateRegistry; sms: TemplateRegistry },
): SendDeps {
  const common = { keyer, defaultRegion: 'US' };
  return {
    bus,
    preflight: {
      email: createPreparer({
        ...common,
        channel: 'email',
        parse: parseWith(EmailSendRequest),
        templates: templates.email,
        senderVariables: SENDER_VARIABLES,
      }),
      sms: createPreparer({
        ...common,
        channel: 'sms',
        parse: parseWith(SmsSendRequest),
        templates: templates.sms,
      }),
    },
  };
}
