// The SMS sender on real Kafka and PostgreSQL, Twilio through the local HTTP double.
import { readLog } from '@sp/delivery';
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUR_NUMBER, type SmsHarness, smsIntent, startSmsHarness, uniquePhone } from './harness';

let h: SmsHarness;
beforeAll(async () => {
  h = await startSmsHarness();
});
afterAll(() => h?.close());

const noon = () => {
  h.clock.now = new Date('2026-06-15T19:00:00Z'); // 12:00 in San Francisco
};

describe('sms sender', () => {
  it('R-SMS-3: after STOP only the opt-out confirmation goes out; after START (R-SMS-4) marketing resumes', async () => {
    noon();
    const to = uniquePhone();
    await h.applyEvents([smsIntent(to, 'opt-out', '2026-06-15T18:00:00Z')]);
    const promo = h.request(to, 'sms-promo', { offer: '2 for 1 on toner.' });
    const shipped = h.request(to, 'sms-order-shipped', {
      orderNumber: 'S-1',
      trackingUrl: 'https://t.example/s1',
    });
    const confirmation = h.request(to, 'sms-optout-confirmation');
    await h.send([promo, shipped, confirmation]);
    await waitFor('confirmation sent', () => h.outcome(confirmation.data.messageId, 'sent'));
    const p = await waitFor('promo outcome', () => h.outcome(promo.data.messageId));
    const s = await waitFor('shipped outcome', () => h.outcome(shipped.data.messageId));
    expect(p.data.status).toBe('suppressed');
    // TCPA: an SMS STOP blocks transactional texts too; only the confirmation passes it.
    expect(s.data.status).toBe('suppressed');
    expect(h.sentTo(to)).toEqual([
      'InkShop: You are unsubscribed and will receive no more messages. Reply START to resubscribe.',
    ]);

    await h.applyEvents([smsIntent(to, 'opt-in', '2026-06-15T18:30:00Z')]);
    const again = h.request(to, 'sms-promo', { offer: 'Free shipping today.' });
    await h.send([again]);
    await waitFor('promo sent after START', () => h.outcome(again.data.messageId, 'sent'));
    expect(h.sentTo(to)).toHaveLength(2);
    expect(h.sentTo(to)[1]).toContain('Free shipping today.');
  });

  it('R-SMS-4: HELP gets a reply, opted out or not', async () => {
    noon();
    const to = uniquePhone();
    await h.applyEvents([smsIntent(to, 'opt-out', '2026-06-15T18:00:00Z')]);
    const help = h.request(to, 'sms-help');
    await h.send([help]);
    await waitFor('help sent', () => h.outcome(help.data.messageId, 'sent'));
    expect(h.sentTo(to)[0]).toContain('Msg&data rates may apply');
  });

  it('R-SMS-7: Twilio error 21610 fails the message and publishes a consent.sms-inbound.v1 opt-out', async () => {
    noon();
    const to = uniquePhone();
    h.double.optOut(to);
    const promo = h.request(to, 'sms-promo', { offer: 'Ink sale.' });
    await h.send([promo]);
    const failed = await waitFor('failed outcome', () => h.outcome(promo.data.messageId, 'failed'));
    expect(failed.data.error).toContain('21610');
    const event = await waitFor('opt-out event', () => h.inbound.parsed().find((e) => e.data.from === to));
    expect(event).toMatchObject({
      type: 'consent.sms-inbound.v1',
      source: 'sms-sender',
      data: { from: to, to: OUR_NUMBER, body: '', errorCode: 21610 },
    });
    expect(h.sentTo(to)).toEqual([]);
  });

  it('R-SMS-6: marketing at 23:30 local is deferred (not dropped) and sent once at 8:00; a transactional text goes at once', async () => {
    h.clock.now = new Date('2026-06-16T06:30:00Z'); // 23:30 PDT
    const to = uniquePhone();
    const promo = h.request(to, 'sms-promo', { offer: 'Night owl deal.' });
    const shipped = h.request(to, 'sms-order-shipped', {
      orderNumber: 'S-9',
      trackingUrl: 'https://t.example/s9',
    });
    await h.send([promo, shipped]);
    const deferred = await waitFor('deferred outcome', () => h.outcome(promo.data.messageId, 'deferred'));
    expect(deferred.data.error).toBe('quiet-hours');
    await waitFor('transactional sent', () => h.outcome(shipped.data.messageId, 'sent'));
    const row = (await readLog(h.db.db, [promo.data.messageId])).get(promo.data.messageId);
    expect(row?.status).toBe('deferred');
    expect(row?.nextAttemptAt?.toISOString()).toBe('2026-06-16T15:00:00.000Z'); // 08:00 PDT
    expect(await h.sender.pollDeferrals()).toBe(0); // not due yet
    expect(h.sentTo(to)).toHaveLength(1);

    h.clock.now = new Date('2026-06-16T15:00:30Z');
    await waitFor('deferred promo sent', () => h.outcome(promo.data.messageId, 'sent'));
    await h.sender.pollDeferrals(); // one more pass sends nothing twice
    expect(h.sentTo(to).filter((b) => b.includes('Night owl deal.'))).toHaveLength(1);
    noon();
  });

  it('the time zone of the request wins over the number (a New York number living in Hawaii)', async () => {
    h.clock.now = new Date('2026-06-16T05:00:00Z'); // 01:00 EDT, 19:00 HST
    const to = `+1212${String(2000000 + Math.floor(Math.random() * 7999999)).padStart(7, '0')}`;
    const hawaii = h.request(to, 'sms-promo', { offer: 'Aloha.' }, { timeZone: 'Pacific/Honolulu' });
    const byNumber = h.request(to, 'sms-promo', { offer: 'Night in NYC.' });
    await h.send([hawaii, byNumber]);
    await waitFor('hawaii sent', () => h.outcome(hawaii.data.messageId, 'sent'));
    await waitFor('new york deferred', () => h.outcome(byNumber.data.messageId, 'deferred'));
    noon();
  });

  it('Twilio 5xx is retried with backoff and the message is sent once', async () => {
    noon();
    const to = uniquePhone();
    h.double.failNext({ status: 503, code: 20500, message: 'Service unavailable' });
    const shipped = h.request(to, 'sms-order-shipped', {
      orderNumber: 'S-5',
      trackingUrl: 'https://t.example/s5',
    });
    await h.send([shipped]);
    const deferred = await waitFor('deferred after 503', () => h.outcome(shipped.data.messageId, 'deferred'));
    expect(deferred.data.error).toContain('503');
    h.clock.now = new Date(h.clock.now.getTime() + 5_000);
    await waitFor('sent on retry', () => h.outcome(shipped.data.messageId, 'sent'));
    expect(h.sentTo(to)).toHaveLength(1);
  });
});
