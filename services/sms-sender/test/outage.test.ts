// Fail closed for texts (DESIGN "Delivery", R-SMS-1/3): the sender's database, list and delivery
// log, really unreachable (a TCP proxy on loopback in front of PostgreSQL, cut and restored):
// no text goes out to Twilio while it is down, not even a transactional one (TCPA: a STOP blocks
// those too, so an unchecked text is never safe); once it is back each deferred text goes out once.
import { readLog } from '@sp/delivery';
import { startTcpProxy, type TcpProxy, testInfra, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmsHarness, smsIntent, startSmsHarness, uniquePhone } from './harness';

describe('list database cut (R-SMS-1, R-SMS-3)', () => {
  let h: SmsHarness;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const server = new URL(testInfra().postgresServerUrl);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    h = await startSmsHarness({ senderDbUrl: (u) => proxy.urlOf(u) });
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  it('sends no text while it is down, and each deferred text exactly once when it is back; a STOP recorded meanwhile still holds', async () => {
    h.clock.now = new Date('2026-06-15T19:00:00Z'); // noon in San Francisco: no quiet hours
    const [a, b, stopped] = [uniquePhone(), uniquePhone(), uniquePhone()];
    proxy.cut();
    const promoA = h.request(a, 'sms-promo', { offer: 'Ink week.' });
    const shippedB = h.request(b, 'sms-order-shipped', {
      orderNumber: 'O-1',
      trackingUrl: 'https://t.example/o1',
    });
    const promoStopped = h.request(stopped, 'sms-promo', { offer: 'Ink week.' });
    await h.send([promoA, shippedB, promoStopped]);
    // The sender found its database unreachable and paused on the outage: nothing reached Twilio.
    await waitFor('sender paused by the outage', () => !h.sender.ready());
    expect(h.double.messages.filter((m) => [a, b, stopped].includes(m.to))).toEqual([]);
    // The person texts STOP while the sender cannot see the list (written by the consumer side).
    await h.applyEvents([smsIntent(stopped, 'opt-out', '2026-06-15T18:59:00Z')]);
    expect(h.double.messages.filter((m) => [a, b, stopped].includes(m.to))).toEqual([]);

    proxy.restore();
    await waitFor('promo sent', () => h.outcome(promoA.data.messageId, 'sent'));
    await waitFor('shipping text sent', () => h.outcome(shippedB.data.messageId, 'sent'));
    const s = await waitFor('the stopped number answered', () =>
      h.outcome(promoStopped.data.messageId, 'suppressed'),
    );
    expect(s.data.status).toBe('suppressed');
    expect(h.sentTo(a)).toEqual([expect.stringContaining('Ink week.')]);
    expect(h.sentTo(b)).toEqual([expect.stringContaining('O-1')]);
    expect(h.sentTo(stopped)).toEqual([]);
    const ids = [promoA.data.messageId, shippedB.data.messageId, promoStopped.data.messageId];
    const rows = await readLog(h.db.db, ids);
    expect(ids.map((id) => rows.get(id)?.status)).toEqual(['sent', 'sent', 'suppressed']);
    // Once each, also after the poller had every chance to send a deferred text again.
    await waitFor('delivery log at rest', async () => {
      const again = await readLog(h.db.db, [promoA.data.messageId, shippedB.data.messageId]);
      return [...again.values()].every((r) => r.status === 'sent');
    });
    expect(h.double.messages.filter((m) => [a, b].includes(m.to))).toHaveLength(2);
  });
});
