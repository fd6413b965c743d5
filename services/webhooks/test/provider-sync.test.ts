// Issue 14, push to the providers, on real Kafka and PostgreSQL: a hard bounce recorded by the
// platform appears in SES's account suppression list (read with the SDK over the SES double's HTTP
// API), and a lift removes it; an address SES held before us is never removed; an unsubscribe is
// mirrored as COMPLAINT, a one-newsletter opt-out not at all.
import {
  GetSuppressedDestinationCommand,
  NotFoundException,
  PutSuppressedDestinationCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { startComplaintConsumer } from '@sp/complaint-consumer';
import { newEnvelope, Topics } from '@sp/contracts';
import { schema } from '@sp/db';
import { type SesEmulator, startSesEmulator } from '@sp/provider-doubles';
import { type Resources, startChangelogRelay } from '@sp/runtime';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { type AdminAction, apply } from '@sp/suppression';
import { freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { sesSuppressionAdapter, startIntegrations } from '@sp/webhooks';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let ses: SesEmulator;
let client: SESv2Client;
let svc: ServiceUnderTest;
let res: ServiceUnderTest['res'];

beforeAll(async () => {
  ses = await startSesEmulator();
  client = new SESv2Client({
    endpoint: ses.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
  svc = await startServiceUnderTest({
    service: 'provider-sync',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_provider_sync'),
    start: async (r: Resources) => {
      const relay = startChangelogRelay(r, { intervalMs: 50 });
      return [
        await startComplaintConsumer(r, { groupId: uniqueName('complaints') }),
        ...(await startIntegrations(r, {
          groupId: uniqueName('webhooks'),
          providerSyncGroupId: uniqueName('provider-sync'),
          providers: [sesSuppressionAdapter(client)],
        })),
        { stop: () => relay.stop(), ready: () => true },
      ];
    },
  });
  res = svc.res;
});
afterAll(async () => {
  await svc?.close();
  await ses?.close();
});

let n = 0;
const email = (tag: string) => `${tag}.${uniqueName('ps')}.${++n}@shop.example`;
const keyOf = (address: string) => res.keyer.keyOf({ type: 'email', value: address.toLowerCase() });

/** What SES's account suppression list says of an address, read with the SDK over HTTP. */
async function inSes(address: string): Promise<string | null> {
  try {
    const out = await client.send(new GetSuppressedDestinationCommand({ EmailAddress: address }));
    return out.SuppressedDestination?.Reason ?? null;
  } catch (err) {
    if (err instanceof NotFoundException) return null;
    throw err;
  }
}

async function admin(
  address: string,
  action: 'suppress' | 'lift',
  scope: { purpose: 'marketing' | 'all'; topic?: string },
) {
  const event = newEnvelope('suppression.admin.v1', 'test', {
    subject: { type: 'email', value: address.toLowerCase() },
    action,
    channel: 'email',
    purpose: scope.purpose,
    topic: scope.topic ?? '*',
    actor: 'ops@shop',
    reason: 'test',
  }) as AdminAction;
  expect((await apply(res.list, [event])).applied).toContain(event.id);
}

async function hardBounce(address: string) {
  await produce(testInfra().kafkaBrokers, `${svc.prefix}${Topics.bounce}`, [
    {
      key: keyOf(address),
      value: newEnvelope('email.bounce.v1', 'test', {
        email: address,
        bounceType: 'Permanent',
        bounceSubType: 'General',
      }),
    },
  ]);
}

/** Waits until the sync has applied every change of this subject (its rows say the last seq). */
async function syncedUpTo(address: string): Promise<void> {
  const o = schema.outbox;
  await waitFor('the changelog published', async () => {
    const rows = await res.db.db
      .select()
      .from(o)
      .where(eq(o.key, `${keyOf(address)}|email|all|*`));
    return rows.length > 0 && rows.every((r) => r.publishedAt !== null);
  });
}

describe('provider sync into the SES v2 account suppression list', () => {
  it('puts a hard bounce there as BOUNCE, and a lift removes it', async () => {
    const ann = email('ann');
    await hardBounce(ann);
    expect(await waitFor('Ann in SES', () => inSes(ann).then((r) => r ?? undefined))).toBe('BOUNCE');

    await admin(ann, 'lift', { purpose: 'all' });
    await waitFor('Ann removed from SES', async () => (await inSes(ann)) === null);
    const t = schema.providerSync;
    expect(
      await res.db.db
        .select()
        .from(t)
        .where(and(eq(t.provider, 'ses'), eq(t.subjectKey, keyOf(ann)))),
    ).toEqual([]);
  });

  it('never removes an address SES held before we put it', async () => {
    const bob = email('bob');
    await client.send(new PutSuppressedDestinationCommand({ EmailAddress: bob, Reason: 'COMPLAINT' }));
    await hardBounce(bob);
    const t = schema.providerSync;
    const row = await waitFor('the sync’s record of Bob', async () => {
      const [r] = await res.db.db
        .select()
        .from(t)
        .where(eq(t.subjectKey, keyOf(bob)));
      return r;
    });
    expect(row.preexisting).toBe(true);
    await admin(bob, 'lift', { purpose: 'all' });
    await syncedUpTo(bob);
    await waitFor('the sync forgot its record', async () => {
      const rows = await res.db.db
        .select()
        .from(t)
        .where(eq(t.subjectKey, keyOf(bob)));
      return rows.length === 0;
    });
    expect(await inSes(bob)).toBe('COMPLAINT'); // still there, with SES's own reason
  });

  it('mirrors a brand-wide unsubscribe as COMPLAINT and keeps it while another of our scopes holds it', async () => {
    const cy = email('cy');
    await admin(cy, 'suppress', { purpose: 'marketing', topic: 'weekly-deals' });
    await admin(cy, 'suppress', { purpose: 'marketing' });
    expect(await waitFor('Cy in SES', () => inSes(cy).then((r) => r ?? undefined))).toBe('COMPLAINT');
    await hardBounce(cy);
    const t = schema.providerSync;
    await waitFor('both scopes recorded', async () => {
      const rows = await res.db.db
        .select()
        .from(t)
        .where(eq(t.subjectKey, keyOf(cy)));
      return (
        rows
          .map((r) => r.scope)
          .sort()
          .join() === 'email/all/*,email/marketing/*'
      );
    });
    // Lifting the bounce leaves the unsubscribe: SES keeps the address.
    await admin(cy, 'lift', { purpose: 'all' });
    await waitFor('only the marketing scope left', async () => {
      const rows = await res.db.db
        .select()
        .from(t)
        .where(eq(t.subjectKey, keyOf(cy)));
      return rows.length === 1 && rows[0]!.scope === 'email/marketing/*';
    });
    expect(await inSes(cy)).toBe('COMPLAINT');
  });

  it('maps our scopes to SES reasons: hard bounce and other email/all BOUNCE, complaints and unsubscribes COMPLAINT, the rest not at all', () => {
    const ses = sesSuppressionAdapter(client);
    const of = (channel: string, purpose: string, topic: string, reason: string) =>
      ses.reasonFor({ channel: channel as 'email', purpose: purpose as 'all', topic, reason });
    expect(of('email', 'all', '*', 'hard-bounce')).toBe('BOUNCE');
    expect(of('email', 'all', '*', 'admin')).toBe('BOUNCE');
    expect(of('email', 'marketing', '*', 'complaint')).toBe('COMPLAINT');
    expect(of('email', 'marketing', '*', 'email-optout')).toBe('COMPLAINT');
    expect(of('email', 'marketing', 'weekly-deals', 'email-optout')).toBeNull();
    expect(of('sms', 'all', '*', 'sms-stop')).toBeNull();
    expect(of('any', 'sale_share', '*', 'do-not-sell')).toBeNull();
    const onlyAll = sesSuppressionAdapter(client, { purposes: ['all'] });
    expect(
      onlyAll.reasonFor({ channel: 'email', purpose: 'marketing', topic: '*', reason: 'email-optout' }),
    ).toBeNull();
  });
});
