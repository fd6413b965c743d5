// Issue 14 on real Kafka and PostgreSQL: list changes reach a real HTTP receiver as Standard
// Webhooks (verified with the `standardwebhooks` library, not our code), one per change, retried
// with backoff after a 500, in order per subject without holding other subjects, filtered per
// endpoint, with a readable address only for endpoints that asked; dead after the last attempt.
import { newEnvelope } from '@sp/contracts';
import { type Resources, startChangelogRelay } from '@sp/runtime';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { type AdminAction, apply } from '@sp/suppression';
import { freshDatabase, testInfra, uniqueName, waitFor } from '@sp/testing';
import {
  createEndpoint,
  disableEndpoint,
  listDeliveries,
  redeliverDead,
  startIntegrations,
} from '@sp/webhooks';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from './receiver';

let svc: ServiceUnderTest;
let res: ServiceUnderTest['res'];
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  svc = await startServiceUnderTest({
    service: 'webhooks',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_webhooks'),
    start: async (r: Resources) => {
      const relay = startChangelogRelay(r, { intervalMs: 50 });
      const handles = await startIntegrations(r, {
        groupId: uniqueName('webhooks'),
        backoff: { initialMs: 300, maxMs: 2_000, maxAttempts: 6 },
        pollIntervalMs: 100,
        timeoutMs: 5_000,
      });
      return [...handles, { stop: () => relay.stop(), ready: () => true }];
    },
  });
  res = svc.res;
});
afterAll(async () => {
  await svc?.close();
  await receiver?.close();
});

let n = 0;
const email = (tag: string) => `${tag}.${uniqueName('wh')}.${++n}@shop.example`;
const keyOf = (address: string) => res.keyer.keyOf({ type: 'email', value: address.toLowerCase() });

/** An operator's suppress or lift of `address` in one scope, applied as the API applies it. */
async function admin(
  address: string,
  action: 'suppress' | 'lift',
  scope: { channel?: 'email' | 'any'; purpose?: 'marketing' | 'all' } = {},
) {
  const event = newEnvelope('suppression.admin.v1', 'test', {
    subject: { type: 'email', value: address.toLowerCase() },
    action,
    channel: scope.channel ?? 'email',
    purpose: scope.purpose ?? 'marketing',
    topic: '*',
    actor: 'ops@shop',
    reason: 'test',
  }) as AdminAction;
  const r = await apply(res.list, [event]);
  expect(r.applied).toContain(event.id);
}

const forSubject = (r: Receiver, subjectKey: string) =>
  r.received.filter((x) => x.json.data.subjectKey === subjectKey);

