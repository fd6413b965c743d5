// Migration imports on real PostgreSQL over real HTTP: each provider's export (fixtures in
// packages/importers/test/fixtures, shapes from each provider's documentation) keeps its reasons —
// a bounce stays a hard bounce on email/all, a complaint a complaint, an unsubscribe an unsubscribe,
// a group/stream/tag unsubscribe a topic unsubscribe, a Twilio STOP sms/all — with the file, line and
// operator as ledger evidence; a re-import changes nothing; a later lift stays lifted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const FIXTURES = join(import.meta.dirname, '../../../packages/importers/test/fixtures');
let run = 0;
/** A fixture with its addresses moved to a domain of this test's own. */
function fixture(name: string): { text: string; domain: string } {
  const domain = `t${Date.now().toString(36)}${run++}.example.com`;
  return {
    text: readFileSync(join(FIXTURES, name), 'utf8').replaceAll('@example.com', `@${domain}`),
    domain,
  };
}

const importFile = (format: string, file: string, text: string, extra = '') =>
  api.call('POST', `/v1/import?format=${format}&file=${encodeURIComponent(file)}&actor=migrator${extra}`, {
    token: api.tokens.admin,
    contentType: file.endsWith('.csv') ? 'text/csv' : 'text/plain',
    text,
  });

const history = async (q: Record<string, string>) =>
  (await api.call('GET', `/v1/history?${new URLSearchParams(q)}`, { token: api.tokens.admin })).body
    .entries as Array<{
    occurredAt: string;
    scopes: Array<{ channel: string; purpose: string; topic: string; suppressed: boolean; reason: string }>;
    payload: { evidence?: Record<string, unknown>; data: Record<string, unknown> };
  }>;

const scopesOf = async (q: Record<string, string>) =>
  (await history(q)).flatMap((e) =>
    e.scopes.map((s) => `${s.channel}/${s.purpose}/${s.topic} ${s.reason}@${e.payload.evidence?.line}`),
  );

const check = async (body: Record<string, unknown>) =>
  (await api.call('POST', '/v1/check', { token: api.tokens.check, json: body })).body as {
    allowed: boolean;
    reasons: Array<{ reason: string }>;
  };

const stats = async () =>
  (await api.call('GET', '/v1/stats', { token: api.tokens.check })).body as {
    entries: Array<{ reason: string; channel: string; purpose: string; count: number }>;
  };

