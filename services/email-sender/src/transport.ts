// SES v2: one SendEmail per message, simple content with our own headers (List-Unsubscribe & co.),
// the configured from address and configuration set. The endpoint is configurable so production
// and tests (aws-ses-v2-local) run the same code.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { quietAwsSdkNodeNotice } from '@sp/config';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  headers: { name: string; value: string }[];
  /** SES message tags (name/value from [A-Za-z0-9_-]). */
  tags?: { name: string; value: string }[];
}

export interface EmailTransport {
  send(mail: OutgoingMail): Promise<{ providerMessageId: string }>;
  close(): void;
}

export interface SesTransportOptions {
  region: string;
  /** e.g. http://127.0.0.1:8005 for the emulator; unset for AWS itself. */
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  configurationSet?: string | undefined;
}

export function createSesTransport(opts: SesTransportOptions): EmailTransport {
  quietAwsSdkNodeNotice();
  const client = new SESv2Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: 1, // retries are ours: a failed send is deferred with backoff, not retried in a loop here
  });
  return {
    async send(mail) {
      const out = await client.send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: [mail.to] },
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: mail.text, Charset: 'UTF-8' },
                ...(mail.html ? { Html: { Data: mail.html, Charset: 'UTF-8' } } : {}),
              },
              Headers: mail.headers.map((h) => ({ Name: h.name, Value: h.value })),
            },
          },
          ...(opts.configurationSet ? { ConfigurationSetName: opts.configurationSet } : {}),
          ...(mail.tags?.length
            ? { EmailTags: mail.tags.map((t) => ({ Name: t.name, Value: t.value })) }
            : {}),
        }),
      );
      if (!out.MessageId) throw new Error('SES answered without a MessageId');
      return { providerMessageId: out.MessageId };
    },
    close: () => client.destroy(),
  };
}
