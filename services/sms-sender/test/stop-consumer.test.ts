// R-SMS-7 end to end with the real sms-stop-consumer: Twilio's 21610 on a send reaches the list
// through Kafka, and the next marketing text to that number is suppressed by the list itself.
import { newEnvelope } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { checkMany } from '@sp/suppression';
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUR_NUMBER, type SmsHarness, startSmsHarness, startStopConsumerOn, uniquePhone } from './harness';

let h: SmsHarness;
let stopConsumer: ConsumerHandle;
beforeAll(async () => {
  h = await startSmsHarness();
  stopConsumer = await startStopConsumerOn(h, 'sms-stop-consumer-test');
});
afterAll(async () => {
  await stopConsumer?.stop();
  await h?.close();
});

describe('STOP through the sms-stop-consumer (R-SMS-3)', () => {
  it('a texted STOP yields exactly one confirmation, and marketing stops', async () => {
    const to = uniquePhone();
    const stop = (body: string) =>
      newEnvelope('consent.sms-inbound.v1', 'edge', {
        from: to,
        to: OUR_NUMBER,
        body,
        messageSid: `SM${Date.now()}`,
      });
    // STOP twice (a person insisting): still one confirmation.
    await h.bus.publish(h.topics.smsInbound, [{ key: null, value: stop('STOP') }]);
    await waitFor('confirmation sent', () => h.sentTo(to).length === 1);
    // Then HELP: once its reply is out, the second STOP before it (same partition) was handled too.
    await h.bus.publish(h.topics.smsInbound, [
      { key: null, value: stop('stop') },
      { key: null, value: stop('HELP') },
    ]);
    await waitFor('help reply sent', () => h.sentTo(to).length === 2);
    const promo = h.request(to, 'sms-promo', { offer: 'Toner deal.' });
    await h.send([promo]);
    const o = await waitFor('promo outcome', () => h.outcome(promo.data.messageId));
    expect(o.data.status).toBe('suppressed');
    const sent = h.sentTo(to);
    expect(sent.filter((b) => b.includes('You are unsubscribed'))).toHaveLength(1);
    expect(sent.filter((b) => b.includes('help at'))).toHaveLength(1);
    expect(sent).toHaveLength(2);
  });
});

describe('21610 through the sms-stop-consumer (R-SMS-7)', () => {
  it('records the opt-out on the list; the next marketing text is suppressed without asking Twilio', async () => {
    const to = uniquePhone();
    h.double.optOut(to);
    const first = h.request(to, 'sms-promo', { offer: 'Ink sale.' });
    await h.send([first]);
    await waitFor('failed outcome', () => h.outcome(first.data.messageId, 'failed'));
    const [state] = await waitFor('list entry', async () => {
      const r = await checkMany(h.list, [
        { subject: { type: 'phone', value: to }, channel: 'sms', kind: 'marketing' },
      ]);
      return r[0]?.allowed === false ? r : undefined;
    });
    expect(state?.reasons).toContainEqual(expect.objectContaining({ channel: 'sms', purpose: 'all' }));
    const requestsBefore = h.double.messages.length;
    const second = h.request(to, 'sms-promo', { offer: 'Another sale.' });
    await h.send([second]);
    const o = await waitFor('suppressed outcome', () => h.outcome(second.data.messageId));
    expect(o.data.status).toBe('suppressed');
    expect(h.double.messages.length).toBe(requestsBefore);
    // Twilio already answered the person; no confirmation request is made for a 21610 (R-SMS-3).
    expect(h.sentTo(to)).toEqual([]);
  });
});
