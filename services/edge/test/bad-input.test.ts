// Bodies the edge cannot read get a 4xx with a reason on every route, unknown ones included,
// and before any signature or token check (R-OC-4: never a 5xx for bad input; issue 10 item 6).
// Before the fix, busboy's parse errors carried no status and read as a 503 outage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { published, startEdge, type TestEdge, uniqueEmail } from './helpers';

let edge: TestEdge;
beforeAll(async () => {
  edge = await startEdge({ BODY_LIMIT_BYTES: '4096', SNS_TOPIC_ARNS: 'arn:aws:sns:us-east-1:1:t' });
});
afterAll(async () => {
  await edge?.close();
});

interface Case {
  what: string;
  contentType: string;
  body: string;
  status: number;
  reason: string;
}

const CRLF = '\r\n';
const cases: Case[] = [
  {
    what: 'multipart whose body is not multipart',
    contentType: 'multipart/form-data; boundary=xyz',
    body: 'List-Unsubscribe=One-Click',
    status: 400,
    reason: 'could not be read',
  },
  {
    what: 'multipart without a boundary',
    contentType: 'multipart/form-data',
    body: `--xyz${CRLF}Content-Disposition: form-data; name="a"${CRLF}${CRLF}b${CRLF}--xyz--${CRLF}`,
    status: 400,
    reason: 'could not be read',
  },
  {
    what: 'multipart cut short',
    contentType: 'multipart/form-data; boundary=xyz',
    body: `--xyz${CRLF}Content-Disposition: form-data; name="List-Unsubscribe"${CRLF}${CRLF}One-Cl`,
    status: 400,
    reason: 'could not be read',
  },
  {
    what: 'multipart carrying a file',
    contentType: 'multipart/form-data; boundary=xyz',
    body: `--xyz${CRLF}Content-Disposition: form-data; name="f"; filename="a.txt"${CRLF}Content-Type: text/plain${CRLF}${CRLF}hello${CRLF}--xyz--${CRLF}`,
    status: 413,
    reason: 'Files are not accepted',
  },
  {
    what: 'bad JSON',
    contentType: 'application/json',
    body: '{"subjects":',
    status: 400,
    reason: 'could not be read',
  },
  { what: 'empty JSON', contentType: 'application/json', body: '', status: 400, reason: 'could not be read' },
  {
    what: 'JSON with a prototype key',
    contentType: 'application/json',
    body: '{"__proto__":{"admin":true}}',
    status: 400,
    reason: 'could not be read',
  },
  {
    what: 'an unsupported type',
    contentType: 'application/xml',
    body: '<a/>',
    status: 415,
    reason: 'Unsupported media type',
  },
  {
    what: 'a charset our parsers cannot read',
    contentType: 'application/x-www-form-urlencoded; charset=utf-16le',
    body: 'a=b',
    status: 415,
    reason: 'unsupported charset "utf-16le"',
  },
  {
    what: 'a body over the limit',
    contentType: 'application/x-www-form-urlencoded',
    body: `Body=${'x'.repeat(5000)}`,
    status: 413,
    reason: 'too large',
  },
];

// A type no parser takes is only looked at once a route matched: an unknown route stays a 404.
function expected(path: string, c: Case): { status: number; reason: string } {
  return path === '/no/such/route' && c.status === 415 && !c.reason.includes('charset')
    ? { status: 404, reason: 'not found' }
    : c;
}

describe('unreadable bodies (issue 10 item 6, R-OC-4)', () => {
  it('get 400/413/415 with a reason on every route, before any signature or token check, and publish nothing', async () => {
    const token = edge.sealer.seal({ email: uniqueEmail('bad-input') });
    const routes: [string, Record<string, string>][] = [
      ['/twilio/sms', { 'x-twilio-signature': 'not-checked-yet' }],
      [`/u/${token}`, {}],
      ['/privacy/do-not-sell', {}],
      ['/v1/privacy/do-not-sell', { authorization: `Bearer ${edge.dnsApiToken}` }],
      ['/aws/sns', {}],
      ['/no/such/route', {}],
    ];
    const seen: string[] = [];
    for (const [path, headers] of routes) {
      for (const c of cases) {
        const res = await fetch(`${edge.url}${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': c.contentType },
          body: c.body,
        });
        const text = await res.text();
        const want = expected(path, c);
        seen.push(
          `${path} ${c.what}: ${res.status} ${res.status === want.status && text.includes(want.reason)}`,
        );
      }
    }
    expect(seen).toEqual(
      routes.flatMap(([path]) => cases.map((c) => `${path} ${c.what}: ${expected(path, c).status} true`)),
    );
    expect(await published(edge)).toEqual({
      emailOptOut: 0,
      smsInbound: 0,
      doNotSell: 0,
      complaint: 0,
      bounce: 0,
    });

    // The same route still takes a well-formed one-click POST (and the count above could move).
    const ok = await fetch(`${edge.url}/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: `--xyz${CRLF}Content-Disposition: form-data; name="List-Unsubscribe"${CRLF}${CRLF}One-Click${CRLF}--xyz--${CRLF}`,
    });
    expect(ok.status).toBe(200);
    expect((await published(edge)).emailOptOut).toBe(1);
  });
});
