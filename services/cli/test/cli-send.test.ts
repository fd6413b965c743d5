import { createRequire } from 'node:module';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { newEnvelope } from '@sp/contracts';
import { apply, type ListEvent } from '@sp/suppression';
import { uniqueEmail } from '@sp/suppression-api/testing';
import { type SendHarness, startSendHarness } from '@sp/suppression-api/testing-send';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, EXIT, run } from '../src/cli';
import { type CliResult, runCli } from './run-cli';

const _tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const _main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let h: SendHarness;
beforeAll(async () => {
  h = await startSendHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

function suppress(args: string[]): Promise<CliResult> {
  return runCli(args, h.api.url, h.api.tokens.both);
}

const optOut = (email: string) =>
  newEnvelope('consent.email-optout.v1', 'edge', { email, method: 'one-click' }) as unknown as ListEvent;

describe('help and version', () => {
  it('prints its version and each command’s own help', async () => {
    const version = await suppress(['--version']);
    expect(version.code).toBe(EXIT.ok);
    expect(version.stdout).toMatch(/^suppress \d+\.\d+\.\d+\n$/);
    for (const command of Object.keys(COMMANDS)) {
      const help = await suppress([command, '--help']);
      expect(help.code, command).toBe(EXIT.ok);
      expect(help.stdout).toContain(`usage: suppress ${command}`);
      expect(help.stdout).toContain(COMMANDS[command]!.split('\n')[0]!.trim());
    }
    const all = await suppress(['--help']);
    for (const command of Object.keys(COMMANDS))
      expect(all.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('takes the subject as the help shows it: suppress add carl@example.com', async () => {
    const carl = uniqueEmail('carl');
    const add = await suppress([
      'add',
      carl,
      '--channel',
      'email',
      '--purpose',
      'marketing',
      '--reason',
      'asked',
    ]);
    expect(add.code, add.stderr).toBe(EXIT.ok);
    const check = await suppress(['check', carl, '--channel', 'email', '--kind', 'marketing']);
    expect(check.code).toBe(EXIT.no);
    expect(check.stdout).toContain('NOT allowed');
    const history = await suppress(['history', carl]);
    expect(history.stdout).toMatch(/1 event/);
    const phone = await suppress([
      'add',
      '+1 415 555 0199',
      '--channel',
      'sms',
      '--purpose',
      'all',
      '--reason',
      'asked',
    ]);
    expect(phone.code, phone.stderr).toBe(EXIT.ok);
    const twice = await suppress([
      'add',
      carl,
      '--email',
      carl,
      '--channel',
      'email',
      '--purpose',
      'marketing',
      '--reason',
      'x',
    ]);
    expect(twice.code).toBe(EXIT.usage);
  });
});

describe('suppress send', () => {
  it('sends a test message and shows its outcome: suppressed with the reason, or sent', async () => {
    const ann = uniqueEmail('ann');
    await apply(h.api.ctx, [optOut(ann)]);
    const vars = ['--var', 'firstName=Ann', '--var', 'headline=Deals', '--var', 'body=30% off'];
    const suppressed = await suppress(['send', ann, '--template', 'newsletter-weekly', ...vars, '--wait']);
    expect(suppressed.code, suppressed.stderr).toBe(EXIT.no);
    expect(suppressed.stdout).toMatch(/: suppressed/);
    expect(suppressed.stdout).toContain('email-optout');

    const order = ['--var', 'firstName=Ann', '--var', 'orderNumber=A-7', '--var', 'total=$5'];
    const sent = await suppress([
      'send',
      ann,
      '--template',
      'order-confirmation',
      ...order,
      '--wait',
      '--json',
    ]);
    expect(sent.code, sent.stderr).toBe(EXIT.ok);
    expect(JSON.parse(sent.stdout).status).toBe('sent');
    const mail = (await h.ses.emails()).filter((m) => m.destination.to.join(',').includes(ann.toLowerCase()));
    expect(mail.map((m) => m.subject)).toEqual(['Your order A-7 is confirmed']);

    const bad = await suppress(['send', ann, '--template', 'no-such-template']);
    expect(bad.code).toBe(EXIT.api);
    expect(bad.stderr).toMatch(/template/);
  });
});

describe('entries and lift', () => {
  it('lists by reason, and lifts a person’s own opt-out only with proof of consent or a confirmed --force', async () => {
    const dora = uniqueEmail('dora');
    const eve = uniqueEmail('eve');
    await apply(h.api.ctx, [optOut(dora), optOut(eve)]);
    const listed = await suppress(['entries', dora, '--reason', 'email-optout', '--json']);
    expect(listed.code, listed.stderr).toBe(EXIT.ok);
    expect(JSON.parse(listed.stdout).entries.map((e: { address: string }) => e.address)).toEqual([
      dora.toLowerCase(),
    ]);

    const lift = ['--channel', 'email', '--purpose', 'marketing', '--reason', 'customer called'];
    const refused = await suppress(['lift', dora, ...lift]);
    expect(refused.code).toBe(EXIT.api);
    expect(refused.stderr).toMatch(/409.*consent/);
    const noTerminal = await suppress(['lift', dora, ...lift, '--force']);
    expect(noTerminal.code).toBe(EXIT.usage);
    expect(noTerminal.stderr).toMatch(/--force asks first/);
    const withProof = await suppress(['lift', dora, ...lift, '--consent-ref', 'double-opt-in:42']);
    expect(withProof.code, withProof.stderr).toBe(EXIT.ok);

    // On a terminal, --force asks; "n" lifts nothing, "y" lifts.
    const ask = async (answer: string) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      let out = '';
      const sink = new Writable({
        write(c, _e, cb) {
          out += c;
          cb();
        },
      });
      const done = run(
        ['lift', eve, ...lift, '--force'],
        { apiUrl: h.api.url, token: h.api.tokens.both },
        {
          stdout: sink,
          stderr: sink,
          stdin,
        },
      );
      stdin.write(`${answer}\n`);
      return { code: await done, out };
    };
    const no = await ask('n');
    expect(no.code).toBe(EXIT.no);
    expect(no.out).toMatch(/without proof of consent\?.*\[y\/N\]/);
    expect((await suppress(['check', eve, '--channel', 'email', '--kind', 'marketing'])).code).toBe(EXIT.no);
    const yes = await ask('y');
    expect(yes.code, yes.out).toBe(EXIT.ok);
    expect((await suppress(['check', eve, '--channel', 'email', '--kind', 'marketing'])).code).toBe(EXIT.ok);
  });
});
