// Issue 19, the opt-out box with the brand's confirmation email enabled, end to end: form posts to
// the real edge, the real optout-consumer (which requests the confirmation, at most once per
// address per 30 days, the ledger being its memory), the real email sender and the SES emulator.
import { newEnvelope, Topics } from '@sp/contracts';
import { buildEdge, loadConfig } from '@sp/edge';
import { createKeyer, generateSecret } from '@sp/identity';
import { type ConsumerHandle, dlqTopicOf } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import { CONFIRMATION_REQUESTED, CONFIRMATION_SKIPPED } from '@sp/optout-consumer';
import { check, history } from '@sp/suppression';
import { createTopic, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PEPPERS, startHarness, startOptoutConsumerOn, uniqueEmail } from './harness';

let h: Harness;
let edge: { url: string; close(): Promise<unknown> };
let optout: ConsumerHandle;
let optOutTopic: string;
const CONFIRMATION_SUBJECT = 'You are unsubscribed from our marketing email';

beforeAll(async () => {
  h = await startHarness();
  // The edge names its topics from the catalog behind TOPIC_PREFIX.
  const prefix = `${uniqueName('optout-box')}.`;
  optOutTopic = await createTopic(h.brokers, '', { name: `${prefix}${Topics.emailOptOut}` });
  await createTopic(h.brokers, '', { name: dlqTopicOf(optOutTopic) });
  const config = loadConfig({
    KAFKA_BROKERS: h.brokers,
    TOKEN_KEYS: h.tokenKeys,
    SUBJECT_PEPPERS: `p1:${PEPPERS.p1}`,
    TWILIO_AUTH_TOKEN: generateSecret(),
    DNS_API_TOKEN: generateSecret(),
    BRAND_NAME: 'InkShop',
    PUBLIC_BASE_URL: 'https://inkshop.example',
    TOPIC_PREFIX: prefix,
    OPTOUT_CONFIRMATION_EMAIL: 'true',
    // The per-address form limit is another test's subject: here every post reaches the list.
    FORM_RATE_LIMIT_MAX: '1000',
  });
  const app = buildEdge({
    bus: h.bus,
    sealer: h.sealer,
    keyer: createKeyer({ peppers: PEPPERS, currentKeyId: 'p1' }),
    config,
    logger: silentLogger(),
  });
  edge = { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
  optout = await startOptoutConsumerOn(h, optOutTopic, 'optout-box');
});
afterAll(async () => {
  await optout?.stop();
  await edge?.close();
  await h?.close();
});

const confirmationsTo = async (to: string) =>
  (await h.ses.emails()).filter((e) => e.destination.to.includes(to) && e.subject === CONFIRMATION_SUBJECT);

describe('the opt-out box with the confirmation email enabled', () => {
  it('issue 19: the 31st confirmation request for one address within 30 days sends nothing, and the opt-out itself is still recorded', async () => {
    const to = uniqueEmail('box');
    const subject = { type: 'email' as const, value: to };
    for (let i = 0; i < 31; i++) {
      const res = await fetch(`${edge.url}/privacy/opt-out`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: to }).toString(),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('We will send one email to this address to confirm it');
    }
    // Every post is an opt-out in the ledger; the consumer publishes a confirmation request
    // before it writes the event, so once all 31 are there every request that exists is out.
    const trail = await waitFor(
      'the 31 opt-outs in the ledger',
      async () => {
        const t = await history(h.list, subject);
        return t.length === 31 ? t : undefined;
      },
      { timeoutMs: 60_000 },
    );
    // A later message to the same key on the same partition: once it is handled, so is any
    // confirmation request published before it.
    const order = h.request(to, 'order-confirmation', { firstName: 'Ana', orderNumber: 'A-1', total: '$12' });
    const newsletter = h.request(to, 'newsletter-weekly', {
      firstName: 'Ana',
      headline: 'Deals',
      body: 'Ink.',
    });
    await h.send([order, newsletter]);
    await waitFor('the order confirmation sent', () => h.outcome(order.data.messageId, 'sent'));
    const held = await waitFor('the newsletter outcome', () => h.outcome(newsletter.data.messageId));
    expect(held.data.status).toBe('suppressed');

    const decisions = trail.map((e) => (e.payload.evidence as { confirmation?: string }).confirmation);
    expect(decisions[0]).toBe(CONFIRMATION_REQUESTED);
    expect(decisions.slice(1)).toEqual(Array(30).fill(CONFIRMATION_SKIPPED));
    expect(trail.every((e) => e.scopes.some((s) => s.channel === 'email' && s.purpose === 'marketing'))).toBe(
      true,
    );
    const confirmations = await confirmationsTo(to);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.body.text).toContain(
      'Emails about your orders and your account will still reach you.',
    );
    // An account notice, not marketing: no unsubscribe headers.
    expect(confirmations[0]!.headers?.some((x) => x.name === 'List-Unsubscribe') ?? false).toBe(false);
    // One confirmation message was ever requested for this address: no outcome of another.
    const outcomes = h.outcomes.messages.map(
      (m) => JSON.parse(m.value ?? '{}') as { data: { messageId: string; subjectKey: string } },
    );
    const key = trail[0]!.scopes[0]!.subjectKey;
    expect(
      outcomes.filter(
        (o) => o.data.subjectKey === key && o.data.messageId.startsWith('email-optout-confirmation:'),
      ),
    ).toHaveLength(1);
    expect((await check(h.list, { subject, channel: 'email', kind: 'marketing' })).allowed).toBe(false);
  });

  it('issue 19: an opt-out 31 days after the confirmation gets a new one (the bound is a 30-day window, not "once ever")', async () => {
    const to = uniqueEmail('box-later');
    const res = await fetch(`${edge.url}/privacy/opt-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: to }).toString(),
    });
    expect(res.status).toBe(200);
    await waitFor('the first confirmation', async () =>
      (await confirmationsTo(to)).length === 1 ? true : undefined,
    );
    const [first] = await history(h.list, { type: 'email', value: to });
    // The same request as the edge publishes, dated 31 days after the first.
    const event = newEnvelope(
      'consent.email-optout.v1',
      'edge',
      { email: to, topic: '*', method: 'web-form', confirm: true },
      { occurredAt: new Date(new Date(first!.occurredAt).getTime() + 31 * 24 * 3600 * 1000).toISOString() },
    );
    await h.bus.publish(optOutTopic, [{ key: first!.scopes[0]!.subjectKey, value: event }]);
    await waitFor('the second confirmation', async () =>
      (await confirmationsTo(to)).length === 2 ? true : undefined,
    );
    const trail = await history(h.list, { type: 'email', value: to });
    expect(trail.map((e) => (e.payload.evidence as { confirmation?: string }).confirmation)).toEqual([
      CONFIRMATION_REQUESTED,
      CONFIRMATION_REQUESTED,
    ]);
  });
});