describe('every importer maps its provider reasons to our scope and reason', () => {
  const cases: Array<{
    file: string;
    format: string;
    extra?: string;
    expect: Record<string, string[]>;
    rejected?: number[];
  }> = [
    {
      file: 'sendgrid-bounces.json',
      format: 'sendgrid-bounces',
      expect: { 'bounce-one': ['email/all/* hard-bounce@4'], 'soft-one': [] },
      rejected: [10],
    },
    {
      file: 'sendgrid-bounces.csv',
      format: 'sendgrid-bounces',
      expect: { 'bounce-two': ['email/all/* hard-bounce@2'], 'bounce-three': ['email/all/* hard-bounce@4'] },
    },
    {
      file: 'sendgrid-blocks.json',
      format: 'sendgrid-blocks',
      expect: { blocked: ['email/all/* hard-bounce@4'] },
    },
    {
      file: 'sendgrid-invalid-emails.json',
      format: 'sendgrid-invalid-emails',
      expect: { invalid: ['email/all/* hard-bounce@4'] },
    },
    {
      file: 'sendgrid-spam-reports.json',
      format: 'sendgrid-spam-reports',
      expect: { 'spam-report': ['email/marketing/* complaint@4'] },
    },
    {
      file: 'sendgrid-unsubscribes.csv',
      format: 'sendgrid-unsubscribes',
      expect: { 'global-unsub': ['email/marketing/* email-optout@2'] },
    },
    {
      file: 'sendgrid-group-unsubscribes.json',
      format: 'sendgrid-group-unsubscribes',
      extra: '&topics=1234%3Dnewsletter',
      expect: {
        'group-unsub': [
          'email/marketing/newsletter email-optout@3',
          'email/marketing/Product Updates email-optout@9',
        ],
      },
    },
    {
      file: 'mailchimp-unsubscribed.csv',
      format: 'mailchimp',
      extra: '&audience=news',
      expect: {
        'mc-unsub': ['email/marketing/news email-optout@2'],
        'mc-abuse': ['email/marketing/* complaint@3'],
      },
    },
    {
      file: 'mailchimp-cleaned.csv',
      format: 'mailchimp',
      expect: { 'mc-cleaned': ['email/all/* hard-bounce@2'] },
    },
    {
      file: 'postmark-dump.json',
      format: 'postmark',
      extra: '&stream=broadcast-news&topics=broadcast-news%3Dnews',
      expect: {
        'pm-bounce': ['email/all/* hard-bounce@4'],
        'pm-spam': ['email/marketing/* complaint@10'],
        'pm-manual': ['email/marketing/news email-optout@16'],
      },
    },
    {
      file: 'mailgun-bounces.json',
      format: 'mailgun-bounces',
      expect: { 'mg-bounce': ['email/all/* hard-bounce@4'] },
    },
    {
      file: 'mailgun-unsubscribes.json',
      format: 'mailgun-unsubscribes',
      expect: {
        'mg-all': ['email/marketing/* email-optout@4'],
        'mg-tags': ['email/marketing/newsletter email-optout@9', 'email/marketing/promotions email-optout@9'],
      },
    },
    {
      file: 'mailgun-complaints.csv',
      format: 'mailgun-complaints',
      expect: { 'mg-complaint': ['email/marketing/* complaint@2'] },
    },
    {
      file: 'ses-suppressed.json',
      format: 'ses',
      expect: {
        'ses-bounce': ['email/all/* hard-bounce@4'],
        'ses-complaint': ['email/marketing/* complaint@9'],
      },
    },
  ];

  for (const c of cases) {
    it(`${c.format} (${c.file})`, async () => {
      const { text, domain } = fixture(c.file);
      const r = await importFile(c.format, c.file, text, c.extra);
      expect(r.status).toBe(200);
      expect(r.body.rejections.map((x: { line: number }) => x.line)).toEqual(c.rejected ?? []);
      for (const [local, scopes] of Object.entries(c.expect)) {
        const got = await scopesOf({ email: `${local}@${domain}` });
        expect(got.sort(), local).toEqual([...scopes].sort());
      }
      // The ledger keeps the file, the line and the operator as evidence; the provider's reason as
      // detail; the actor is the token that ran the import (issue 15), the named operator beside it.
      const [local] = Object.entries(c.expect).find(([, s]) => s.length > 0)!;
      const [first] = await history({ email: `${local}@${domain}` });
      expect(first!.payload.evidence).toMatchObject({
        file: c.file,
        operator: 'migrator',
        by: api.tokenNames.admin,
      });
      expect(first!.payload.data).toMatchObject({
        actor: api.tokenNames.admin,
        actorName: 'migrator',
        reason: expect.stringMatching(/\w/),
      });
    });
  }

  it('twilio (message log and opt-out list): STOPs become sms/all/* and block every SMS', async () => {
    const log = await importFile('twilio', 'twilio-messages.csv', fixture('twilio-messages.csv').text);
    expect(log.body).toMatchObject({ accepted: 2, rejected: 0, skipped: 3 });
    expect(await scopesOf({ phone: '+14155550100' })).toEqual(['sms/all/* sms-stop@2']);
    expect(await scopesOf({ phone: '+14155550199' })).toEqual(['sms/all/* sms-stop@5']);
    expect(await scopesOf({ phone: '+14155550123' })).toEqual([]);
    expect((await check({ phone: '+14155550100', channel: 'sms', kind: 'transactional' })).allowed).toBe(
      false,
    );
    const list = await importFile('twilio', 'twilio-optouts.csv', fixture('twilio-optouts.csv').text);
    expect(list.body).toMatchObject({ accepted: 1 });
  });

  it('a hard bounce blocks transactional email too; a complaint or an unsubscribe only marketing', async () => {
    const { text, domain } = fixture('ses-suppressed.json');
    await importFile('ses', 'ses.json', text);
    const bounce = await check({ email: `ses-bounce@${domain}`, channel: 'email', kind: 'transactional' });
    expect(bounce).toMatchObject({
      allowed: false,
      reasons: [expect.objectContaining({ reason: 'hard-bounce' })],
    });
    const complaint = `ses-complaint@${domain}`;
    expect((await check({ email: complaint, channel: 'email', kind: 'transactional' })).allowed).toBe(true);
    expect(await check({ email: complaint, channel: 'email', kind: 'marketing' })).toMatchObject({
      allowed: false,
      reasons: [expect.objectContaining({ reason: 'complaint' })],
    });
  });
});

