// The operational HTTP endpoints every service exposes: /healthz (the process answers),
// /readyz (its dependencies answer) and /metrics (Prometheus text format).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

export async function startOpsServer(opts: {
  port: number;
  host?: string;
  registries: Registry[];
  /** The checks of /readyz, or a function giving them at each request (they may change as a service starts). */
  checks: ReadinessCheck[] | (() => ReadinessCheck[]);
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      void Promise.all(
        (typeof opts.checks === 'function' ? opts.checks() : opts.checks).map(
          async (c) => [c.name, await c.check().catch(() => false)] as const,
        ),
      ).then((results) => {
        const ready = results.every(([, ok]) => ok);
        res
          .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) }),
          );
      });
      return;
    }
    if (path === '/metrics') {
      void Promise.all(opts.registries.map((r) => r.metrics())).then(
        (texts) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(texts.join('\n'));
        },
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
