// Issue 13: a send request names a topic of the registry. Posted over HTTP to the real senders
// through the real broker: an unknown topic (a typo), an archived one or one of the other channel
// is a 400 naming it and nothing reaches the SES emulator or the Twilio double; a registered one
// is delivered.
import { randomBytes, randomUUID } from 'node:crypto';
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from './harness';
import { type SendHarness, startSendHarness } from './send-harness';

let h: SendHarness;
beforeAll(async () => {
  h = await startSendHarness();
}, 120_000);
afterAll(async () => h?.close());

const slug = (tag: string) => `${tag}-${randomBytes(3).toString('hex')}`;
const newsletter = (to: string, topic?: string) => ({
  messageId: `m-${randomUUID()}`,
  to,
  templateId: 'newsletter-weekly',
  variables: { firstName: 'Ann', headline: 'Ink deals', body: '30% off toner' },
  ...(topic ? { topic } : {}),
});

async function registered(id: string, channels: string[] = ['email']) {
  const r = await h.api.call('POST', '/v1/topics', {
    json: { id, channels, names: { en: `Topic ${id}` } },
  });
  expect(r.status).toBe(201);
  return id;
}

async function outcomeOf(messageId: string) {
  return waitFor(`the outcome of ${messageId}`, async () => {
    const r = await h.api.call('GET', `/v1/messages/${encodeURIComponent(messageId)}`);
    return r.status === 200 && r.body.status !== 'pending' ? r.body : undefined;
  });
}

const mailTo = async (address: string) =>
  (await h.ses.emails()).filter((m) =>
    m.destination.to.some((t) => t.toLowerCase().includes(address.toLowerCase())),
  );

describe('send requests name a registered topic (issue 13)', () => {
  it('refuses an unknown, archived or SMS-only topic with a 400 naming it; delivers a registered one', async () => {
    const ann = uniqueEmail('topic-send');
    const digest = await registered(slug('weekly-digest'));
    const archived = await registered(slug('old-deals'));
    await h.api.call('POST', `/v1/topics/${archived}/archive`, { json: { reason: 'season over' } });
    const texts = await registered(slug('texts'), ['sms']);

    const cases: Array<[string, string]> = [
      [
        'weekly-digset',
        'body.topic: topic "weekly-digset" is not in the topic registry (create it first: POST /v1/topics or pnpm suppress topic create)',
      ],
      [archived, `body.topic: topic "${archived}" is archived: new sends and links cannot name it`],
      [texts, `body.topic: topic "${texts}" is for sms only, not email`],
    ];
    for (const [topic, message] of cases) {
      const r = await h.api.call('POST', '/v1/messages/email', { json: newsletter(ann, topic) });
      expect(r.status, topic).toBe(400);
      expect(r.body).toEqual({ error: 'invalid_request', message });
    }

    // The registered topic goes through, and its delivery fences the refused ones: had any been
    // published, the sender (in order per address) would have handled it before this one.
    const ok = newsletter(ann, digest);
    expect((await h.api.call('POST', '/v1/messages/email', { json: ok })).status).toBe(202);
    expect((await outcomeOf(ok.messageId)).status).toBe('sent');
    expect(await mailTo(ann)).toHaveLength(1);
  });

  it('rejects only the batch items naming a topic it cannot take, each with the topic named', async () => {
    const to = uniqueEmail('topic-batch');
    const digest = await registered(slug('digest'));
    const messages = [newsletter(to, digest), newsletter(to, 'no-such-topic'), newsletter(to)];
    const r = await h.api.call('POST', '/v1/messages/email/batch', { json: { messages } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(r.body.results[1]).toEqual({
      index: 1,
      messageId: messages[1]!.messageId,
      status: 'rejected',
      error: expect.stringMatching(/^topic: topic "no-such-topic" is not in the topic registry/),
    });
    expect((await outcomeOf(messages[0]!.messageId)).status).toBe('sent');
    expect((await outcomeOf(messages[2]!.messageId)).status).toBe('sent');
    expect(await mailTo(to)).toHaveLength(2);
  });

  it('takes an SMS topic for a text and refuses an email-only one', async () => {
    const phone = `+1415555${String(1000 + (process.pid % 9000)).padStart(4, '0')}`;
    const emailOnly = await registered(slug('news'));
    const sms = await registered(slug('sms-deals'), ['sms']);
    const promo = (topic: string) => ({
      messageId: `s-${randomUUID()}`,
      to: phone,
      templateId: 'sms-promo',
      variables: { offer: '2 for 1' },
      topic,
    });
    const refused = await h.api.call('POST', '/v1/messages/sms', { json: promo(emailOnly) });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(`body.topic: topic "${emailOnly}" is for email only, not sms`);
    const ok = promo(sms);
    expect((await h.api.call('POST', '/v1/messages/sms', { json: ok })).status).toBe(202);
    expect((await outcomeOf(ok.messageId)).status).toBe('sent');
    expect(h.twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
  });
});