describe('re-imports, lifts, dry runs, wrong files', () => {
  it('re-importing the same file changes nothing: every entry a duplicate, stats and history unchanged', async () => {
    const { text, domain } = fixture('postmark-dump.json');
    const first = await importFile('postmark', 'pm.json', text);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0 });
    const counts = async () => {
      const s = await stats();
      return {
        entries: s.entries,
        subjects: (s as unknown as { suppressedSubjects: number }).suppressedSubjects,
      };
    };
    const before = { stats: await counts(), history: await history({ email: `pm-manual@${domain}` }) };
    const again = await importFile('postmark', 'pm.json', text);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0 });
    expect(await counts()).toEqual(before.stats);
    expect(await history({ email: `pm-manual@${domain}` })).toEqual(before.history);
  });

  it('a later lift is not undone by re-importing the file, nor by an older export of the same entry', async () => {
    const { text, domain } = fixture('ses-suppressed.json');
    const email = `ses-bounce@${domain}`;
    await importFile('ses', 'ses.json', text);
    expect((await check({ email, channel: 'email', kind: 'transactional' })).allowed).toBe(false);
    const lifted = await api.call('POST', '/v1/entries/lift', {
      token: api.tokens.admin,
      json: {
        email,
        channel: 'email',
        purpose: 'all',
        topic: '*',
        actor: 'ops',
        reason: 'mailbox works again',
      },
    });
    expect(lifted.status).toBe(201);
    expect((await check({ email, channel: 'email', kind: 'transactional' })).allowed).toBe(true);

    expect((await importFile('ses', 'ses.json', text)).body).toMatchObject({ accepted: 0, duplicates: 2 });
    const older = text.replace('2020-04-10T21:06:31.178000+00:00', '2019-01-01T00:00:00+00:00');
    // An older export of the same bounce is a new fact (another date), recorded, but older than the lift.
    expect((await importFile('ses', 'ses-2019.json', older)).body).toMatchObject({
      accepted: 1,
      duplicates: 1,
    });
    expect((await check({ email, channel: 'email', kind: 'transactional' })).allowed).toBe(true);
  });

  it('our CSV without dates: a lift made after the first import survives importing the file again', async () => {
    const email = `plain-${Date.now()}@lift.example.com`;
    const csv = `identifier,channel,purpose,topic,reason\n${email},email,marketing,*,legacy list\n`;
    expect((await importFile('csv', 'legacy.csv', csv)).body).toMatchObject({ accepted: 1 });
    await api.call('POST', '/v1/entries/lift', {
      token: api.tokens.admin,
      json: {
        email,
        channel: 'email',
        purpose: 'marketing',
        topic: '*',
        actor: 'ops',
        reason: 'double opt-in',
      },
    });
    expect((await importFile('csv', 'legacy.csv', csv)).body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await check({ email, channel: 'email', kind: 'marketing' })).allowed).toBe(true);
  });

  it('stats shows imported reasons by kind, not as admin', async () => {
    const count = (s: Awaited<ReturnType<typeof stats>>, reason: string, channel: string, purpose: string) =>
      s.entries.find((e) => e.reason === reason && e.channel === channel && e.purpose === purpose)?.count ??
      0;
    const before = await stats();
    const files: Array<[string, string]> = [
      ['sendgrid-bounces.json', 'sendgrid-bounces'],
      ['sendgrid-spam-reports.json', 'sendgrid-spam-reports'],
      ['sendgrid-unsubscribes.csv', 'sendgrid-unsubscribes'],
      ['twilio-optouts.csv', 'twilio'],
    ];
    for (const [file, format] of files) {
      const text = fixture(file).text.replace(
        '+442079460958',
        `+4420794609${String(run % 100).padStart(2, '0')}`,
      );
      expect((await importFile(format, file, text)).status).toBe(200);
    }
    const after = await stats();
    expect(count(after, 'hard-bounce', 'email', 'all') - count(before, 'hard-bounce', 'email', 'all')).toBe(
      1,
    );
    expect(
      count(after, 'complaint', 'email', 'marketing') - count(before, 'complaint', 'email', 'marketing'),
    ).toBe(1);
    expect(
      count(after, 'email-optout', 'email', 'marketing') -
        count(before, 'email-optout', 'email', 'marketing'),
    ).toBe(1);
    expect(count(after, 'sms-stop', 'sms', 'all') - count(before, 'sms-stop', 'sms', 'all')).toBe(1);
    expect(count(after, 'admin', 'email', 'all')).toBe(count(before, 'admin', 'email', 'all'));
  });

  it('dryRun validates and counts without writing', async () => {
    const { text, domain } = fixture('mailgun-unsubscribes.json');
    const dry = await importFile('mailgun-unsubscribes', 'mg.json', text, '&dryRun=true');
    expect(dry.body).toMatchObject({ dryRun: true, accepted: 3, duplicates: 0, rejected: 0 });
    expect(await history({ email: `mg-tags@${domain}` })).toEqual([]);
    expect((await importFile('mailgun-unsubscribes', 'mg.json', text)).body).toMatchObject({ accepted: 3 });
    const dryAgain = await importFile('mailgun-unsubscribes', 'mg.json', text, '&dryRun=1');
    expect(dryAgain.body).toMatchObject({ accepted: 0, duplicates: 3 });
  });

  it('a file in another format is refused with one message saying what it looks like', async () => {
    const r = await importFile('sendgrid-bounces', 'mc.csv', fixture('mailchimp-cleaned.csv').text);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/^this looks like CSV with columns Email Address, First Name, Last Name/);
    expect(r.body.message).toContain('sendgrid-bounces needs email');
  });
});
