// The SES double's account suppression list, driven by the real SDK: the operations' wire format
// as AWS documents it (PUT/GET/DELETE /v2/email/suppression/addresses[/{EmailAddress}]).
import {
  DeleteSuppressedDestinationCommand,
  GetSuppressedDestinationCommand,
  ListSuppressedDestinationsCommand,
  NotFoundException,
  PutSuppressedDestinationCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SesEmulator, startSesEmulator } from '../src/index';

describe('SES v2 account suppression list on the double', () => {
  let ses: SesEmulator;
  let client: SESv2Client;
  beforeAll(async () => {
    ses = await startSesEmulator();
    client = new SESv2Client({
      endpoint: ses.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
  });
  afterAll(() => ses.close());

  it('puts, gets, lists and deletes an address as SESv2Client expects', async () => {
    await client.send(
      new PutSuppressedDestinationCommand({ EmailAddress: 'Bea@Example.com', Reason: 'BOUNCE' }),
    );
    await client.send(
      new PutSuppressedDestinationCommand({ EmailAddress: 'cy@example.com', Reason: 'COMPLAINT' }),
    );
    const got = await client.send(new GetSuppressedDestinationCommand({ EmailAddress: 'bea@example.com' }));
    expect(got.SuppressedDestination).toMatchObject({ EmailAddress: 'bea@example.com', Reason: 'BOUNCE' });
    expect(got.SuppressedDestination?.LastUpdateTime).toBeInstanceOf(Date);
    expect(got.SuppressedDestination?.Attributes?.FeedbackId).toBeTruthy();

    const complaints = await client.send(new ListSuppressedDestinationsCommand({ Reasons: ['COMPLAINT'] }));
    expect(complaints.SuppressedDestinationSummaries?.map((s) => s.EmailAddress)).toEqual(['cy@example.com']);
    const paged = await client.send(new ListSuppressedDestinationsCommand({ PageSize: 1 }));
    expect(paged.SuppressedDestinationSummaries).toHaveLength(1);
    expect(paged.NextToken).toBeTruthy();

    await client.send(new DeleteSuppressedDestinationCommand({ EmailAddress: 'bea@example.com' }));
    await expect(
      client.send(new GetSuppressedDestinationCommand({ EmailAddress: 'bea@example.com' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      client.send(new DeleteSuppressedDestinationCommand({ EmailAddress: 'bea@example.com' })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('refuses a reason SES does not know with BadRequestException', async () => {
    await expect(
      client.send(
        new PutSuppressedDestinationCommand({ EmailAddress: 'dee@example.com', Reason: 'SPAM' as 'BOUNCE' }),
      ),
    ).rejects.toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
  });

  it('still serves SendEmail beside the suppression list', async () => {
    const { SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const out = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'news@shop.example',
        Destination: { ToAddresses: ['eve@example.com'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hi' } } } },
      }),
    );
    expect((await ses.emails()).some((e) => e.messageId === out.MessageId)).toBe(true);
  });
});
