// R-OC-1 / R-OC-2 end to end: the link a delivered marketing mail carries, POSTed one-click to the
// real edge, goes through Kafka to the real optout-consumer, and the next marketing mail is held.

import { Topics } from '@sp/contracts';
import { buildEdge, loadConfig } from '@sp/edge';
import { createKeyer, generateSecret } from '@sp/identity';
import type { ConsumerHandle } from '@sp/messaging';
import { dlqTopicOf } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import { checkMany } from '@sp/suppression';
import { createTopic, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PEPPERS, startHarness, startOptoutConsumerOn, uniqueEmail } from './harness';

let h: Harness;
let edge: Awaited<ReturnType<typeof startEdge>>;
let optout: ConsumerHandle;

async function startEdge(topicPrefix: string) {
  const config = loadConfig({
    KAFKA_BROKERS: h.brokers,
    TOKEN_KEYS: h.tokenKeys,
    SUBJECT_PEPPERS: `p1:${PEPPERS.p1}`,
    TWILIO_AUTH_TOKEN: generateSecret(),
    DNS_API_TOKEN: generateSecret(),
    PUBLIC_BASE_URL: 'https://inkshop.example',
    TOPIC_PREFIX: topicPrefix,
  });
  const app = buildEdge({
    bus: h.bus,
    sealer: h.sealer,
    keyer: createKeyer({ peppers: PEPPERS, currentKeyId: 'p1' }),
    config,
    logger: silentLogger(),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

beforeAll(async () => {
  h = await startHarness();
  // The edge names its topics from the catalog behind TOPIC_PREFIX.
  const prefix = `${uniqueName('one-click')}.`;
  const optOutTopic = await createTopic(h.brokers, '', { name: `${prefix}${Topics.emailOptOut}` });
  await createTopic(h.brokers, '', { name: dlqTopicOf(optOutTopic) });
  edge = await startEdge(prefix);
  optout = await startOptoutConsumerOn(h, optOutTopic, 'optout-consumer');
});
afterAll(async () => {
  await optout?.stop();
  await edge?.close();
  await h?.close();
});

describe('one-click through the edge', () => {
  it('POSTing List-Unsubscribe=One-Click to the link in the delivered headers opts the address out; the next newsletter is held', async () => {
    const to = uniqueEmail('oneclick');
    const first = h.request(to, 'newsletter-weekly', { firstName: 'Gi', headline: 'Week 1', body: 'Deals.' });
    await h.send([first]);
    await waitFor('first newsletter sent', () => h.outcome(first.data.messageId, 'sent'));
    const mail = (await h.ses.emails()).find((e) => e.destination.to.includes(to))!;
    const lu = mail.headers?.find((x) => x.name === 'List-Unsubscribe')?.value ?? '';
    const https = /<(https:[^>]+)>/.exec(lu)![1]!;
    // The public link, reached at the edge under test (same path, local address).
    const local = https.replace('https://inkshop.example', edge.url);
    const res = await fetch(local, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);

    await waitFor('opt-out on the list', async () => {
      const [r] = await checkMany(h.list, [
        { subject: { type: 'email', value: to }, channel: 'email', kind: 'marketing', topic: 'newsletter' },
      ]);
      return r?.allowed === false;
    });
    const second = h.request(to, 'newsletter-weekly', {
      firstName: 'Gi',
      headline: 'Week 2',
      body: 'More deals.',
    });
    await h.send([second]);
    const held = await waitFor('second newsletter outcome', () => h.outcome(second.data.messageId));
    expect(held.data.status).toBe('suppressed');
    expect(held.data.reasons).toContainEqual(
      expect.objectContaining({ channel: 'email', purpose: 'marketing' }),
    );
    expect((await h.ses.emails()).filter((e) => e.destination.to.includes(to))).toHaveLength(1);
  });
});
