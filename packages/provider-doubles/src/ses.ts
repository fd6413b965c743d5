// AWS SES v2 on loopback: aws-ses-v2-local in this process, with typed access to its store.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sesLocal from 'aws-ses-v2-local';
import { type SuppressedDestination, SuppressionList } from './ses-suppression';

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

export interface SesEmulator {
  /** The endpoint to give SESv2Client (`endpoint`). */
  url: string;
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  /** The account-level suppression list this double keeps (also served over its HTTP API). */
  suppressionList(): SuppressedDestination[];
  close(): Promise<void>;
}

type ServerFn = (cfg: { host: string; port: number }) => Promise<Server>;

export async function startSesEmulator(opts: { host?: string; port?: number } = {}): Promise<SesEmulator> {
  // CommonJS module: from ESM its function may arrive as `default` or `default.default`.
  const mod = sesLocal as unknown as { default: ServerFn | { default: ServerFn } };
  const start: ServerFn = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const host = opts.host ?? '127.0.0.1';
  const server = await start({ host, port: opts.port ?? 0 });
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  // The suppression-list operations answer first; everything else goes to aws-ses-v2-local.
  const suppressions = new SuppressionList();
  const local = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!suppressions.handle(req, res)) for (const l of local) l(req, res);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    emails: async () => {
      const res = await fetch(`${url}/store`);
      const body = (await res.json()) as { emails: StoredEmail[] };
      return body.emails;
    },
    suppressionList: () => [...suppressions.entries.values()],
    clear: async () => {
      await fetch(`${url}/clear-store`, { method: 'POST' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
