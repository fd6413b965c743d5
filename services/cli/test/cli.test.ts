import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startTestApi, type TestApi, uniqueEmail } from '@sp/suppression-api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, run } from '../src/cli';
import { runCli } from './run-cli';

const _tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const _main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let api: TestApi;
let dir: string;
beforeAll(async () => {
  api = await startTestApi();
  dir = await mkdtemp(join(tmpdir(), 'sp-cli-'));
});
afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function suppress(args: string[], token: string | null = api.tokens.both): Promise<Result> {
  return runCli(args, api.url, token);
}

describe('service desk (issue 19): a request taken by telephone', () => {
  it('add --method phone --agent records the method, the agent and the time; marketing is blocked, an order confirmation is not', async () => {
    const email = uniqueEmail('desk');
    const before = Date.now();
    const add = await suppress([
      'add',
      '--email',
      email,
      '--method',
      'phone',
      '--agent',
      'Ana Ruiz (desk 3)',
    ]);
    expect(add.code, add.stderr).toBe(EXIT.ok);
    expect(add.stdout).toContain('suppressed email/marketing/*');
    const after = Date.now();

    const history = await suppress(['history', '--email', email, '--json']);
    expect(history.code, history.stderr).toBe(EXIT.ok);
    const [entry, ...more] = JSON.parse(history.stdout).entries;
    expect(more).toEqual([]);
    expect(entry.type).toBe('suppression.admin.v1');
    expect(entry.payload.data).toMatchObject({
      action: 'suppress',
      method: 'phone',
      actor: api.tokenNames.both,
      actorName: 'Ana Ruiz (desk 3)',
      reason: 'opt-out requested by phone',
      channel: 'email',
      purpose: 'marketing',
      topic: '*',
    });
    const at = Date.parse(entry.occurredAt);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(after + 1000);
    const human = await suppress(['history', '--email', email]);
    expect(human.stdout).toContain(`by Ana Ruiz (desk 3) via ${api.tokenNames.both} (phone)`);

    const marketing = await suppress([
      'check',
      '--email',
      email,
      '--channel',
      'email',
      '--kind',
      'marketing',
      '--json',
    ]);
    expect(marketing.code).toBe(EXIT.no);
    expect(JSON.parse(marketing.stdout).reasons[0].detail).toMatchObject({
      actor: api.tokenNames.both,
      actorName: 'Ana Ruiz (desk 3)',
      method: 'phone',
    });
    const order = await suppress([
      'check',
      '--email',
      email,
      '--channel',
      'email',
      '--kind',
      'transactional',
    ]);
    expect(order.code, order.stdout).toBe(EXIT.ok);
  });

  it('refuses a phone request without the agent who took it, and an unknown method', async () => {
    const email = uniqueEmail('desk-bad');
    const noAgent = await suppress(['add', '--email', email, '--method', 'phone']);
    expect(noAgent.code).toBe(EXIT.usage);
    expect(noAgent.stderr).toContain('--method needs --agent NAME');
    const fax = await suppress(['add', '--email', email, '--method', 'fax', '--agent', 'Bo']);
    expect(fax.code).toBe(EXIT.usage);
    expect(fax.stderr).toContain('--method must be one of phone|email|letter|in-person');
    const history = await suppress(['history', '--email', email, '--json']);
    expect(JSON.parse(history.stdout).entries).toEqual([]);
  });
});

