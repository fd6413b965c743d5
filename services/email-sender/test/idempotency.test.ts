// A redelivery never sends twice: the same 1,000 send requests delivered twice send 1,000 mails.
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, uniqueEmail } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('claim before send', () => {
  it('the same 1,000 send requests delivered twice send 1,000 messages, not 2,000', async () => {
    const tag = `bulk${Date.now().toString(36)}`;
    const requests = Array.from({ length: 1000 }, (_, i) =>
      h.request(uniqueEmail(`${tag}-${i}`), 'promo-flash-sale', { firstName: `N${i}`, discount: '30%' }),
    );
    const ids = new Set(requests.map((r) => r.data.messageId));
    await h.send(requests);
    await h.send(requests);
    // Every message is sent once, and the second copy of each was seen (its outcome replayed).
    await waitFor(
      '2,000 outcomes of the 1,000 messages',
      () => h.outcomes.messages.filter((m) => ids.has(JSON.parse(m.value!).data.messageId)).length >= 2000,
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const mine = (await h.ses.emails()).filter((e) => e.destination.to.some((t) => t.startsWith(tag)));
    expect(mine).toHaveLength(1000);
    expect(new Set(mine.map((e) => e.destination.to[0])).size).toBe(1000);
    const outcomes = h.outcomes.messages
      .map((m) => JSON.parse(m.value!) as { id: string; data: { messageId: string; status: string } })
      .filter((o) => ids.has(o.data.messageId));
    expect(outcomes.every((o) => o.data.status === 'sent')).toBe(true);
    // A replayed outcome is the same event (same envelope id), not a second fact.
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(1000);
  });
});