describe('signed webhooks from the changelog', () => {
  it('delivers one verified event per change, retries after a 500 (same id), keeps order per subject only', async () => {
    const { endpoint, secret } = await createEndpoint(res.list, { url: receiver.url, includeAddress: false });
    const verifier = new Webhook(secret);
    const ann = email('ann');
    const bob = email('bob');
    const annKey = keyOf(ann);
    const bobKey = keyOf(bob);
    // Ann's first event fails (twice at least, and until Bob's first change got through): while it
    // backs off, Bob's changes are not held.
    let annFailures = 0;
    let bobSeen = false;
    receiver.answer = (r) => {
      if (r.json.data.subjectKey === bobKey) bobSeen = true;
      if (r.json.data.subjectKey === annKey && (annFailures < 2 || !bobSeen)) {
        annFailures++;
        return 500;
      }
      return 200;
    };

    await admin(ann, 'suppress');
    await admin(ann, 'lift');
    await admin(bob, 'suppress');
    await admin(ann, 'suppress');
    await admin(bob, 'lift');

    const annOk = await waitFor('three of Ann’s changes delivered', () => {
      const ok = forSubject(receiver, annKey).filter((x) => x.answered === 200);
      return ok.length >= 3 ? ok : undefined;
    });
    const bobOk = await waitFor('two of Bob’s changes delivered', () => {
      const ok = forSubject(receiver, bobKey).filter((x) => x.answered === 200);
      return ok.length >= 2 ? ok : undefined;
    });

    // Every request verifies with the Standard Webhooks library, with the secret the API gave.
    for (const r of [...forSubject(receiver, annKey), ...forSubject(receiver, bobKey)]) {
      expect(verifier.verify(r.body, r.headers)).toEqual(r.json);
      expect(r.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    // A wrong secret does not verify.
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
        annOk[0]!.body,
        annOk[0]!.headers,
      ),
    ).toThrow();

    // One event per change: three distinct ids for Ann, two for Bob, and no change delivered twice.
    expect(annOk.map((r) => r.json.type)).toEqual([
      'suppression.created',
      'suppression.lifted',
      'suppression.created',
    ]);
    expect(new Set(annOk.map((r) => r.id)).size).toBe(3);
    expect(bobOk.map((r) => r.json.type)).toEqual(['suppression.created', 'suppression.lifted']);
    // Order per subject: seq increases in the order received.
    const seqs = annOk.map((r) => r.json.data.seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    // The retries: Ann's first change came three times under one id (500, 500, 200) ...
    const first = forSubject(receiver, annKey).filter((r) => r.id === annOk[0]!.id);
    expect(first.map((r) => r.answered)).toEqual([...Array(annFailures).fill(500), 200]);
    expect(annFailures).toBeGreaterThanOrEqual(2);
    // ... and her later changes were not sent before it got through (held), while Bob's were.
    const firstOkAt = receiver.received.indexOf(first[2]!);
    const annLaterAt = receiver.received.indexOf(annOk[1]!);
    expect(annLaterAt).toBeGreaterThan(firstOkAt);
    const bobFirstAt = receiver.received.indexOf(bobOk[0]!);
    expect(bobFirstAt).toBeLessThan(firstOkAt);

    // Keys and reasons, never the address, unless the endpoint asked for it.
    expect(annOk[0]!.json.data).toMatchObject({
      subjectKey: annKey,
      channel: 'email',
      purpose: 'marketing',
      topic: '*',
      suppressed: true,
      reason: 'admin',
    });
    for (const r of forSubject(receiver, annKey)) expect(r.body).not.toContain(ann.toLowerCase());

    // The attempts are recorded per delivery.
    const { deliveries } = await listDeliveries(res.list, { endpointId: endpoint.id, limit: 50 });
    const annFirst = deliveries.find((d) => d.messageId === annOk[0]!.id)!;
    expect(annFirst.status).toBe('delivered');
    expect(annFirst.attempts.map((a) => a.httpStatus)).toEqual([...Array(annFailures).fill(500), 200]);
  });

  it('filters by channel, purpose and reason, puts the address in only where asked, and stops when disabled', async () => {
    const other = await startReceiver();
    try {
      const { secret, endpoint: otherEndpoint } = await createEndpoint(res.list, {
        url: other.url,
        channels: ['email'],
        purposes: ['all'],
        reasons: ['admin'],
        includeAddress: true,
      });
      const cy = email('cy');
      await admin(cy, 'suppress', { purpose: 'marketing' }); // not email/all: filtered out
      await admin(cy, 'suppress', { purpose: 'all' });
      const got = await waitFor('the email/all change', () => other.received.find((r) => r.answered === 200));
      expect(new Webhook(secret).verify(got.body, got.headers)).toMatchObject({
        type: 'suppression.created',
        data: { purpose: 'all', address: cy.toLowerCase(), subjectKey: keyOf(cy) },
      });
      // The marketing change reached the first receiver (no filter) but never this one.
      await waitFor('the marketing change at the unfiltered receiver', () =>
        forSubject(receiver, keyOf(cy)).some(
          (r) => r.json.data.purpose === 'marketing' && r.answered === 200,
        ),
      );
      expect(other.received.filter((r) => r.json.data.purpose !== 'all')).toEqual([]);

      // Disabled, it gets nothing more: the next change is fanned out to the others only.
      expect(await disableEndpoint(res.list, otherEndpoint.id)).toBe(true);
      await admin(cy, 'lift', { purpose: 'all' });
      const lifted = await waitFor('the lift at the unfiltered receiver', () =>
        forSubject(receiver, keyOf(cy)).find(
          (r) => r.json.type === 'suppression.lifted' && r.answered === 200,
        ),
      );
      const { deliveries } = await listDeliveries(res.list, { endpointId: otherEndpoint.id, limit: 10 });
      expect(deliveries.map((d) => d.seq)).not.toContain(lifted.json.data.seq);
      expect(other.received.some((r) => r.json.type === 'suppression.lifted')).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('marks a delivery dead after the last attempt, then lets the subject’s next change through; redelivery sends it again', async () => {
    const down = await startReceiver();
    try {
      const { endpoint } = await createEndpoint(res.list, { url: down.url, includeAddress: false });
      const dee = email('dee');
      const deeKey = keyOf(dee);
      down.answer = () => 500;
      await admin(dee, 'suppress');
      const dead = await waitFor('a dead delivery', async () => {
        const { deliveries } = await listDeliveries(res.list, {
          endpointId: endpoint.id,
          status: 'dead',
          limit: 10,
        });
        return deliveries[0];
      });
      expect(dead.attempts.map((a) => a.httpStatus)).toEqual(Array(6).fill(500));
      expect(dead.lastError).toBe('HTTP 500');
      // The receiver is fixed: the next change of the subject is no longer held by the dead one.
      down.answer = () => 200;
      await admin(dee, 'lift');
      const lifted = await waitFor('the lift delivered', () =>
        down.received.find((r) => r.answered === 200 && r.json.type === 'suppression.lifted'),
      );
      expect(lifted.json.data.subjectKey).toBe(deeKey);
      // Sending the dead letters again delivers the old change, under its original id.
      expect(await redeliverDead(res.list, endpoint.id)).toBe(1);
      const again = await waitFor('the dead change delivered', () =>
        down.received.find((r) => r.answered === 200 && r.id === dead.messageId),
      );
      expect(again.json.type).toBe('suppression.created');
    } finally {
      await down.close();
    }
  });
});
