// The doubles speak the providers' wire formats: the real SDKs talk to them unchanged.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SesEmulator, startSesEmulator, startTwilioDouble, type TwilioDouble } from '../src/index';

describe('SES v2 emulator', () => {
  let ses: SesEmulator;
  beforeAll(async () => {
    ses = await startSesEmulator();
  });
  afterAll(() => ses.close());

  it('stores what SESv2Client sends, custom headers included', async () => {
    const client = new SESv2Client({
      endpoint: ses.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const out = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'news@shop.example',
        Destination: { ToAddresses: ['ann@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Hello' },
            Body: { Text: { Data: 'Hi Ann' } },
            Headers: [{ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' }],
          },
        },
      }),
    );
    const stored = (await ses.emails()).find((e) => e.messageId === out.MessageId);
    expect(stored?.destination.to).toEqual(['ann@example.com']);
    expect(stored?.headers).toContainEqual({
      name: 'List-Unsubscribe-Post',
      value: 'List-Unsubscribe=One-Click',
    });
  });
});

/** The SDK aimed at the double the way a proxy setting would be: the API host rewritten. */
function localTwilio(double: TwilioDouble, authToken: string) {
  class LocalRequestClient extends twilio.RequestClient {
    override request<T>(opts: RequestOptions<T>) {
      return super.request<T>({ ...opts, uri: opts.uri.replace('https://api.twilio.com', double.url) });
    }
  }
  return twilio(double.accountSid, authToken, { httpClient: new LocalRequestClient() });
}

describe('Twilio Messages API double', () => {
  let double: TwilioDouble;
  let client: ReturnType<typeof twilio>;
  beforeAll(async () => {
    double = await startTwilioDouble();
    client = localTwilio(double, double.authToken);
  });
  afterAll(() => double.close());

  it('accepts a message with the SDK and returns its sid', async () => {
    const msg = await client.messages.create({
      to: '+14155550100',
      from: '+14155550199',
      body: 'Sale today',
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(double.messages.map((m) => m.to)).toContain('+14155550100');
  });

  it('answers 21610 for a recipient who opted out at Twilio (R-SMS-7)', async () => {
    double.optOut('+14155550111');
    const err = await client.messages
      .create({ to: '+14155550111', from: '+14155550199', body: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 21610 });
  });

  it('refuses a wrong auth token with 20003', async () => {
    const wrong = localTwilio(double, 'wrong-token');
    const err = await wrong.messages
      .create({ to: '+14155550100', from: '+1415', body: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, code: 20003 });
  });
});
