// Property-based fuzz of SES notifications through SNS (issue 10) on real HTTP, real Kafka and the
// real complaint-consumer: random bodies, and signed notifications with random recipients (good,
// malformed, with controls), random bounce types and random free-text fields. Never a 5xx,
// nothing published for a refused request, every accepted hard bounce and complaint on the list.
import type { CheckQuery } from '@sp/suppression';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsCertificateFetcher } from '../src/sns-verify';
import { allSuppressed, anyText, controlChar, freshEmail, fuzzRuns } from './fuzz';
import { published } from './helpers';
import { type Pipeline, startPipeline } from './pipeline';
import { type SnsSigner, startSnsSigner } from './sns-signing';

const ARN = 'arn:aws:sns:us-east-1:123456789012:ses-feedback';
let p: Pipeline;
let signer: SnsSigner;
beforeAll(async () => {
  signer = await startSnsSigner();
  p = await startPipeline(
    { SNS_TOPIC_ARNS: ARN, SNS_CERT_HOST_PATTERN: '^localhost$' },
    { fetchCertificate: httpsCertificateFetcher({ ca: signer.certPem }) },
  );
});
afterAll(async () => {
  await p?.close();
  signer?.close();
});

type Recipient = { email: string; valid: boolean };
const recipient: fc.Arbitrary<Recipient> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(null).map(() => ({ email: freshEmail('sns'), valid: true })) },
  { weight: 1, arbitrary: controlChar.map((c) => ({ email: `${c}${freshEmail('sns')}`, valid: false })) },
  { weight: 1, arbitrary: anyText.map((email) => ({ email, valid: false })) },
);
const text = fc.option(anyText, { nil: undefined });

// Shaped like SES's bounce and complaint notifications (AWS's documented fields), values random.
const ses = fc.oneof(
  fc
    .record({
      recipients: fc.array(recipient, { minLength: 1, maxLength: 3 }),
      bounceType: fc.oneof(fc.constantFrom('Permanent', 'Permanent', 'Transient', 'Undetermined'), anyText),
      bounceSubType: text,
      diagnosticCode: text,
    })
    .map((b) => ({
      recipients: b.recipients,
      suppresses: b.bounceType === 'Permanent',
      message: {
        notificationType: 'Bounce',
        bounce: {
          bounceType: b.bounceType,
          ...(b.bounceSubType !== undefined ? { bounceSubType: b.bounceSubType } : {}),
          bouncedRecipients: b.recipients.map((r) => ({
            emailAddress: r.email,
            ...(b.diagnosticCode !== undefined ? { diagnosticCode: b.diagnosticCode } : {}),
          })),
          timestamp: new Date().toISOString(),
          feedbackId: 'fuzz-bounce',
        },
        mail: { messageId: 'fuzz-mail', destination: b.recipients.map((r) => r.email) },
      } as object,
    })),
  fc
    .record({
      recipients: fc.array(recipient, { minLength: 1, maxLength: 3 }),
      feedbackType: text,
      userAgent: text,
      campaign: text,
    })
    .map((c) => ({
      recipients: c.recipients,
      suppresses: true,
      message: {
        eventType: 'Complaint',
        complaint: {
          complainedRecipients: c.recipients.map((r) => ({ emailAddress: r.email })),
          ...(c.feedbackType !== undefined ? { complaintFeedbackType: c.feedbackType } : {}),
          ...(c.userAgent !== undefined ? { userAgent: c.userAgent } : {}),
          timestamp: new Date().toISOString(),
        },
        mail: {
          messageId: 'fuzz-mail',
          ...(c.campaign !== undefined ? { tags: { campaign: [c.campaign] } } : {}),
        },
      } as object,
    })),
);

const request = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('signed' as const),
      ses,
      subject: text,
      tamper: fc.oneof(
        { weight: 5, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('not-ses' as const), message: anyText }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('junk' as const),
      body: fc.oneof(anyText, fc.json()),
      contentType: fc.constantFrom('text/plain; charset=UTF-8', 'application/json', 'text/plain'),
    }),
  },
);

describe('SNS fuzz (issue 10)', () => {
  it('never answers 5xx, publishes exactly what it says it did, and every accepted hard bounce or complaint is on the list', async () => {
    const before = await published(p.edge);
    let announced = 0;
    const expected: CheckQuery[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let body: string;
        let contentType = 'text/plain; charset=UTF-8';
        if (r.kind === 'junk') {
          body = r.body;
          contentType = r.contentType;
        } else {
          const m = signer.sign(
            r.kind === 'not-ses'
              ? { ...signer.notification({}, ARN), Message: r.message }
              : signer.notification(
                  r.ses.message,
                  ARN,
                  r.subject !== undefined ? { Subject: r.subject } : {},
                ),
          );
          if (r.kind === 'signed' && r.tamper) m.Message = `${m.Message} `;
          body = JSON.stringify(m);
        }
        const res = await fetch(`${p.edge.url}/aws/sns`, {
          method: 'POST',
          headers: { 'content-type': contentType, 'x-amz-sns-message-type': 'Notification' },
          body,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect([200, 400, 403, 413, 415]).toContain(res.status);
        if (res.status !== 200) return;
        expect(r.kind === 'junk' || (r.kind === 'signed' && r.tamper)).toBe(false);
        const answer = JSON.parse(text) as { published: number };
        announced += answer.published;
        if (r.kind !== 'signed') return;
        const valid = r.ses.recipients.filter((x) => x.valid);
        // At least the recipients made valid (a random string is, very rarely, an address too).
        expect(answer.published).toBeGreaterThanOrEqual(valid.length);
        if (r.ses.suppresses)
          for (const v of valid)
            expected.push({
              subject: { type: 'email', value: v.email },
              channel: 'email',
              kind: 'marketing',
            });
      }),
      { numRuns: fuzzRuns(500) },
    );
    const after = await published(p.edge);
    expect(after.bounce + after.complaint - before.bounce - before.complaint).toBe(announced);
    expect(expected.length).toBeGreaterThan(0);
    await allSuppressed(p.list, expected);
    console.info(`sns fuzz: ${JSON.stringify(Object.fromEntries(statuses))}, ${expected.length} on the list`);
  });
});
