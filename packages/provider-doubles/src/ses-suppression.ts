// The SES v2 account-level suppression list on the SES double, speaking the REST wire format AWS
// documents (API reference V2: PutSuppressedDestination, GetSuppressedDestination,
// DeleteSuppressedDestination, ListSuppressedDestinations), which aws-ses-v2-local does not serve.
// Errors as restJson1 services answer them: the status, `x-amzn-errortype`, `{"message"}`.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SuppressedDestination {
  EmailAddress: string;
  Reason: 'BOUNCE' | 'COMPLAINT';
  /** Unix time in seconds (the SDK reads it as a date). */
  LastUpdateTime: number;
  Attributes: { FeedbackId: string; MessageId?: string };
}

const PREFIX = '/v2/email/suppression/addresses';
const REASONS = new Set(['BOUNCE', 'COMPLAINT']);

export class SuppressionList {
  readonly entries = new Map<string, SuppressedDestination>();
  private feedback = 0;

  /** True when the request was one of the suppression-list operations (and has been answered). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://double');
    if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return false;
    const rest = url.pathname.slice(PREFIX.length + 1);
    if (url.pathname === PREFIX && req.method === 'PUT') {
      void readJson(req).then((body) => this.put(body, res));
      return true;
    }
    if (url.pathname === PREFIX && req.method === 'GET') {
      this.list(url.searchParams, res);
      return true;
    }
    const address = decodeURIComponent(rest).toLowerCase();
    if (rest !== '' && !rest.includes('/') && req.method === 'GET') {
      const d = this.entries.get(address);
      if (!d)
        error(
          res,
          404,
          'NotFoundException',
          `Email address ${address} does not exist on your suppression list.`,
        );
      else send(res, 200, { SuppressedDestination: d });
      return true;
    }
    if (rest !== '' && !rest.includes('/') && req.method === 'DELETE') {
      if (!this.entries.delete(address))
        error(
          res,
          404,
          'NotFoundException',
          `Email address ${address} does not exist on your suppression list.`,
        );
      else send(res, 200, {});
      return true;
    }
    error(res, 404, 'NotFoundException', 'no such operation on the suppression list');
    return true;
  }

  private put(body: unknown, res: ServerResponse): void {
    const b = body as { EmailAddress?: unknown; Reason?: unknown } | undefined;
    if (typeof b?.EmailAddress !== 'string' || !b.EmailAddress.includes('@')) {
      error(res, 400, 'BadRequestException', 'EmailAddress is required and must be an email address');
      return;
    }
    if (typeof b.Reason !== 'string' || !REASONS.has(b.Reason)) {
      error(res, 400, 'BadRequestException', 'Reason must be BOUNCE or COMPLAINT');
      return;
    }
    const address = b.EmailAddress.toLowerCase();
    this.feedback++;
    this.entries.set(address, {
      EmailAddress: address,
      Reason: b.Reason as SuppressedDestination['Reason'],
      LastUpdateTime: Math.floor(Date.now() / 1000),
      Attributes: { FeedbackId: `double-${this.feedback}` },
    });
    send(res, 200, {});
  }

  private list(q: URLSearchParams, res: ServerResponse): void {
    const reasons = q.getAll('Reason');
    const start = q.get('StartDate');
    const end = q.get('EndDate');
    const toSeconds = (v: string) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : Date.parse(v) / 1000);
    const size = Math.min(Number(q.get('PageSize') ?? 1000) || 1000, 1000);
    const from = Number(q.get('NextToken') ?? 0) || 0;
    const all = [...this.entries.values()].filter(
      (d) =>
        (reasons.length === 0 || reasons.includes(d.Reason)) &&
        (!start || d.LastUpdateTime >= toSeconds(start)) &&
        (!end || d.LastUpdateTime <= toSeconds(end)),
    );
    const page = all.slice(from, from + size);
    send(res, 200, {
      SuppressedDestinationSummaries: page.map(({ EmailAddress, Reason, LastUpdateTime }) => ({
        EmailAddress,
        Reason,
        LastUpdateTime,
      })),
      ...(from + size < all.length ? { NextToken: String(from + size) } : {}),
    });
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
}
