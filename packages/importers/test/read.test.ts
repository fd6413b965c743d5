// Provider exports -> entries: each provider reason lands on the scope and reason DESIGN.md's table
// gives it (the database side is in services/suppression-api/test/import-providers.test.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatMismatch, type ImportFormat, type ImportItem, readImport } from '../src';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

async function read(name: string, format: ImportFormat, opts = {}): Promise<ImportItem[]> {
  const out: ImportItem[] = [];
  for await (const x of readImport(await readFile(fixture(name), 'utf8'), format, opts)) out.push(x);
  return out;
}

const entries = (items: ImportItem[]) =>
  items.flatMap((x) =>
    x.kind === 'entry'
      ? [
          {
            line: x.line,
            value: x.entry.value,
            scope: `${x.entry.channel}/${x.entry.purpose}/${x.entry.topic}`,
            reasonCode: x.entry.reasonCode,
            occurredAt: x.entry.occurredAt,
          },
        ]
      : [],
  );

describe('provider exports (R-AB-3 bounces, R-OC complaints, topic unsubscribes)', () => {
  it('SendGrid bounces (API JSON): a 5.x.x bounce is a hard bounce on email/all, a 4.x.x one is refused', async () => {
    const items = await read('sendgrid-bounces.json', 'sendgrid-bounces');
    expect(entries(items)).toEqual([
      {
        line: 4,
        value: 'bounce-one@example.com',
        scope: 'email/all/*',
        reasonCode: 'hard-bounce',
        occurredAt: '2015-09-30T22:12:05.000Z',
      },
    ]);
    expect(items.filter((x) => x.kind === 'reject')).toEqual([
      { line: 10, kind: 'reject', reason: 'temporary failure (status 4.2.2) is not a suppression' },
    ]);
  });

  it('SendGrid bounces (CSV with BOM, CRLF and a quoted reason over two lines) keep their line numbers', async () => {
    const items = await read('sendgrid-bounces.csv', 'sendgrid-bounces');
    expect(entries(items).map((e) => [e.line, e.value, e.scope])).toEqual([
      [2, 'bounce-two@example.com', 'email/all/*'],
      [4, 'bounce-three@example.com', 'email/all/*'],
    ]);
    const first = items.find((x) => x.kind === 'entry');
    expect(first?.kind === 'entry' && first.entry.reason).toContain(
      'Recipient address rejected:\nUser unknown',
    );
  });

  it('SendGrid blocks, invalid emails, spam reports, global and group unsubscribes', async () => {
    expect(entries(await read('sendgrid-blocks.json', 'sendgrid-blocks'))[0]).toMatchObject({
      scope: 'email/all/*',
      reasonCode: 'hard-bounce',
    });
    expect(entries(await read('sendgrid-invalid-emails.json', 'sendgrid-invalid-emails'))[0]).toMatchObject({
      scope: 'email/all/*',
      reasonCode: 'hard-bounce',
    });
    expect(entries(await read('sendgrid-spam-reports.json', 'sendgrid-spam-reports'))[0]).toMatchObject({
      scope: 'email/marketing/*',
      reasonCode: 'complaint',
    });
    expect(entries(await read('sendgrid-unsubscribes.csv', 'sendgrid-unsubscribes'))[0]).toMatchObject({
      scope: 'email/marketing/*',
      reasonCode: 'email-optout',
    });
    const groups = entries(
      await read('sendgrid-group-unsubscribes.json', 'sendgrid-group-unsubscribes', {
        topics: { '1234': 'newsletter' },
      }),
    );
    expect(groups.map((g) => [g.scope, g.reasonCode])).toEqual([
      ['email/marketing/newsletter', 'email-optout'],
      ['email/marketing/Product Updates', 'email-optout'],
    ]);
  });

  it('SendGrid per-group export (a list of addresses) needs --group', async () => {
    const text = '["a@example.com", "b@example.com"]';
    const out: ImportItem[] = [];
    for await (const x of readImport(text, 'sendgrid-group-unsubscribes', { group: '42' })) out.push(x);
    expect(entries(out).map((e) => e.scope)).toEqual(['email/marketing/42', 'email/marketing/42']);
  });

  it('Mailchimp: unsubscribed is an unsubscribe (an abuse report a complaint), cleaned a hard bounce', async () => {
    expect(entries(await read('mailchimp-unsubscribed.csv', 'mailchimp', { audience: 'news' }))).toEqual([
      {
        line: 2,
        value: 'mc-unsub@example.com',
        scope: 'email/marketing/news',
        reasonCode: 'email-optout',
        occurredAt: '2021-06-14T08:12:45.000Z',
      },
      {
        line: 3,
        value: 'mc-abuse@example.com',
        scope: 'email/marketing/*',
        reasonCode: 'complaint',
        occurredAt: '2021-07-02T17:40:00.000Z',
      },
    ]);
    expect(entries(await read('mailchimp-cleaned.csv', 'mailchimp'))).toMatchObject([
      { value: 'mc-cleaned@example.com', scope: 'email/all/*', reasonCode: 'hard-bounce' },
    ]);
  });

  it('Postmark: HardBounce, SpamComplaint, and ManualSuppression per stream -> topic', async () => {
    const got = entries(await read('postmark-dump.json', 'postmark', { stream: 'newsletter' }));
    expect(got.map((e) => [e.line, e.value, e.scope, e.reasonCode])).toEqual([
      [4, 'pm-bounce@example.com', 'email/all/*', 'hard-bounce'],
      [10, 'pm-spam@example.com', 'email/marketing/*', 'complaint'],
      [16, 'pm-manual@example.com', 'email/marketing/newsletter', 'email-optout'],
    ]);
    expect(got[0]!.occurredAt).toBe('2019-12-10T13:58:33.000Z');
    const outbound = entries(await read('postmark-dump.json', 'postmark'));
    expect(outbound[2]!.scope).toBe('email/marketing/*');
  });

  it('Mailgun: bounces, unsubscribes (one topic entry per tag, * for all), complaints', async () => {
    expect(entries(await read('mailgun-bounces.json', 'mailgun-bounces'))).toMatchObject([
      { scope: 'email/all/*', reasonCode: 'hard-bounce', occurredAt: '2011-10-21T11:02:55.000Z' },
    ]);
    expect(
      entries(await read('mailgun-unsubscribes.json', 'mailgun-unsubscribes')).map((e) => e.scope),
    ).toEqual(['email/marketing/*', 'email/marketing/newsletter', 'email/marketing/promotions']);
    expect(entries(await read('mailgun-complaints.csv', 'mailgun-complaints'))).toMatchObject([
      { scope: 'email/marketing/*', reasonCode: 'complaint', occurredAt: '2011-10-25T14:30:00.000Z' },
    ]);
  });

  it('SES v2 list-suppressed-destinations: BOUNCE and COMPLAINT', async () => {
    expect(entries(await read('ses-suppressed.json', 'ses'))).toEqual([
      {
        line: 4,
        value: 'ses-bounce@example.com',
        scope: 'email/all/*',
        reasonCode: 'hard-bounce',
        occurredAt: '2020-04-10T21:06:31.178Z',
      },
      {
        line: 9,
        value: 'ses-complaint@example.com',
        scope: 'email/marketing/*',
        reasonCode: 'complaint',
        occurredAt: '2020-04-11T08:15:00.000Z',
      },
    ]);
  });

  it('Twilio: inbound opt-out keywords of a message log, or a plain opt-out list, are sms/all STOPs', async () => {
    const items = await read('twilio-messages.csv', 'twilio');
    expect(entries(items).map((e) => [e.line, e.value, e.scope, e.reasonCode])).toEqual([
      [2, '+14155550100', 'sms/all/*', 'sms-stop'],
      [5, '+14155550199', 'sms/all/*', 'sms-stop'],
    ]);
    expect(items.filter((x) => x.kind === 'skip').map((x) => x.line)).toEqual([1, 3, 4]);
    expect(entries(await read('twilio-optouts.csv', 'twilio'))).toMatchObject([
      { value: '+442079460958', scope: 'sms/all/*', occurredAt: '2022-05-05T05:05:05.000Z' },
    ]);
  });
});

