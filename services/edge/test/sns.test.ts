// SES notifications through SNS (R-AB-3, R-AB-4): messages signed like SNS signs them, with a
// certificate this test made and serves over HTTPS on loopback; subscription confirmation hits
// a local HTTP server standing in for SNS's SubscribeURL.

import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsCertificateFetcher } from '../src/sns-verify';
import { events, published, startEdge, type TestEdge, uniqueEmail } from './helpers';
import { listen, type Sns, type SnsSigner, startSnsSigner } from './sns-signing';

const ARN = 'arn:aws:sns:us-east-1:123456789012:ses-feedback';
const OTHER_ARN = 'arn:aws:sns:us-east-1:123456789012:someone-else';

let signer: SnsSigner;
let certUrl: string;
let confirmServer: Server;
let confirmBase: string;
const confirmHits: string[] = [];
let edge: TestEdge;

beforeAll(async () => {
  signer = await startSnsSigner();
  certUrl = signer.certUrl;
  confirmServer = createHttpServer((req, res) => {
    confirmHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
  });
  confirmBase = `http://127.0.0.1:${await listen(confirmServer, '127.0.0.1')}`;
  edge = await startEdge(
    { SNS_TOPIC_ARNS: ARN, SNS_CERT_HOST_PATTERN: '^localhost$' },
    { fetchCertificate: httpsCertificateFetcher({ ca: signer.certPem }) },
  );
});

afterAll(async () => {
  await edge?.close();
  signer?.close();
  confirmServer?.close();
});

const sign = (m: Sns, version: '1' | '2' = '2') => signer.sign(m, version);
const notification = (message: object, topicArn = ARN, extra: Sns = {}) =>
  signer.notification(message, topicArn, extra);

function bounce(email: string, bounceType = 'Permanent') {
  return {
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [
        {
          emailAddress: email,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: '2026-11-20T10:00:00.000Z',
      feedbackId: 'bounce-feedback-1',
      reportingMTA: 'dsn; a1.example.com',
    },
    mail: { messageId: 'ses-msg-1', destination: [email], someFutureField: true },
  };
}

function complaint(emails: string[]) {
  return {
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: emails.map((emailAddress) => ({ emailAddress })),
      complaintFeedbackType: 'abuse',
      userAgent: 'Yahoo!-Mail-Feedback/2.0',
      feedbackId: 'complaint-feedback-1',
      timestamp: '2026-11-20T11:00:00.000Z',
      arrivalDate: '2026-11-20T10:59:00.000Z',
    },
    mail: { messageId: 'ses-msg-2', tags: { campaign: ['black-friday'] } },
  };
}

async function post(body: object) {
  return fetch(`${edge.url}/aws/sns`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
    body: JSON.stringify(body),
  });
}

describe('SES via SNS', () => {
  it('R-AB-4: refuses a bad signature, a cert URL off an SNS host or over http, and an unexpected TopicArn; R-AB-3: a signed Permanent bounce and a complaint become events, one per recipient', async () => {
    const refusedEmail = uniqueEmail('refused');
    const tampered = sign(notification(bounce(refusedEmail)));
    tampered.Message = JSON.stringify(bounce(uniqueEmail('swapped')));
    expect((await post(tampered)).status).toBe(403);
    expect(
      (
        await post(
          sign(
            notification(bounce(refusedEmail), ARN, {
              SigningCertURL: 'https://evil.example.com/SimpleNotificationService-x.pem',
            }),
          ),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await post(
          sign(
            notification(bounce(refusedEmail), ARN, { SigningCertURL: certUrl.replace('https:', 'http:') }),
          ),
        )
      ).status,
    ).toBe(403);
    expect((await post(sign(notification(bounce(refusedEmail), OTHER_ARN)))).status).toBe(403);

    const bounced = uniqueEmail('bounced');
    const ok = await post(sign(notification(bounce(bounced)), '1'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ published: 1 });

    const c1 = uniqueEmail('complainer');
    const c2 = uniqueEmail('complainer2');
    const okc = await post(sign(notification(complaint([c1, c2]))));
    expect(okc.status).toBe(200);

    const bounces = await events<Record<string, unknown>>(edge, edge.topics.bounce, 1);
    expect(bounces[0]!.event.type).toBe('email.bounce.v1');
    expect(bounces[0]!.event.data).toEqual({
      email: bounced,
      bounceType: 'Permanent',
      bounceSubType: 'General',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      feedbackId: 'bounce-feedback-1',
    });
    expect(bounces[0]!.event.occurredAt).toBe('2026-11-20T10:00:00.000Z');
    expect(bounces[0]!.key).toBe(edge.keyer.keyOf({ type: 'email', value: bounced }));

    const complaints = await events<Record<string, unknown>>(edge, edge.topics.complaint, 2);
    expect(complaints.map((c) => c.event.data.email)).toEqual([c1, c2]);
    expect(complaints[0]!.event.data).toMatchObject({
      kind: 'ses',
      feedbackType: 'abuse',
      campaignId: 'black-friday',
    });
  });

  it('issue 10 item 9: a recipient the complaint-consumer would refuse is left out; a notification with no valid one is a 400 and publishes nothing', async () => {
    const before = await published(edge);
    const none = await post(sign(notification(bounce('not-an-address'))));
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('no recipient');
    const nul = await post(sign(notification(complaint([`a\u0000${uniqueEmail('nul')}`]))));
    expect(nul.status).toBe(400);
    expect(await published(edge)).toEqual(before);

    const good = uniqueEmail('kept');
    const mixed = await post(sign(notification(complaint(['x@@example.com', good]))));
    expect(mixed.status).toBe(200);
    expect(await mixed.json()).toEqual({ published: 1, skipped: 1 });
    const got = await events<{ email: string }>(edge, edge.topics.complaint, before.complaint + 1);
    expect(got.at(-1)!.event.data.email).toBe(good);
    expect(await published(edge)).toEqual({ ...before, complaint: before.complaint + 1 });
  });

  it('R-AB-4: SubscriptionConfirmation is confirmed for the expected topic only', async () => {
    const confirmation = (arn: string, token: string): Sns => ({
      Type: 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      Token: token,
      TopicArn: arn,
      Message: `You have chosen to subscribe to the topic ${arn}.`,
      SubscribeURL: `${confirmBase}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(arn)}&Token=${token}`,
      Timestamp: new Date().toISOString(),
    });
    const refused = await post(sign(confirmation(OTHER_ARN, 'tok-other')));
    expect(refused.status).toBe(403);
    expect(confirmHits.some((u) => u.includes('tok-other'))).toBe(false);

    const ok = await post(sign(confirmation(ARN, 'tok-expected')));
    expect(ok.status).toBe(200);
    expect(confirmHits.filter((u) => u.includes('tok-expected'))).toHaveLength(1);
  });
});
