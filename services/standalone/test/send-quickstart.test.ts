// Issue 14 acceptance: `npm start` on a fresh data dir, and the banner's "Try it" commands run
// as a new user pastes them into a shell (bash, curl): the opt-out, then the newsletter send to
// the same address, whose outcome over HTTP is "suppressed" with the reason, and nothing at the
// SES stand-in; then the banner's two `export` lines point the CLI at the API.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@sp/testing';
import { afterAll, expect, it } from 'vitest';
import { killAll, repo, type Standalone, startStandalone } from './npm-start';

const dataDir = mkdtempSync(join(tmpdir(), 'sp-send-quickstart-'));
let running: Standalone | undefined;

afterAll(async () => {
  await running?.stop();
  await killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The banner's shell commands between "Try it:" and the end, continuation lines joined, comments dropped. */
function tryItCommands(banner: string): string[] {
  const block = banner.slice(banner.indexOf('Try it:'), banner.indexOf('Ctrl-C stops it'));
  const commands: string[] = [];
  let current = '';
  let quoted = false;
  for (const raw of block.split('\n').slice(1)) {
    const text = raw.trim();
    if (!quoted && (text === '' || text.startsWith('#'))) continue;
    current += `${current ? '\n' : ''}${raw}`;
    quoted = (current.match(/'/g)?.length ?? 0) % 2 === 1;
    if (!quoted && !text.endsWith('\\')) {
      commands.push(current.trim());
      current = '';
    }
  }
  return commands;
}

function sh(script: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['-c', script], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

it('shows a newsletter to the address the banner opted out as suppressed in the outcome API, sending nothing', async () => {
  running = await startStandalone(
    { edge: await freePort(), api: await freePort(), smtp: await freePort() },
    { DATA_DIR: dataDir },
  );
  const banner = running.output();
  const commands = tryItCommands(banner);
  const find = (re: RegExp) => {
    const c = commands.find((x) => re.test(x));
    if (!c) throw new Error(`no command matching ${re} in the banner:\n${banner}`);
    return c;
  };
  const link = find(/^link=/);
  const oneClick = find(/^curl .*"\$link"/);
  const check = find(/\/v1\/check /);
  const send = find(/\/v1\/messages\/email /);
  const outcome = find(/^curl -s http\S+\/v1\/messages\//);
  const exports = commands.filter((c) => c.startsWith('export '));
  expect(exports.map((c) => c.split('=')[0])).toEqual([
    'export SUPPRESS_API_URL',
    'export SUPPRESS_API_TOKEN',
  ]);

  // The opt-out, as the banner says; then the check answers "not allowed" once it is applied.
  const optedOut = sh(`${link}\n${oneClick}`);
  expect(optedOut.code, optedOut.err).toBe(0);
  await waitFor('the check to say not allowed', () => /"allowed":false/.test(sh(check).out));

  const accepted = sh(send);
  expect(accepted.out).toMatch(/"status":"accepted"/);
  const answer = await waitFor('the outcome of the newsletter', () => {
    const r = sh(outcome).out;
    return /"status":"(suppressed|sent|failed)"/.test(r) ? r : undefined;
  });
  const body = JSON.parse(answer) as { status: string; reasons: { reason: string }[] };
  expect(body.status).toBe('suppressed');
  expect(body.reasons.map((r) => r.reason)).toContain('email-optout');

  // Nothing reached the SES stand-in for ann (its store, as its page shows it).
  const ses = /SES stand-in\s+(\S+)/.exec(banner)?.[1];
  const store = (await (await fetch(`${ses}/store`)).json()) as {
    emails: { destination: { to: string[] } }[];
  };
  expect(store.emails.filter((m) => m.destination.to.join(',').includes('ann@example.com'))).toHaveLength(0);

  // The two export lines point the CLI at this API: it says ann may not get marketing (exit 1).
  const cli = sh(
    `${exports.join('\n')}\nnode_modules/.bin/tsx services/cli/src/main.ts check --email ann@example.com --channel email --kind marketing --json`,
    { SUPPRESS_API_URL: '', SUPPRESS_API_TOKEN: '' },
  );
  expect(cli.code, cli.err).toBe(1);
  expect(JSON.parse(cli.out).allowed).toBe(false);
}, 240_000);