describe('a file in another format', () => {
  it('gets one message naming what it looks like', async () => {
    const text = await readFile(fixture('ses-suppressed.json'), 'utf8');
    await expect(read('ses-suppressed.json', 'sendgrid-bounces')).rejects.toThrow(FormatMismatch);
    await expect(read('mailchimp-cleaned.csv', 'sendgrid-bounces')).rejects.toThrow(
      /this looks like CSV with columns Email Address, First Name, Last Name.*sendgrid-bounces needs email/,
    );
    await expect(async () => {
      for await (const _ of readImport(text, 'csv')) void _;
    }).rejects.toThrow(/this looks like JSON with fields SuppressedDestinationSummaries, EmailAddress/);
    await expect(read('sendgrid-bounces.csv', 'postmark')).rejects.toThrow(
      /this looks like CSV with columns email, created, reason, status; postmark needs/,
    );
  });
});

describe('our own CSV', () => {
  it('reads quoted commas and newlines, CRLF, a BOM and the optional header', async () => {
    const text =
      '\uFEFFidentifier,channel,purpose,topic,reason\r\n"a@example.com",email,marketing,,"asked, by phone\r\nand letter"\r\n+14155550100,,,,STOP by text\r\nnot-an-id,,,,x\r\n';
    const out: ImportItem[] = [];
    for await (const x of readImport(text, 'csv')) out.push(x);
    expect(out).toEqual([
      { line: 1, kind: 'skip' },
      {
        line: 2,
        kind: 'entry',
        entry: {
          subjectType: 'email',
          value: 'a@example.com',
          channel: 'email',
          purpose: 'marketing',
          topic: '*',
          reason: 'asked, by phone\nand letter',
        },
      },
      {
        line: 4,
        kind: 'entry',
        entry: {
          subjectType: 'phone',
          value: '+14155550100',
          channel: 'sms',
          purpose: 'all',
          topic: '*',
          reason: 'STOP by text',
        },
      },
      {
        line: 5,
        kind: 'reject',
        reason:
          'cannot tell the identifier type (use an email, a phone number, customer:<id> or device:<id>)',
      },
    ]);
  });

  it('streams chunks that split a CRLF and a quoted field', async () => {
    const text = 'a@example.com,,,,"one,\r\ntwo"\r\nb@example.com,,,,three\r\n';
    const chunks = async function* () {
      for (let i = 0; i < text.length; i += 7) yield text.slice(i, i + 7);
    };
    const out: ImportItem[] = [];
    for await (const x of readImport(chunks(), 'csv')) out.push(x);
    expect(out.map((x) => [x.line, x.kind === 'entry' ? x.entry.reason : x.kind])).toEqual([
      [1, 'one,\ntwo'],
      [3, 'three'],
    ]);
  });
});
