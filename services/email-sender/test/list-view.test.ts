// The sender's gate asks its local view of the list (DESIGN "Delivery"). The relay stopped with an
// opt-out pending: past the freshness bound the view is stale, marketing is deferred as in a list
// outage; relay back: each deferred message goes out once, and the opted-out address never gets one.
import { readLog } from '@sp/delivery';
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, listEvent, startHarness, uniqueEmail } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ listView: { maxLagMs: 600 } });
});
afterAll(async () => h?.close());

const countFor = async (to: string) =>
  (await h.ses.emails()).filter((e) => e.destination.to.includes(to)).length;

it('answers from the view; stale view: marketing deferred; caught up: each deferred mail once (R-EM-1)', async () => {
  const view = h.changelog!.running.view;
  const optedOut = uniqueEmail('out');
  const fan = uniqueEmail('fan');
  await h.applyEvents([listEvent.optOut(optedOut)]);
  await h.changelog!.sync();
  const first = [optedOut, fan].map((to) =>
    h.request(to, 'promo-flash-sale', { firstName: 'A', discount: '5%' }),
  );
  await h.send(first);
  await waitFor('suppressed', () => h.outcome(first[0]!.data.messageId, 'suppressed'));
  await waitFor('sent', () => h.outcome(first[1]!.data.messageId, 'sent'));

  await h.changelog!.stopRelay();
  const lateOut = uniqueEmail('late');
  const other = uniqueEmail('other');
  await h.applyEvents([listEvent.optOut(lateOut)]);
  await waitFor('the view stale (an opt-out waits in the outbox past the bound)', () => !view.status().ready);
  const second = [lateOut, other].map((to) =>
    h.request(to, 'promo-flash-sale', { firstName: 'B', discount: '9%' }),
  );
  await h.send(second);
  for (const r of second) await waitFor('deferred', () => h.outcome(r.data.messageId, 'deferred'));
  expect(await countFor(lateOut)).toBe(0);
  expect(await countFor(other)).toBe(0);

  h.changelog!.startRelay();
  await waitFor('deferred mail sent once the view is fresh', () =>
    h.outcome(second[1]!.data.messageId, 'sent'),
  );
  await waitFor('the late opt-out honoured', () => h.outcome(second[0]!.data.messageId, 'suppressed'));
  const rows = await readLog(
    h.listDb.db,
    second.map((r) => r.data.messageId),
  );
  expect(rows.get(second[0]!.data.messageId)?.status).toBe('suppressed');
  expect(rows.get(second[1]!.data.messageId)?.status).toBe('sent');
  expect(await countFor(lateOut)).toBe(0);
  expect(await countFor(other)).toBe(1);
  expect(await countFor(optedOut)).toBe(0);
  expect(await countFor(fan)).toBe(1);
});