describe('suppress check / add / lift / history / export / stats', () => {
  it('exits 0 when allowed and 1 when not, with the reasons', async () => {
    const email = uniqueEmail('cli');
    const ok = await suppress(['check', '--email', email, '--channel', 'email', '--kind', 'marketing']);
    expect(ok.code, ok.stderr).toBe(EXIT.ok);
    expect(ok.stdout).toMatch(/^allowed/);

    const add = await suppress([
      'add',
      '--email',
      email,
      '--channel',
      'email',
      '--purpose',
      'marketing',
      '--reason',
      'asked at the counter',
    ]);
    expect(add.code, add.stderr).toBe(EXIT.ok);
    expect(add.stdout).toContain('suppressed email/marketing/*');

    const no = await suppress(['check', '--email', email, '--channel', 'email', '--kind', 'marketing']);
    expect(no.code).toBe(EXIT.no);
    expect(no.stdout).toContain('NOT allowed');
    expect(no.stdout).toContain('admin: email/marketing/*');

    const lift = await suppress([
      'lift',
      '--email',
      email,
      '--channel',
      'email',
      '--purpose',
      'marketing',
      '--reason',
      'mistake',
      '--actor',
      'alice',
    ]);
    expect(lift.code, lift.stderr).toBe(EXIT.ok);
    const again = await suppress([
      'check',
      '--email',
      email,
      '--channel',
      'email',
      '--kind',
      'marketing',
      '--json',
    ]);
    expect(again.code).toBe(EXIT.ok);
    expect(JSON.parse(again.stdout)).toMatchObject({ allowed: true, reasons: [] });

    const history = await suppress(['history', '--email', email, '--json']);
    expect(history.code).toBe(EXIT.ok);
    const h = JSON.parse(history.stdout);
    const data = h.entries.map((e: { payload: { data: { actor: string; actorName: string } } }) => [
      e.payload.data.actor,
      e.payload.data.actorName,
    ]);
    expect(data).toEqual([
      [api.tokenNames.both, 'cli-test'],
      [api.tokenNames.both, 'alice'],
    ]);
    const human = await suppress(['history', '--email', email]);
    expect(human.stdout).toContain('2 events');
    expect(human.stdout).toContain('+email/marketing/* (admin)');
    expect(human.stdout).toContain('-email/marketing/* (admin-lift)');
  });

  it('exports the list and shows stats', async () => {
    const email = uniqueEmail('cli-export');
    await suppress([
      'add',
      '--email',
      email,
      '--channel',
      'any',
      '--purpose',
      'sale_share',
      '--reason',
      'agent',
    ]);
    const out = join(dir, 'export.csv');
    const exp = await suppress(['export', '--format', 'csv', '--purpose', 'sale_share', '--out', out]);
    expect(exp.code, exp.stderr).toBe(EXIT.ok);
    const { readFile } = await import('node:fs/promises');
    const csv = await readFile(out, 'utf8');
    expect(csv.split('\n')[0]).toBe(
      'subjectKey,subjectType,address,channel,purpose,topic,reason,source,since',
    );
    expect(csv).toContain(`,email,${email},any,sale_share,*,admin,`);
    const nd = await suppress(['export', '--purpose', 'sale_share']);
    expect(
      nd.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).address),
    ).toContain(email);

    const stats = await suppress(['stats']);
    expect(stats.code, stats.stderr).toBe(EXIT.ok);
    expect(stats.stdout).toMatch(/admin\s+any\/sale_share\s+\d+/);
    expect(stats.stdout).toContain('spam-complaint rate (30 days): n/a');
  });

  it('exits 2 on usage errors and 3 on API errors', async () => {
    const usage = await suppress([
      'check',
      '--email',
      'a@b.example',
      '--channel',
      'fax',
      '--kind',
      'marketing',
    ]);
    expect(usage.code).toBe(EXIT.usage);
    expect(usage.stderr).toContain('--channel must be one of email|sms');
    expect((await suppress(['frobnicate'])).code).toBe(EXIT.usage);
    expect((await suppress(['check', '--bogus'])).code).toBe(EXIT.usage);
    expect((await suppress(['import', join(dir, 'missing.csv')])).code).toBe(EXIT.usage);

    const forbidden = await suppress(
      ['add', '--email', 'a@b.example', '--channel', 'email', '--purpose', 'all', '--reason', 'x'],
      api.tokens.check,
    );
    expect(forbidden.code).toBe(EXIT.api);
    expect(forbidden.stderr).toContain('API answered 403');
    const noToken = await suppress(['stats'], 'wrong-token-wrong-token');
    expect(noToken.code).toBe(EXIT.api);
    const unreachable = await suppress(['stats', '--api', 'http://127.0.0.1:9']);
    expect(unreachable.code).toBe(EXIT.api);
    expect(unreachable.stderr).toContain('cannot reach the API');
  });
});

