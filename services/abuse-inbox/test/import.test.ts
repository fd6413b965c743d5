// The .eml import command does what SMTP does (R-AB-1, R-AB-2, R-OC-1): run as an operator runs
// it, through `pnpm import <folder>` and `pnpm quarantine:list`, against real Kafka.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDb, migrateDb } from '@sp/db';
import { createDataKeyring, openEvents } from '@sp/suppression';
import { freshDatabase } from '@sp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  arfReport,
  events,
  forwardedSpam,
  originalMessage,
  plainMail,
  startInbox,
  type TestInbox,
  UNSUB_DOMAIN,
  uniqueEmail,
} from './helpers';
import { sendmailSplit, sesBounce, sesComplaint, snsEnvelope, snsMail } from './real-mails';

const run = promisify(execFile);
const PACKAGE_DIR = join(import.meta.dirname, '..');

let inbox: TestInbox | undefined;
let dir: string | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await inbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  inbox = undefined;
});

describe('pnpm import <folder of .eml>', () => {
  it('publishes the same events as SMTP and quarantines what it cannot attribute; quarantine:list shows it', async () => {
    inbox = await startInbox();
    dir = mkdtempSync(join(tmpdir(), 'sp-eml-'));
    const named = uniqueEmail('imp-arf');
    const redacted = uniqueEmail('imp-redacted');
    const forwarded = uniqueEmail('imp-fwd');
    const unsub = uniqueEmail('imp-mailto');
    const listToken = inbox.sealer.seal({ email: redacted, campaignId: 'c-list' });
    const unsubToken = inbox.sealer.seal({ email: unsub });
    // Sorted by name: the unattributable one first, so a wrong publish would lead the topic.
    writeFileSync(
      join(dir, '0-lost.eml'),
      plainMail({ to: 'abuse@ink.example', subject: 'spam', body: 'stop it' }),
    );
    writeFileSync(
      join(dir, '1-arf.eml'),
      arfReport({ originalRcptTo: named, original: originalMessage({ to: named }) }),
    );
    writeFileSync(
      join(dir, '2-arf-redacted.eml'),
      arfReport({
        original: originalMessage({
          to: 'xxxxx@mailbox.example',
          listUnsubscribe: `<https://ink.example/u/${listToken}>, <mailto:unsubscribe+${listToken}@${UNSUB_DOMAIN}>`,
        }),
      }),
    );
    writeFileSync(join(dir, '3-forward.eml'), forwardedSpam(originalMessage({ to: forwarded })));
    writeFileSync(
      join(dir, '4-mailto.eml'),
      plainMail({ to: `unsubscribe+${unsubToken}@${UNSUB_DOMAIN}`, subject: 'unsubscribe', body: '' }),
    );
    // SES notifications as SNS mails them (R-AB-6), saved with LF line ends as a mail client does.
    const bounced = uniqueEmail('imp-ses-bounce');
    const sesComplained = uniqueEmail('imp-ses-complaint');
    const lf = (s: string) => s.replace(/\r\n/g, '\n');
    writeFileSync(
      join(dir, '5-sns.eml'),
      lf(snsMail(sendmailSplit(JSON.stringify(sesBounce(bounced, 'Permanent'))))),
    );
    writeFileSync(
      join(dir, '6-sns-envelope.eml'),
      lf(snsMail(sendmailSplit(snsEnvelope(sesComplaint(sesComplained), true)), { footer: false })),
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a mail');

    // The command seals identifiers with data keys kept in PostgreSQL (issue 15).
    const fresh = await freshDatabase('sp_import');
    const db = await createDb({ url: fresh.url, max: 2 });
    await migrateDb(db);
    cleanups.push(async () => {
      await db.close();
      await fresh.drop();
    });
    const master = { currentKeyId: 'e1', keys: { e1: randomBytes(32).toString('base64') } };
    const ring = createDataKeyring(db.db, master);
    const opened = async <T>(got: Array<{ event: T }>) =>
      (
        await openEvents(
          ring,
          got.map((g) => g.event),
        )
      ).map((o) => ({ event: (o.ok ? o.value : o) as T }));
    const env = {
      ...process.env,
      ...inbox.env,
      LOG_LEVEL: 'silent',
      DATABASE_URL: fresh.url,
      EVENT_KEYS: `e1:${master.keys.e1}`,
    };
    const out = await run('pnpm', ['run', '--silent', 'import', dir], { cwd: PACKAGE_DIR, env });
    expect(out.stdout).toContain('7 file(s): 6 published, 1 quarantined');
    expect(out.stdout).toMatch(/0-lost\.eml\tquarantined\tno-original-message/);

    const complaints = await opened(
      await events<{ email: string; kind: string; campaignId?: string }>(
        inbox.brokers,
        inbox.config.topics.complaint,
        4,
      ),
    );
    expect(complaints.map((c) => [c.event.data.email, c.event.data.kind])).toEqual([
      [named, 'arf'],
      [redacted, 'arf'],
      [forwarded, 'forwarded'],
      [sesComplained, 'ses'],
    ]);
    const bounces = await opened(
      await events<{ email: string; bounceType: string }>(inbox.brokers, inbox.config.topics.bounce, 1),
    );
    expect(bounces[0]!.event.data).toMatchObject({ email: bounced, bounceType: 'Permanent' });
    expect(complaints[1]!.event.data.campaignId).toBe('c-list');
    const optouts = await opened(
      await events<{ email: string; method: string }>(inbox.brokers, inbox.config.topics.emailOptOut, 1),
    );
    expect(optouts[0]!.event.data).toEqual({ email: unsub, method: 'mailto' });

    const list = await run('pnpm', ['run', '--silent', 'quarantine:list'], { cwd: PACKAGE_DIR, env });
    expect(list.stdout).toContain('no-original-message\timport:0-lost.eml');
    expect(list.stdout).toContain('1 quarantined mail(s)');

    // Issue 15: the operator opens (decrypts) the item, releases it (analysed again: still no
    // original, so quarantined anew under a new id), then deletes it.
    const quarantine = (...args: string[]) =>
      run('pnpm', ['run', '--silent', 'quarantine', ...args], { cwd: PACKAGE_DIR, env });
    const id = list.stdout.split('\t')[0]!.trim();
    expect((await quarantine('open', id)).stdout).toContain('stop it');
    expect((await quarantine('release', id)).stdout).toContain(`${id}: quarantined (no-original-message)`);
    const relisted = (await quarantine('list', '--json')).stdout;
    const items = JSON.parse(relisted) as Array<{ id: string; source: string }>;
    expect(items.map((i) => i.source)).toEqual([`release:${id}`]);
    expect((await quarantine('delete', items[0]!.id)).stdout).toContain('deleted');
    expect((await quarantine('list')).stdout).toContain('0 quarantined mail(s)');
  });
});
