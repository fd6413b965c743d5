// Deployables as real processes (their main.ts under tsx), for the kit's acceptance tests
// (issue 17): what they log (pino JSON lines on stdout), their ops endpoints, their exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Topics } from '@sp/contracts';
import { createTopic } from '@sp/testing';
import twilio from 'twilio';

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  lines: LogLine[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** GET on the ops server: status and the parsed body. */
  ops(path: '/healthz' | '/readyz' | '/metrics'): Promise<{ status: number; body: string }>;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts `services/<name>/src/main.ts` with exactly `env` (and PATH). */
export function startProcess(name: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: `${root}services/${name}`,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let rest = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        lines.push({ level: 0, msg: p });
      }
    }
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const opsPort = env.OPS_PORT;
  return {
    name,
    child,
    lines,
    stderr: () => err,
    exited,
    ops: async (path) => {
      const r = await fetch(`http://127.0.0.1:${opsPort}${path}`);
      return { status: r.status, body: await r.text() };
    },
  };
}

/** Keys the edge and the consumers share (the subject keys and the sealed events must agree). */
export function sharedSecrets() {
  return {
    SUBJECT_PEPPERS: `p1:${randomBytes(32).toString('base64url')}`,
    EVENT_KEYS: `e1:${randomBytes(32).toString('base64')}`,
    TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
    DNS_API_TOKEN: randomBytes(16).toString('hex'),
  };
}

/** Every catalog topic under `prefix` (what infra/topics/create-topics.sh makes in production). */
export async function makeAllTopics(brokers: string, prefix: string): Promise<void> {
  await Promise.all(
    Object.values(Topics).map((t) =>
      createTopic(brokers, '', { name: `${prefix}${t}`, partitions: t === Topics.changelog ? 1 : 2 }),
    ),
  );
}

/** A signed Twilio inbound-message webhook, as Twilio posts it to the edge. */
export function postTwilioSms(
  edgeUrl: string,
  publicBaseUrl: string,
  authToken: string,
  msg: { sid: string; from: string; body: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  const params = {
    AccountSid: 'AC00000000000000000000000000000000',
    MessageSid: msg.sid,
    From: msg.from,
    To: '+18005550100',
    Body: msg.body,
  };
  const signature = twilio.getExpectedTwilioSignature(authToken, `${publicBaseUrl}/twilio/sms`, params);
  return fetch(`${edgeUrl}/twilio/sms`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      ...headers,
    },
    body: new URLSearchParams(params).toString(),
  });
}
