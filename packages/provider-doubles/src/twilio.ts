// A small double of Twilio's Messages API on loopback: form-encoded requests with HTTP basic
// auth, Twilio's JSON resources and error bodies (21610 for a recipient who replied STOP).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: 'queued';
  date_created: string;
  direction: 'outbound-api';
}

export interface TwilioFailure {
  status: number;
  code: number;
  message: string;
}

export interface TwilioDouble {
  /** Base URL to aim the twilio client at (instead of https://api.twilio.com). */
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages accepted so far, oldest first. */
  messages: TwilioMessage[];
  /** Recipients for whom sends fail with 21610, as after a STOP handled by Twilio itself. */
  optOut(to: string): void;
  /** The next `count` sends fail with this error (e.g. 429 / 20429, 503 / 20500). */
  failNext(failure: TwilioFailure, count?: number): void;
  close(): Promise<void>;
}

const MORE_INFO = 'https://www.twilio.com/docs/errors/';

function error(res: ServerResponse, status: number, code: number, message: string) {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ code, message, more_info: `${MORE_INFO}${code}`, status }));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTwilioDouble(
  opts: { accountSid?: string; authToken?: string; host?: string; port?: number } = {},
): Promise<TwilioDouble> {
  const accountSid = opts.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = opts.authToken ?? randomBytes(16).toString('hex');
  const messages: TwilioMessage[] = [];
  const optedOut = new Set<string>();
  const failures: TwilioFailure[] = [];
  const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

  const server = createServer((req, res) => {
    void (async () => {
      const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        error(res, 401, 20003, 'Authenticate');
        return;
      }
      const url = (req.url ?? '').split('?')[0];
      if (url !== path) {
        error(res, 404, 20404, `The requested resource ${url} was not found`);
        return;
      }
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages }));
        return;
      }
      if (req.method !== 'POST') {
        error(res, 405, 20004, 'Method not allowed');
        return;
      }
      const form = await readForm(req);
      const to = form.get('To');
      const from = form.get('From');
      const service = form.get('MessagingServiceSid');
      const body = form.get('Body');
      if (!to) return error(res, 400, 21604, "A 'To' phone number is required.");
      if (!from && !service) return error(res, 400, 21603, "A 'From' phone number is required.");
      if (!body) return error(res, 400, 21602, 'Message body is required.');
      const failure = failures.shift();
      if (failure) return error(res, failure.status, failure.code, failure.message);
      if (optedOut.has(to)) return error(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
      const msg: TwilioMessage = {
        sid: `SM${randomBytes(16).toString('hex')}`,
        account_sid: accountSid,
        to,
        from: from ?? null,
        messaging_service_sid: service ?? null,
        body,
        status: 'queued',
        date_created: new Date().toUTCString(),
        direction: 'outbound-api',
      };
      messages.push(msg);
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ...msg, api_version: '2010-04-01', num_segments: '1', error_code: null }));
    })().catch(() => error(res, 500, 20500, 'Internal Server Error'));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    accountSid,
    authToken,
    messages,
    optOut: (to) => void optedOut.add(to),
    failNext: (failure, count = 1) => {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
