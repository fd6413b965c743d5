// The bus contract on the durable table bus of the embedded mode, on both drivers @sp/db offers
// (PGlite as `npm start` runs it, PostgreSQL), plus what only a durable bus can show: a message
// published and not yet consumed survives the bus (and the process) going away, and retention
// removes only what every group has committed past.
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { freshDatabase, uniqueName, waitFor } from '@sp/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createTableBus, type Delivered, UnknownTopicError } from '../src/index';
import { busContract, ensuredTopic, type Ping, ping, validatePing } from './contract';

type Open = () => Promise<{ db: DbHandle; done: () => Promise<void> }>;

const drivers: [string, Open][] = [
  [
    'pglite',
    async () => {
      const db = await createDb({ pglite: 'memory://' });
      await migrateDb(db);
      return { db, done: () => db.close() };
    },
  ],
  [
    'postgres',
    async () => {
      const fresh = await freshDatabase('sp_tablebus');
      const db = await createDb({ url: fresh.url, max: 4 });
      await migrateDb(db);
      return {
        db,
        done: async () => {
          await db.close();
          await fresh.drop();
        },
      };
    },
  ],
];

for (const [name, open] of drivers) {
  busContract(`table (${name})`, async () => {
    const { db, done } = await open();
    const bus = createTableBus({ sql: db.sql, pollMs: 200 });
    return {
      bus,
      topic: ensuredTopic(bus),
      committed: (groupId, topic) => bus.committed(groupId, topic),
      close: async () => {
        await bus.close();
        await done();
      },
    };
  });
}

describe.each(drivers)('table bus durability (%s)', (_name, open) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  it('keeps a published, unconsumed message across a new bus object and delivers it then', async () => {
    const { db, done } = await open();
    cleanup.push(done);
    const topic = uniqueName('durable');
    const groupId = uniqueName('g');
    const first = createTableBus({ sql: db.sql });
    await first.ensureTopics([{ topic, partitions: 3 }]);
    const sent = [ping(1, 'a'), ping(2, 'b'), ping(3, 'a')];
    await first.publish(topic, sent);
    // The process "dies" here: nothing consumed, the bus object is gone.
    await first.close();

    const second = createTableBus({ sql: db.sql });
    cleanup.push(() => second.close());
    const got: Delivered<Ping>[] = [];
    await second.consume({
      groupId,
      topics: [topic],
      validate: validatePing,
      handle: async (b) => void got.push(...b),
    });
    await waitFor('the three messages after the "restart"', () => got.length === 3);
    expect(got.map((d) => d.value.id).sort()).toEqual(sent.map((s) => s.value.id).sort());
  });

  it('refuses a publish to a topic nobody created and a consumer of one, naming it', async () => {
    const { db, done } = await open();
    cleanup.push(done);
    const bus = createTableBus({ sql: db.sql });
    cleanup.push(() => bus.close());
    const missing = uniqueName('missing');
    const present = uniqueName('present');
    await bus.ensureTopics([{ topic: present }]);
    expect(await bus.missingTopics([missing, present])).toEqual([missing]);
    await expect(bus.publish(missing, [ping(1)])).rejects.toThrow(UnknownTopicError);
    await expect(
      bus.consume({
        groupId: uniqueName('g'),
        topics: [missing],
        validate: validatePing,
        handle: async () => {},
      }),
    ).rejects.toThrow(missing);
  });

  it('retention removes only rows every group of a topic has committed past; unread topics and DLQs by age', async () => {
    const { db, done } = await open();
    cleanup.push(done);
    const bus = createTableBus({ sql: db.sql, retention: { intervalMs: 3_600_000, unreadMs: 0 } });
    cleanup.push(() => bus.close());
    const topic = uniqueName('retention');
    const unread = uniqueName('unread');
    await bus.ensureTopics([
      { topic, partitions: 2 },
      { topic: unread, partitions: 1 },
    ]);
    const rows = async (t: string) =>
      (
        await db.sql.query<{ n: number }>('select count(*)::int as n from bus_message where topic = $1', [t])
      )[0]?.n;

    const fastId = uniqueName('fast');
    const fast: number[] = [];
    await bus.consume({
      groupId: fastId,
      topics: [topic],
      validate: validatePing,
      handle: async (b) => void fast.push(...b.map((d) => d.value.data.n)),
    });
    // A second group that joined once and has read nothing yet (its consumer is not running now).
    const slowId = uniqueName('slow');
    const slow = await bus.consume({
      groupId: slowId,
      topics: [topic],
      validate: validatePing,
      handle: async () => {},
    });
    await slow.stop();
    const sent = Array.from({ length: 10 }, (_, i) => ping(i, `key-${i}`));
    await bus.publish(topic, sent);
    await bus.publish(unread, [ping(100)]);
    await bus.publish(`${topic}.dlq`, [ping(200)]);
    await waitFor('the fast group handled all', () => fast.length === 10);
    await bus.prune();
    expect(await rows(topic)).toBe(10);
    expect(await rows(unread)).toBe(0);
    expect(await rows(`${topic}.dlq`)).toBe(1);

    const slowSeen: number[] = [];
    await bus.consume({
      groupId: slowId,
      topics: [topic],
      validate: validatePing,
      handle: async (b) => void slowSeen.push(...b.map((d) => d.value.data.n)),
    });
    await waitFor('the slow group caught up', () => slowSeen.length === 10);
    expect(slowSeen.sort((a, b) => a - b)).toEqual(sent.map((s) => s.value.data.n));
    await waitFor('every row read by both groups removed', async () => {
      await bus.prune();
      return (await rows(topic)) === 0;
    });
    // Dead letters past their bound go too (DLQ_RETENTION_MS; 30 days by default, kept above).
    const short = createTableBus({ sql: db.sql, retention: { intervalMs: 3_600_000, dlqMs: 0 } });
    cleanup.push(() => short.close());
    await short.prune();
    expect(await rows(`${topic}.dlq`)).toBe(0);
  });
});
