// Issue 15, on real Kafka and PostgreSQL: what the sealed bus publishes holds no readable
// identifier, its consumers get the event opened, and a dead letter is sealed even when the event
// arrived readable (an older producer).
import { randomBytes, randomUUID } from 'node:crypto';
import { ValidationError } from '@sp/contracts';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { createKafkaBus } from '@sp/messaging';
import { createDataKeyring, openEvents } from '@sp/suppression';
import { consumeAll, createTopic, freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sealedBus } from '../src/index';

let db: DbHandle;
let drop: () => Promise<void>;
beforeAll(async () => {
  const fresh = await freshDatabase('sp_sealed_bus');
  drop = fresh.drop;
  db = await createDb({ url: fresh.url, max: 2 });
  await migrateDb(db);
});
afterAll(async () => {
  await db?.close();
  await drop?.();
});

const optOut = (email: string) => ({
  id: randomUUID(),
  type: 'consent.email-optout.v1',
  occurredAt: new Date().toISOString(),
  source: 'test',
  data: { email, method: 'link' },
});

it('seals on publish, opens for the consumer, and seals the dead letter of a readable event', async () => {
  const brokers = testInfra().kafkaBrokers;
  const topic = await createTopic(brokers, 'sealed-bus');
  const keyer = createKeyer({
    peppers: { p1: 'pepper-sealed-bus-0123456789abcdef01234567' },
    currentKeyId: 'p1',
  });
  const ring = createDataKeyring(db.db, {
    currentKeyId: 'e1',
    keys: { e1: randomBytes(32).toString('base64') },
  });
  const bus = sealedBus(createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('sealed-bus') }), {
    ring,
    keyer,
  });
  const tag = randomBytes(5).toString('hex');
  const good = `good.${tag}@example.com`;
  const old = `old.${tag}@example.com`;
  const seen: string[] = [];
  const consumer = await bus.consume<{ data: { email: string } }>({
    groupId: uniqueName('sealed-bus'),
    topics: [topic],
    validate: (_t, raw) => ({ ok: true, value: JSON.parse(raw?.toString('utf8') ?? 'null') }),
    handle: async (batch) => {
      for (const m of batch) {
        if (m.value.data.email === old) throw new ValidationError('refused for the test');
        seen.push(m.value.data.email);
      }
    },
  });
  try {
    await bus.publish(topic, [{ key: 'k', value: optOut(good) }]);
    // An older producer wrote this one readable, straight to Kafka.
    await produce(brokers, topic, [{ key: 'k', value: JSON.stringify(optOut(old)) }]);
    await waitFor('the sealed event opened for the handler', () => seen.includes(good));
    const [onTopic] = await consumeAll(brokers, topic, 1);
    expect(onTopic!.value).not.toContain(good);
    expect(JSON.parse(onTopic!.value!).data.sealed.email).toMatch(/^d1\./);

    const [dead] = await waitFor('the dead letter', async () => {
      const got = await consumeAll(brokers, `${topic}.dlq`, 1, 5_000);
      return got.length === 1 ? got : undefined;
    });
    expect(dead!.value).not.toContain(old);
    const [opened] = await openEvents(ring, [JSON.parse(dead!.value!)]);
    expect(opened).toMatchObject({ ok: true, value: { data: { email: old } } });
  } finally {
    await consumer.stop();
    await bus.close();
  }
});