describe('suppress import', () => {
  it('imports a 100,000-line CSV: correct summary, bad lines reported with their numbers, not fatal', async () => {
    const tag = `${process.pid}-${Date.now().toString(36)}`;
    const bad = new Map<number, [string, string]>([
      [10, ['bad@,email,marketing,*,legacy', 'invalid email']],
      [5_001, [`good${tag}-5001@example.com,fax,marketing,*,legacy`, "unknown channel 'fax'"]],
      [10_000, [`"unterminated${tag}@example.com,email`, 'a quoted field is never closed']],
      [50_000, [`x${tag}@example.com,email,marketing,*,`, 'reason is empty']],
      [99_999, ['just-a-word,email,marketing,*,legacy', 'cannot tell the identifier type']],
    ]);
    const duplicateOf2 = new Set([20_000, 60_000]);
    const lines: string[] = ['identifier,channel,purpose,topic,reason'];
    for (let n = 2; n <= 100_000; n++) {
      const b = bad.get(n);
      if (b) lines.push(b[0]);
      else if (duplicateOf2.has(n)) lines.push(lines[1]!);
      else lines.push(`u${n}-${tag}@example.com,email,marketing,${n % 3 === 0 ? 'deals' : '*'},legacy list`);
    }
    expect(lines).toHaveLength(100_000);
    const file = join(dir, 'big.csv');
    await writeFile(file, `${lines.join('\n')}\n`);

    const started = Date.now();
    const r = await suppress(['import', file, '--actor', 'migration']);
    const seconds = (Date.now() - started) / 1000;
    console.info(`[bench] CLI import of 100,000 lines took ${seconds.toFixed(1)} s`);

    expect(r.code, r.stderr).toBe(EXIT.no); // some lines were rejected
    expect(r.stdout).toContain('  lines:      100000');
    expect(r.stdout).toContain(`  accepted:   ${100_000 - 1 - bad.size - duplicateOf2.size}`);
    expect(r.stdout).toContain('  duplicates: 2');
    expect(r.stdout).toContain(`  rejected:   ${bad.size}`);
    expect(r.stdout).toContain('  skipped:    1');
    const reported = [...r.stdout.matchAll(/^ {2}line (\d+): (.*)$/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(reported.map(([n]) => n)).toEqual([...bad.keys()]);
    for (const [n, reason] of reported) expect(reason).toContain(bad.get(n as number)![1]);
    // Not a TTY: plain progress lines on stderr, one per batch.
    expect(r.stderr).toContain('import: lines 1-10000 done');
    expect(r.stderr).toContain('import: lines 90001-100000 done');

    // The entries are in the list.
    const c = await api.call('POST', '/v1/check', {
      json: { email: `u77777-${tag}@example.com`, channel: 'email', kind: 'marketing' },
    });
    expect(c.body.allowed).toBe(false);

    // A second run changes nothing: everything is a duplicate.
    const again = await suppress(['import', file, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({
      accepted: 0,
      duplicates: 100_000 - 1 - bad.size,
      rejected: 5,
    });
  }, 600_000);

  it("reads a provider's export (SendGrid groups -> topics), dry-runs it, and refuses a file in another format", async () => {
    const domain = `cli${Date.now().toString(36)}.example.com`;
    const fixtures = join(
      fileURLToPath(new URL('.', import.meta.url)),
      '../../../packages/importers/test/fixtures',
    );
    const { readFile } = await import('node:fs/promises');
    const groups = join(dir, 'asm.json');
    await writeFile(
      groups,
      (await readFile(join(fixtures, 'sendgrid-group-unsubscribes.json'), 'utf8')).replaceAll(
        '@example.com',
        `@${domain}`,
      ),
    );
    const args = [
      'import',
      groups,
      '--format',
      'sendgrid-group-unsubscribes',
      '--topic-map',
      '1234=newsletter',
    ];
    const dry = await suppress([...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(EXIT.ok);
    expect(dry.stdout).toContain('(dry run: nothing written)');
    expect(dry.stdout).toContain('  accepted:   2');
    const email = `group-unsub@${domain}`;
    const topicAllowed = async (topic: string) =>
      (await api.call('POST', '/v1/check', { json: { email, channel: 'email', kind: 'marketing', topic } }))
        .body.allowed;
    expect(await topicAllowed('newsletter')).toBe(true);

    const real = await suppress(args);
    expect(real.code, real.stderr).toBe(EXIT.ok);
    expect(real.stdout).toContain('  accepted:   2');
    expect(await topicAllowed('newsletter')).toBe(false);
    expect(await topicAllowed('Product Updates')).toBe(false);
    expect(await topicAllowed('other')).toBe(true);

    const wrong = await suppress(['import', join(fixtures, 'mailchimp-cleaned.csv'), '--format', 'ses']);
    expect(wrong.code).toBe(EXIT.usage);
    expect(wrong.stderr).toContain('this looks like CSV with columns Email Address, First Name, Last Name');
    expect(wrong.stderr.match(/this looks like/g)).toHaveLength(1);
  });

  it('shows the first rejected lines and writes every one to the report file', async () => {
    const file = join(dir, 'many-bad.csv');
    const bad = Array.from({ length: 30 }, (_, i) => `not-an-id-${i},,,,legacy`);
    await writeFile(file, `${bad.join('\n')}\n${uniqueEmail('ok')},,,,legacy\n`);
    const r = await suppress(['import', file]);
    expect(r.code).toBe(EXIT.no);
    expect(r.stdout).toContain('  rejected:   30');
    expect([...r.stdout.matchAll(/^ {2}line \d+:/gm)]).toHaveLength(20);
    expect(r.stdout).toContain('  ... and 10 more');
    expect(r.stdout).toContain(`every rejected line: ${file}.rejected.txt`);
    const { readFile } = await import('node:fs/promises');
    const all = (await readFile(`${file}.rejected.txt`, 'utf8')).trim().split('\n');
    expect(all).toHaveLength(30);
    expect(all[29]).toMatch(/^line 30: cannot tell the identifier type/);
  });

  it('draws a progress bar on a TTY and takes NDJSON', async () => {
    const file = join(dir, 'small.ndjson');
    const email = uniqueEmail('tty');
    await writeFile(
      file,
      `${JSON.stringify({ email, reason: 'r' })}\n${JSON.stringify({ phone: '+1 (415) 555-0199', reason: 'STOP on paper' })}\nnope\n`,
    );
    let err = '';
    let out = '';
    const stderr = Object.assign(
      new Writable({
        write(chunk, _enc, cb) {
          err += chunk;
          cb();
        },
      }),
      { isTTY: true },
    );
    const stdout = new Writable({
      write(chunk, _enc, cb) {
        out += chunk;
        cb();
      },
    });
    const code = await run(
      ['import', file, '--batch-lines', '1'],
      { apiUrl: api.url, token: api.tokens.admin },
      { stdout, stderr },
    );
    expect(code).toBe(EXIT.no);
    expect(err).toMatch(/\r\[#+\s*\] 100%/);
    expect(err).toMatch(/\d+\/s {2}ETA \d+s/);
    expect(out).toContain('accepted:   2');
    expect(out).toContain('line 3: not valid JSON');
  });
});

// Issue 16: partner registry and files from the CLI.
describe('suppress partner', () => {
  it('registers a partner, lists it as stale until its token fetches the file, which holds the MD5 of opted-out addresses', async () => {
    const add = await suppress(
      [
        'partner',
        'add',
        '--name',
        'Acme Affiliates',
        '--contact',
        'ops@acme.example',
        '--hash-format',
        'md5',
        '--seeds',
        '1',
        '--json',
      ],
      api.tokens.admin,
    );
    expect(add.code, add.stderr).toBe(0);
    const made = JSON.parse(add.stdout) as { partner: { id: string }; token: string; seeds: string[] };
    const before = await suppress(['partner', 'list'], api.tokens.admin);
    expect(before.stdout).toMatch(
      new RegExp(`${made.partner.id}  Acme Affiliates  md5  last file never  STALE`),
    );

    const email = uniqueEmail('cli-partner');
    expect(
      (
        await suppress(
          ['add', '--email', email, '--channel', 'email', '--purpose', 'marketing', '--reason', 'opt-out'],
          api.tokens.admin,
        )
      ).code,
    ).toBe(0);
    const file = await suppress(['partner', 'file'], made.token);
    expect(file.code, file.stderr).toBe(0);
    const lines = file.stdout.split('\n').filter(Boolean);
    const md5 = (s: string) => createHash('md5').update(s.toLowerCase()).digest('hex');
    expect(lines).toContain(md5(email));
    expect(lines).toContain(md5(made.seeds[0]!));
    expect(file.stdout).not.toContain('@');

    const after = await suppress(['partner', 'list'], api.tokens.admin);
    expect(after.stdout).toContain(made.partner.id);
    expect(after.stdout).not.toMatch(new RegExp(`${made.partner.id}.*STALE`));
  });

  it('exits 2 on a bad hash format', async () => {
    const r = await suppress(
      ['partner', 'add', '--name', 'x', '--contact', 'x@y.z', '--hash-format', 'crc32'],
      api.tokens.admin,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--hash-format');
  });
});
