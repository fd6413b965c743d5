// Issue 16 on real Kafka and PostgreSQL: a partner.seed-hit.v1 (as the abuse inbox publishes it)
// records the hit and flags the partner its seed names, and no other partner.
import { randomBytes } from 'node:crypto';
import { newEnvelope } from '@sp/contracts';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { createPartner, listPartners, SEED_HIT_TOPIC, type SeedHit } from '@sp/suppression';
import { freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeedHitConsumer } from '../src/index';

let svc: ServiceUnderTest;
beforeAll(async () => {
  svc = await startServiceUnderTest({
    service: 'seed-hits',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_seed_hits'),
    start: async (r) => {
      await r.bus.ensureTopics([{ topic: r.topicName(SEED_HIT_TOPIC), partitions: 1 }]);
      return startSeedHitConsumer(r, { groupId: uniqueName('seed-hits') });
    },
  });
});
afterAll(() => svc?.close());

describe('seed-hit consumer', () => {
  it('flags the partner a seed hit names, records it once, and leaves other partners alone', async () => {
    const seedKeys = { currentKeyId: 't1', keys: { t1: randomBytes(32).toString('hex') } };
    const mk = (name: string) =>
      createPartner(svc.res.list, {
        name,
        contact: `${name}@partner.example`,
        hashFormat: 'md5',
        topics: ['*'],
        seeds: 1,
        seedDomain: 'seeds.shop.example',
        seedKeys,
        actor: 'test',
      });
    const a = await mk('a');
    const b = await mk('b');
    const data: SeedHit = {
      partnerId: a.partner.id,
      seed: a.seeds[0]!,
      messageId: '<x@aff.example>',
      via: 'smtp',
    };
    const event = newEnvelope('partner.seed-hit.v1', 'abuse-inbox', data);
    const topic = svc.res.topicName(SEED_HIT_TOPIC);
    // Delivered twice (a redelivery): one hit on record.
    await produce(testInfra().kafkaBrokers, topic, [
      { key: a.partner.id, value: event },
      { key: a.partner.id, value: event },
    ]);
    await waitFor('partner flagged', async () =>
      (await listPartners(svc.res.list)).some((p) => p.id === a.partner.id && p.flaggedAt),
    );
    const partners = await listPartners(svc.res.list);
    expect(partners.find((p) => p.id === b.partner.id)!.flaggedAt).toBeNull();
    const hits = await svc.res.db.sql.query<{ partner_id: string; source: string }>(
      'select partner_id, source from partner_seed_hits',
    );
    expect(hits).toEqual([{ partner_id: a.partner.id, source: 'abuse-inbox/smtp' }]);
  });
});
