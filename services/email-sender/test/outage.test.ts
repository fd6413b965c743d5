// Fail closed (DESIGN "Delivery"): the list's database really unreachable (a TCP proxy on loopback
// in front of PostgreSQL, cut and restored) -> no marketing is sent; once it is back, every
// deferred message goes out exactly once.
import { readLog } from '@sp/delivery';
import { startTcpProxy, type TcpProxy, testInfra, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, uniqueEmail } from './harness';

type Proxy = TcpProxy;

async function proxied(): Promise<{ proxy: Proxy; listUrl: (u: string) => string }> {
  const server = new URL(testInfra().postgresServerUrl);
  const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  return {
    proxy,
    listUrl: (u) => {
      const url = new URL(u);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      return url.toString();
    },
  };
}

const countFor = async (h: Harness, to: string) =>
  (await h.ses.emails()).filter((e) => e.destination.to.includes(to)).length;

describe('list database stopped (one database for list and delivery log)', () => {
  let h: Harness;
  let proxy: Proxy;
  beforeAll(async () => {
    const p = await proxied();
    proxy = p.proxy;
    h = await startHarness({ listUrl: p.listUrl });
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  it('sends no marketing while it is down, and each message exactly once when it is back', async () => {
    proxy.cut();
    const recipients = [uniqueEmail('o1'), uniqueEmail('o2'), uniqueEmail('o3')];
    const requests = recipients.map((to) =>
      h.request(to, 'promo-flash-sale', { firstName: 'X', discount: '15%' }),
    );
    await h.send(requests);
    // The consumer found the database unreachable and paused on the outage.
    await waitFor('consumer paused by the outage', () => !h.sender.ready());
    for (const to of recipients) expect(await countFor(h, to)).toBe(0);
    proxy.restore();
    for (const r of requests) await waitFor('sent outcome', () => h.outcome(r.data.messageId, 'sent'));
    for (const to of recipients) expect(await countFor(h, to)).toBe(1);
    const rows = await readLog(
      h.listDb.db,
      requests.map((r) => r.data.messageId),
    );
    expect([...rows.values()].map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});

describe('list database stopped, delivery log reachable (its own database)', () => {
  let h: Harness;
  let proxy: Proxy;
  beforeAll(async () => {
    const p = await proxied();
    proxy = p.proxy;
    h = await startHarness({ listUrl: p.listUrl, separateLogDb: true });
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  it('defers marketing (outcome deferred), lets transactional go unchecked, then sends the deferred mail once', async () => {
    proxy.cut();
    const to = uniqueEmail('split');
    const promo = h.request(to, 'promo-flash-sale', { firstName: 'Y', discount: '25%' });
    const order = h.request(to, 'order-confirmation', { firstName: 'Y', orderNumber: 'D-4', total: '$9' });
    await h.send([promo, order]);
    const deferred = await waitFor('deferred outcome', () => h.outcome(promo.data.messageId, 'deferred'));
    expect(deferred.data.error).toBe('list-unavailable');
    const sent = await waitFor('unchecked transactional', () => h.outcome(order.data.messageId, 'sent'));
    expect(sent.data.unchecked).toBe(true);
    const subjects = (await h.ses.emails())
      .filter((e) => e.destination.to.includes(to))
      .map((e) => e.subject);
    expect(subjects).toEqual(['Your order D-4 is confirmed']);
    // The deferral poller keeps retrying while the list is down (claiming the row for a moment
    // each time), so wait for the row at rest rather than reading it once.
    const row = await waitFor('the deferral recorded with its next attempt', async () => {
      const r = (await readLog(h.logDb.db, [promo.data.messageId])).get(promo.data.messageId);
      return r?.status === 'deferred' ? r : undefined;
    });
    expect(row.nextAttemptAt).toBeInstanceOf(Date);

    proxy.restore();
    await waitFor('deferred marketing sent', () => h.outcome(promo.data.messageId, 'sent'));
    const after = (await h.ses.emails()).filter((e) => e.destination.to.includes(to)).map((e) => e.subject);
    expect(after.sort()).toEqual(['25% off cartridges today', 'Your order D-4 is confirmed']);
    expect((await readLog(h.logDb.db, [promo.data.messageId])).get(promo.data.messageId)?.status).toBe(
      'sent',
    );
  });
});
