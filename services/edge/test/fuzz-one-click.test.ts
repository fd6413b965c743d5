// Property-based fuzz of the unsubscribe link's POST (RFC 8058 one-click and the page's form,
// issue 10) on real HTTP, real Kafka and the real optout-consumer: random tokens, bodies and
// content types, plus valid tokens. Never a 5xx, nothing published for a refused request, every
// accepted opt-out on the list.
import type { CheckQuery } from '@sp/suppression';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSuppressed, anyText, freshEmail, fuzzRuns } from './fuzz';
import { published } from './helpers';
import { type Pipeline, startPipeline } from './pipeline';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

type Token =
  | { kind: 'valid'; topic?: string }
  | { kind: 'tampered'; at: number }
  | { kind: 'random'; text: string };
const token: fc.Arbitrary<Token> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      topic: fc.option(fc.constantFrom('weekly', 'deals'), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tampered' as const), at: fc.nat(60) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('random' as const),
      text: anyText.filter((t) => t.length > 0 && t.length < 3000),
    }),
  },
);

const CRLF = '\r\n';
const multipart = (fields: [string, string][]) =>
  fields
    .map(([k, v]) => `--b0undary${CRLF}Content-Disposition: form-data; name="${k}"${CRLF}${CRLF}${v}${CRLF}`)
    .join('') + `--b0undary--${CRLF}`;

// What a mailbox provider (or a scanner, or an attacker) posts.
type Body = { contentType?: string; body: string };
const body: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constant({
      contentType: 'application/x-www-form-urlencoded',
      body: 'List-Unsubscribe=One-Click',
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constant({
      contentType: 'multipart/form-data; boundary=b0undary',
      body: multipart([['List-Unsubscribe', 'One-Click']]),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('all', 'topic', 'none')
      .map((scope) => ({ contentType: 'application/x-www-form-urlencoded', body: `scope=${scope}` })),
  },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(
        anyText.filter((k) => k.length < 100),
        anyText,
        { maxKeys: 4 },
      )
      .map((d) => ({
        contentType: 'application/x-www-form-urlencoded',
        body: new URLSearchParams(d).toString(),
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(fc.string({ maxLength: 20 }), anyText), { maxLength: 4 })
      .map((f) => ({ contentType: 'multipart/form-data; boundary=b0undary', body: multipart(f) })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      contentType: fc.option(
        fc.oneof(
          fc.constantFrom(
            'text/plain',
            'application/json',
            'multipart/form-data',
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded; charset=latin1',
            'application/octet-stream',
          ),
          fc.string({ maxLength: 40 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
        ),
        { nil: undefined },
      ),
      body: anyText,
    }),
  },
);

describe('one-click fuzz (issue 10)', () => {
  it('never answers 5xx, publishes exactly the accepted opt-outs, and every one of them is on the list', async () => {
    const before = await published(p.edge);
    let accepted = 0;
    const optedOut: CheckQuery[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(token, body, async (t, b) => {
        const email = freshEmail('oc');
        const sealed = p.edge.sealer.seal({
          email,
          ...(t.kind === 'valid' && t.topic ? { topic: t.topic } : {}),
        });
        // Tampering never touches the last character: its low bits may be base64 padding.
        const at = sealed.length - 2 - (t.kind === 'tampered' ? t.at % 20 : 0);
        const tampered = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
        const path =
          t.kind === 'valid' ? sealed : t.kind === 'tampered' ? tampered : encodeURIComponent(t.text);
        const res = await fetch(`${p.edge.url}/u/${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: b.contentType !== undefined ? { 'content-type': b.contentType } : {},
          body: b.body,
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        // 414: a token longer than the router takes (2,048 characters; a sealed token is ~200).
        expect([200, 400, 404, 413, 414, 415]).toContain(res.status);
        expect(res.headers.get('location')).toBeNull();
        if (res.status !== 200) return;
        expect(t.kind).toBe('valid');
        accepted++;
        optedOut.push({
          subject: { type: 'email', value: email },
          channel: 'email',
          kind: 'marketing',
          ...(t.kind === 'valid' && t.topic ? { topic: t.topic } : {}),
        });
      }),
      { numRuns: fuzzRuns(800) },
    );
    const after = await published(p.edge);
    expect(after.emailOptOut - before.emailOptOut).toBe(accepted);
    expect(accepted).toBeGreaterThan(0);
    await allSuppressed(p.list, optedOut);
    console.info(`one-click fuzz: ${JSON.stringify(Object.fromEntries(statuses))}, ${accepted} on the list`);
  });
});
