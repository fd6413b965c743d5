// `npm start` driven from outside, as a user runs it: its own process group (so Ctrl-C, or a
// kill -9, reaches npm and node alike), the URLs read from its banner, answers from the CLI.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@sp/testing';
import { createTransport } from 'nodemailer';
import twilio from 'twilio';

export const repo = fileURLToPath(new URL('../../..', import.meta.url));

export interface Ports {
  edge: number;
  api: number;
  smtp: number;
}

export interface Standalone {
  edge: string;
  api: string;
  smtpPort: number;
  twilio: string;
  /** The process's one ops server (/healthz, /readyz, /metrics). */
  ops: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Ctrl-C: SIGINT to the process group; resolves when it exited. */
  stop(): Promise<void>;
  /** kill -9 of the whole process group; resolves when it is gone. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Starts `npm start` with the given environment on top of the test's own (no Kafka, no PostgreSQL). */
export async function startStandalone(ports: Ports, env: Record<string, string>): Promise<Standalone> {
  const child = spawn('npm', ['start'], {
    cwd: repo,
    detached: true,
    env: {
      ...process.env,
      EDGE_PORT: String(ports.edge),
      API_PORT: String(ports.api),
      SMTP_PORT: String(ports.smtp),
      SES_PORT: '0',
      TWILIO_PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: '',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => live.delete(child));
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  await waitFor('the start banner', () => out.includes('Ctrl-C stops it') || child.exitCode !== null, {
    timeoutMs: 120_000,
  });
  if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${out}`);
  const url = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(out)?.[1] ?? '';
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(-child.pid, sig);
    }
    await exited;
  };
  return {
    edge: url('public edge'),
    api: url('internal API'),
    smtpPort: ports.smtp,
    twilio: url('Twilio stand-in'),
    ops: url('\n  ops'),
    output: () => out,
    stop: () => signal('SIGINT'),
    kill: async () => {
      await signal('SIGKILL');
      // npm is the group leader; node may still be exiting: wait until the group is gone.
      await waitFor('the process group gone', () => !groupAlive(child.pid));
    },
  };
}

function groupAlive(pgid: number | undefined): boolean {
  if (pgid === undefined) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills whatever a failed test left running. */
export async function killAll(): Promise<void> {
  for (const child of live) {
    if (child.pid !== undefined && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  }
}

/** The `suppress` CLI against an API, with `--json`. */
export function suppress(api: string, token: string, args: string[]) {
  const r = spawnSync(
    join(repo, 'node_modules/.bin/tsx'),
    [join(repo, 'services/cli/src/main.ts'), ...args, '--json'],
    {
      env: { ...process.env, SUPPRESS_API_URL: api, SUPPRESS_API_TOKEN: token },
      encoding: 'utf8',
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The texts the Twilio stand-in was asked to send to one number. */
export async function textsTo(
  twilioUrl: string,
  account: { sid: string; authToken: string },
  to: string,
): Promise<{ to: string; body: string }[]> {
  const r = await fetch(`${twilioUrl}/2010-04-01/Accounts/${account.sid}/Messages.json`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${account.sid}:${account.authToken}`).toString('base64')}`,
    },
  });
  const { messages } = (await r.json()) as { messages: { to: string; body: string }[] };
  return messages.filter((m) => m.to === to);
}

/** A one-click unsubscribe as a mailbox provider posts it (RFC 8058) on the link the API makes; the status. */
export async function oneClickUnsubscribe(api: string, token: string, email: string): Promise<number> {
  const linkRes = suppress(api, token, ['link', '--email', email]);
  if (linkRes.code !== 0) throw new Error(`suppress link failed: ${linkRes.err}`);
  const link = (JSON.parse(linkRes.out) as { url: string }).url;
  const res = await fetch(link, {
    method: 'POST',
    body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
    redirect: 'manual',
  });
  return res.status;
}

/** A text as Twilio posts it to the edge's webhook, signed with the account's auth token; the status. */
export async function twilioWebhook(
  edge: string,
  authToken: string,
  params: Record<string, string>,
): Promise<number> {
  const webhook = `${edge}/twilio/sms`;
  const res = await fetch(webhook, {
    method: 'POST',
    headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, webhook, params) },
    body: new URLSearchParams(params),
  });
  return res.status;
}

/** A feedback-loop report (ARF, RFC 5965) naming the complainant, as a mailbox provider sends one. */
function arfReport(complainant: string): string {
  const b = 'arf-boundary-1';
  return [
    'From: Mail Feedback <feedback@fbl.mailbox.example>',
    'To: abuse@abuse.localhost',
    'Subject: Email Feedback Report',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is an email abuse report.',
    '',
    `--${b}`,
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: SomeMailboxFBL/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${complainant}`,
    '',
    `--${b}`,
    'Content-Type: message/rfc822',
    '',
    'From: Shop <news@shop.example>',
    `To: ${complainant}`,
    'Subject: 30% off',
    '',
    'Deals!',
    `--${b}--`,
    '',
  ].join('\r\n');
}

/** Delivers an ARF report about `complainant` to the abuse@ inbox over SMTP; the server's last reply. */
export async function mailArfReport(smtpPort: number, complainant: string): Promise<string> {
  const mailer = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  try {
    const info = await mailer.sendMail({
      envelope: { from: 'feedback@fbl.mailbox.example', to: ['abuse@abuse.localhost'] },
      raw: arfReport(complainant),
    });
    return info.response;
  } finally {
    mailer.close();
  }
}
