// The email sender on real Kafka and PostgreSQL, SES through aws-ses-v2-local over HTTP.
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, listEvent, startHarness, uniqueEmail } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const delivered = async (to: string) => (await h.ses.emails()).filter((e) => e.destination.to.includes(to));
const header = (e: { headers?: { name: string; value: string }[] }, name: string) =>
  e.headers?.find((x) => x.name.toLowerCase() === name.toLowerCase())?.value;

describe('email sender', () => {
  it('R-EM-1: marketing to an unsubscribed address is not delivered and the outcome names the reason; an order confirmation still goes (R-EM-5)', async () => {
    const to = uniqueEmail('unsub');
    const optOut = listEvent.optOut(to);
    await h.applyEvents([optOut]);
    const promo = h.request(to, 'promo-flash-sale', { firstName: 'Ann', discount: '20%' });
    const order = h.request(to, 'order-confirmation', {
      firstName: 'Ann',
      orderNumber: 'A-1',
      total: '$12.00',
    });
    await h.send([promo, order]);
    const suppressed = await waitFor('suppressed outcome', () => h.outcome(promo.data.messageId));
    expect(suppressed.data.status).toBe('suppressed');
    expect(suppressed.data.reasons).toContainEqual(
      expect.objectContaining({
        eventId: optOut.id,
        reason: 'email-optout',
        channel: 'email',
        purpose: 'marketing',
      }),
    );
    const sent = await waitFor('sent outcome', () => h.outcome(order.data.messageId));
    expect(sent.data).toMatchObject({ status: 'sent', category: 'transaction' });
    const mails = await delivered(to);
    expect(mails.map((m) => m.subject)).toEqual(['Your order A-1 is confirmed']);
    expect(sent.data.providerMessageId).toBe(mails[0]!.messageId);
  });

  it('a hard-bounced address receives neither marketing nor transactional mail', async () => {
    const to = uniqueEmail('bounced');
    await h.applyEvents([listEvent.bounce(to)]);
    const promo = h.request(to, 'promo-flash-sale', { firstName: 'Bo', discount: '10%' });
    const order = h.request(to, 'order-confirmation', { firstName: 'Bo', orderNumber: 'B-2', total: '$5' });
    await h.send([promo, order]);
    const a = await waitFor('promo outcome', () => h.outcome(promo.data.messageId));
    const b = await waitFor('order outcome', () => h.outcome(order.data.messageId));
    expect(a.data.status).toBe('suppressed');
    expect(b.data.status).toBe('suppressed');
    expect(b.data.reasons).toContainEqual(expect.objectContaining({ channel: 'email', purpose: 'all' }));
    expect(await delivered(to)).toEqual([]);
  });

  it('R-OC-1, R-EM-7: a delivered marketing mail carries List-Unsubscribe (https + mailto) and One-Click, a visible link, the postal address and the CFBL headers', async () => {
    const to = uniqueEmail('news');
    const news = h.request(
      to,
      'newsletter-weekly',
      { firstName: 'Cy', headline: 'New cartridges', body: 'Fresh stock.' },
      { campaignId: 'camp-7' },
    );
    await h.send([news]);
    const sent = await waitFor('sent outcome', () => h.outcome(news.data.messageId, 'sent'));
    const [mail] = await delivered(to);
    expect(mail?.messageId).toBe(sent.data.providerMessageId);
    const lu = header(mail!, 'List-Unsubscribe')!;
    const m =
      /^<(https:\/\/inkshop\.example\/u\/([A-Za-z0-9._~-]+))>, <(mailto:unsubscribe\+([A-Za-z0-9._~-]+)@unsub\.inkshop\.example)>$/.exec(
        lu,
      );
    expect(m, lu).not.toBeNull();
    expect(header(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const token = m![2]!;
    expect(m![4]).toBe(token);
    // The token opens to this address, topic and campaign (what the edge's one-click endpoint reads).
    expect(h.sealer.open(token)).toMatchObject({
      email: to.toLowerCase(),
      topic: 'newsletter',
      campaignId: 'camp-7',
    });
    expect(header(mail!, 'X-SP-Recipient-Token')).toBe(token);
    // R-AB-5 (RFC 9477): where providers send reports, and a sealed id naming the person and the
    // campaign (no readable address), short enough for any header line.
    expect(header(mail!, 'CFBL-Address')).toBe('abuse@inkshop.example; report=arf');
    const feedbackId = header(mail!, 'CFBL-Feedback-ID')!;
    expect(feedbackId).not.toContain(to.split('@')[0]!.toLowerCase());
    expect(feedbackId.length).toBeLessThan(120);
    expect(h.sealer.open(feedbackId)).toMatchObject({ email: to.toLowerCase(), campaignId: 'camp-7' });
    expect(mail!.body.text).toContain(m![1]);
    expect(mail!.body.text).toContain('100 Main St, Springfield');
    expect(mail!.body.html).toContain(`href="${m![1]}"`);
  });

  it('transactional mail carries no list headers, but the recipient token (abuse attribution)', async () => {
    const to = uniqueEmail('tx');
    const ship = h.request(to, 'shipping-update', {
      firstName: 'Di',
      orderNumber: 'C-3',
      trackingUrl: 'https://t.example/1',
    });
    await h.send([ship]);
    await waitFor('sent outcome', () => h.outcome(ship.data.messageId, 'sent'));
    const [mail] = await delivered(to);
    expect(header(mail!, 'List-Unsubscribe')).toBeUndefined();
    expect(header(mail!, 'List-Unsubscribe-Post')).toBeUndefined();
    expect(header(mail!, 'CFBL-Address')).toBeUndefined();
    expect(h.sealer.open(header(mail!, 'X-SP-Recipient-Token')!).email).toBe(to.toLowerCase());
  });

  it('R-EM-6: marketing and transactional mail alike carry accurate headers: the brand as sender, the one recipient, the rendered subject', async () => {
    const to = uniqueEmail('hdr');
    const news = h.request(to, 'newsletter-weekly', { firstName: 'Ed', headline: 'Toner week', body: 'x' });
    const ship = h.request(to, 'shipping-update', {
      firstName: 'Ed',
      orderNumber: 'H-6',
      trackingUrl: 'https://t.example/6',
    });
    await h.send([news, ship]);
    await waitFor(
      'both sent',
      () => h.outcome(news.data.messageId, 'sent') && h.outcome(ship.data.messageId, 'sent'),
    );
    const mails = await delivered(to);
    const bySubject = new Map(mails.map((m) => [m.subject, m]));
    expect([...bySubject.keys()].sort()).toEqual(['Order H-6 has shipped', 'Toner week']);
    for (const [subject, request] of [
      ['Toner week', news],
      ['Order H-6 has shipped', ship],
    ] as const) {
      const mail = bySubject.get(subject)!;
      // Who it is from is who it is from: the configured brand mailbox, not the caller's say.
      expect(mail.from).toBe('InkShop <news@inkshop.example>');
      expect(mail.destination).toEqual({ to: [to], cc: [], bcc: [] });
      expect(header(mail, 'X-SP-Message-Id')).toBe(request.data.messageId);
      expect(h.sealer.open(header(mail, 'X-SP-Recipient-Token')!).email).toBe(to.toLowerCase());
    }
  });

  it('a request naming an unknown template, or missing a variable, goes to the DLQ with the reason', async () => {
    const to = uniqueEmail('dlq');
    const bad = h.request(to, 'no-such-template', {});
    const missing = h.request(to, 'order-confirmation', { firstName: 'Ed' });
    await h.send([bad, missing]);
    const dead = await waitFor('two dead letters', () => {
      const mine = h.dlq.messages.filter(
        (m) => m.value?.includes(bad.data.messageId) || m.value?.includes(missing.data.messageId),
      );
      return mine.length === 2 ? mine : undefined;
    });
    const errors = dead
      .map((d) => Object.entries(d.headers).find(([k]) => k.includes('error'))?.[1])
      .join(' | ');
    expect(errors).toContain('unknown template: no-such-template');
    expect(errors).toContain('orderNumber');
    expect(await delivered(to)).toEqual([]);
  });

  it('a caller cannot make marketing transactional: the category comes from the template, not the request', async () => {
    const to = uniqueEmail('claim');
    await h.applyEvents([listEvent.optOut(to)]);
    const promo = h.request(
      to,
      'promo-flash-sale',
      { firstName: 'Fi', discount: '5%' },
      { category: 'transaction' },
    );
    await h.send([promo]);
    const o = await waitFor('outcome', () => h.outcome(promo.data.messageId));
    expect(o.data).toMatchObject({ status: 'suppressed', category: 'marketing' });
  });
});
