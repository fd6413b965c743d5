// Issue 14 acceptance, send API: send requests posted over HTTP reach the real senders through the
// real broker; what the list suppresses never reaches SES or Twilio (their stand-ins' stores are
// read over HTTP) and its outcome, read over HTTP, names the reason. Every answer is validated
// against the OpenAPI document by the harness's client.
import { randomUUID } from 'node:crypto';
import { newEnvelope } from '@sp/contracts';
import { apply, type ListEvent } from '@sp/suppression';
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRoutes } from '../src/messages-spec';
import { uniqueEmail } from './harness';
import { OUR_NUMBER, type SendHarness, startSendHarness } from './send-harness';

let h: SendHarness;
beforeAll(async () => {
  h = await startSendHarness();
}, 120_000);
afterAll(async () => {
  // Every documented success answer of the send API was produced (and validated) in this file.
  if (h) {
    const seen = [...h.api.seen].map((s) => s.split(' ').slice(0, 2).join(' '));
    for (const r of Object.values(messageRoutes)) {
      for (const status of Object.keys(r.responses).filter((x) => x.startsWith('2')))
        expect(seen, `no validated answer for ${r.operationId} ${status}`).toContain(
          `${r.operationId} ${status}`,
        );
    }
  }
  await h?.close();
});

let phones = 0;
const uniquePhone = () => `+1415555${String(1000 + ((process.pid * 7 + phones++) % 9000)).padStart(4, '0')}`;

const newsletter = (to: string, messageId = `m-${randomUUID()}`) => ({
  messageId,
  to,
  templateId: 'newsletter-weekly',
  variables: { firstName: 'Ann', headline: 'Ink deals', body: '30% off toner' },
});
const orderConfirmation = (to: string) => ({
  messageId: `m-${randomUUID()}`,
  to,
  templateId: 'order-confirmation',
  variables: { firstName: 'Ann', orderNumber: 'A-1001', total: '$42.00' },
});

/** The outcome once a sender recorded a final state (pending and 404 are not final). */
async function outcomeOf(messageId: string) {
  return waitFor(`the outcome of ${messageId}`, async () => {
    const r = await h.api.call('GET', `/v1/messages/${encodeURIComponent(messageId)}`);
    return r.status === 200 && r.body.status !== 'pending' ? r.body : undefined;
  });
}

async function mailTo(address: string) {
  return (await h.ses.emails()).filter((m) =>
    m.destination.to.some((t) => t.toLowerCase().includes(address.toLowerCase())),
  );
}

const optOut = (email: string) =>
  newEnvelope('consent.email-optout.v1', 'edge', { email, method: 'one-click' }) as unknown as ListEvent;
const smsStop = (from: string) =>
  ({
    ...newEnvelope('consent.sms-inbound.v1', 'edge', { from, to: OUR_NUMBER, body: 'STOP' }),
    intent: 'opt-out',
  }) as unknown as ListEvent;

describe('POST /v1/messages/email', () => {
  it('does not deliver marketing to an opted-out address, names the reason, and delivers a transactional template', async () => {
    const ann = uniqueEmail('ann');
    await apply(h.api.ctx, [optOut(ann)]);

    const marketing = newsletter(ann);
    const accepted = await h.api.call('POST', '/v1/messages/email', { json: marketing });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ messageId: marketing.messageId, status: 'accepted' });

    const outcome = await outcomeOf(marketing.messageId);
    expect(outcome.status).toBe('suppressed');
    expect(outcome.category).toBe('marketing');
    expect(outcome.reasons.map((r: { reason: string }) => r.reason)).toContain('email-optout');

    // R-EM-5: an order confirmation is not marketing; the opt-out does not block it.
    const order = orderConfirmation(ann);
    expect((await h.api.call('POST', '/v1/messages/email', { json: order })).status).toBe(202);
    const sent = await outcomeOf(order.messageId);
    expect(sent.status).toBe('sent');
    expect(sent.providerMessageId).toBeTruthy();
    const delivered = await mailTo(ann);
    expect(delivered.map((m) => m.subject)).toEqual(['Your order A-1001 is confirmed']);
  });

  it('delivers marketing to an address that is not on the list, once however often it is posted', async () => {
    const bob = uniqueEmail('bob');
    const message = newsletter(bob);
    for (let i = 0; i < 3; i++) {
      expect((await h.api.call('POST', '/v1/messages/email', { json: message })).status).toBe(202);
    }
    expect((await outcomeOf(message.messageId)).status).toBe('sent');
    // A later message to the same address shows every redelivery of the first was handled.
    const second = newsletter(bob);
    await h.api.call('POST', '/v1/messages/email', { json: second });
    expect((await outcomeOf(second.messageId)).status).toBe('sent');
    expect(await mailTo(bob)).toHaveLength(2);
  });

  it('refuses what a sender could not send with a 400 naming the field, and publishes nothing', async () => {
    const to = uniqueEmail('refused');
    const cases: Array<[unknown, RegExp]> = [
      [{ ...newsletter(to), templateId: 'no-such-template' }, /template/],
      [{ ...newsletter(to), variables: { firstName: 'Ann' } }, /variable/],
      [{ ...newsletter(to), to: 'not an address' }, /email|address|recipient/i],
      [{ to, templateId: 'newsletter-weekly', variables: {} }, /messageId/],
      [{ ...newsletter(to), templateId: 'sms-promo' }, /template|channel|sms/i],
    ];
    for (const [body, message] of cases) {
      const r = await h.api.call('POST', '/v1/messages/email', { json: body });
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(message);
    }
    expect(await mailTo(to)).toHaveLength(0);
  });

  it('needs the send scope', async () => {
    const body = newsletter(uniqueEmail('scope'));
    expect((await h.api.call('POST', '/v1/messages/email', { json: body, token: null })).status).toBe(401);
    const r = await h.api.call('POST', '/v1/messages/email', { json: body, token: h.api.tokens.check });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/send/);
    const g = await h.api.call('GET', `/v1/messages/${body.messageId}`, { token: h.api.tokens.admin });
    expect(g.status).toBe(403);
  });

  it('answers 404 for a message id no sender has seen', async () => {
    const r = await h.api.call('GET', `/v1/messages/never-${randomUUID()}`);
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('not_found');
  });
});

