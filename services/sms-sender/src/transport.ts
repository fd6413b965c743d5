// Twilio Messages API through the official SDK. The API base URL is configurable (default
// Twilio's) so production and tests (the local double) run the same code: requests to
// https://api.twilio.com are re-aimed at the configured base.
import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';

export const TWILIO_API = 'https://api.twilio.com';

export interface OutgoingSms {
  to: string;
  body: string;
  /** A sender number; without it the Messaging Service picks one. */
  from?: string | undefined;
}

export interface SmsTransport {
  send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}

export interface TwilioTransportOptions {
  accountSid: string;
  authToken: string;
  apiBaseUrl?: string | undefined;
  messagingServiceSid?: string | undefined;
  from?: string | undefined;
  /** Status callback URL for delivery receipts (optional). */
  statusCallback?: string | undefined;
}

export function createTwilioTransport(opts: TwilioTransportOptions): SmsTransport {
  const base = (opts.apiBaseUrl ?? TWILIO_API).replace(/\/+$/, '');
  class BaseUrlRequestClient extends twilio.RequestClient {
    override request<T>(req: RequestOptions<T>) {
      return super.request<T>({ ...req, uri: req.uri.replace(TWILIO_API, base) });
    }
  }
  const client = twilio(opts.accountSid, opts.authToken, {
    ...(base !== TWILIO_API ? { httpClient: new BaseUrlRequestClient() } : {}),
  });
  return {
    async send(sms) {
      const from = sms.from ?? (opts.messagingServiceSid ? undefined : opts.from);
      const msg = await client.messages.create({
        to: sms.to,
        body: sms.body,
        ...(from ? { from } : { messagingServiceSid: opts.messagingServiceSid! }),
        ...(opts.statusCallback ? { statusCallback: opts.statusCallback } : {}),
      });
      return { providerMessageId: msg.sid };
    },
  };
}