describe('POST /v1/messages/email/batch', () => {
  it('publishes the valid messages and rejects the others, each with its own result', async () => {
    const optedOut = uniqueEmail('batch-out');
    await apply(h.api.ctx, [optOut(optedOut)]);
    const fine = uniqueEmail('batch-in');
    const [first, third] = [newsletter(fine), newsletter(optedOut)];
    const messages = [first, { ...newsletter(fine), templateId: 'nope' }, third, { to: fine }];
    const r = await h.api.call('POST', '/v1/messages/email/batch', { json: { messages } });
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(2);
    expect(r.body.rejected).toBe(2);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual([
      'accepted',
      'rejected',
      'accepted',
      'rejected',
    ]);
    expect(r.body.results[1].error).toMatch(/template/);
    expect(r.body.results[3].messageId).toBeNull();
    expect((await outcomeOf(first.messageId)).status).toBe('sent');
    expect((await outcomeOf(third.messageId)).status).toBe('suppressed');
    expect(await mailTo(optedOut)).toHaveLength(0);
    expect(await mailTo(fine)).toHaveLength(1);
  });

  it('refuses more than 1,000 messages with a 413', async () => {
    const to = uniqueEmail('big');
    const messages = Array.from({ length: 1001 }, () => newsletter(to));
    const r = await h.api.call('POST', '/v1/messages/email/batch', { json: { messages } });
    expect(r.status).toBe(413);
    expect(await mailTo(to)).toHaveLength(0);
  });
});

describe('POST /v1/messages/sms', () => {
  it('sends nothing after a STOP, marketing or transactional, and names the reason', async () => {
    const phone = uniquePhone();
    await apply(h.api.ctx, [smsStop(phone)]);
    const promo = {
      messageId: `s-${randomUUID()}`,
      to: phone,
      templateId: 'sms-promo',
      variables: { offer: '2 for 1' },
    };
    const shipped = {
      messageId: `s-${randomUUID()}`,
      to: phone,
      templateId: 'sms-order-shipped',
      variables: { orderNumber: 'A-1001', trackingUrl: 'https://track.example/1' },
    };
    for (const m of [promo, shipped]) {
      expect((await h.api.call('POST', '/v1/messages/sms', { json: m })).status).toBe(202);
      const outcome = await outcomeOf(m.messageId);
      expect(outcome.status).toBe('suppressed');
      expect(outcome.channel).toBe('sms');
      expect(outcome.reasons.map((r: { reason: string }) => r.reason)).toContain('sms-stop');
    }
    expect(h.twilio.messages.filter((m) => m.to === phone)).toHaveLength(0);

    // Another number, not opted out, gets the same promo.
    const other = uniquePhone();
    const ok = { ...promo, messageId: `s-${randomUUID()}`, to: other };
    expect((await h.api.call('POST', '/v1/messages/sms/batch', { json: { messages: [ok] } })).status).toBe(
      202,
    );
    expect((await outcomeOf(ok.messageId)).status).toBe('sent');
    expect(h.twilio.messages.filter((m) => m.to === other)).toHaveLength(1);
  });
});
