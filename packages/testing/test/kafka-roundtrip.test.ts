// Issue 2 proof: the real broker keeps per-key order across partitions, and a consumer group
// that commits offsets reads nothing twice after a restart.
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopic, kafkaClient, testInfra, uniqueName, waitFor } from '../src/index';

describe('kafka on the test broker', () => {
  it('round-trips 1,000 keyed messages in order per key, and a restarted group reads nothing twice', async () => {
    const { kafkaBrokers } = testInfra();
    const topic = await createTopic(kafkaBrokers, 'roundtrip', { partitions: 3 });
    const kafka = kafkaClient(kafkaBrokers);
    const keys = Array.from({ length: 20 }, (_, i) => `subject-${i}`);
    const sent = Array.from({ length: 1000 }, (_, i) => ({ key: keys[i % keys.length]!, value: String(i) }));

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: sent.slice(0, 600) });

    const groupId = uniqueName('roundtrip-group');
    const seen: { key: string; value: number; partition: number }[] = [];
    const runConsumer = async () => {
      const consumer = kafka.consumer({ groupId });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        autoCommitInterval: null,
        autoCommitThreshold: 1,
        eachMessage: async ({ partition, message }) => {
          seen.push({ key: message.key!.toString(), value: Number(message.value!.toString()), partition });
        },
      });
      return consumer;
    };

    const first = await runConsumer();
    await waitFor('the first 600 messages', () => seen.length >= 600);
    await first.disconnect();
    expect(seen).toHaveLength(600);

    // The rest arrive while the group has no member; the restarted consumer must pick up
    // exactly where the committed offsets say.
    await producer.send({ topic, acks: -1, messages: sent.slice(600) });
    await producer.disconnect();
    const second = await runConsumer();
    await waitFor('all 1,000 messages', () => seen.length >= 1000);
    // Give a duplicate the chance to show up: read the group's lag down to zero first.
    const admin = kafka.admin();
    await admin.connect();
    await waitFor('committed offsets to reach the end', async () => {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const done = committed[0]!.partitions.every(
        (p) => p.offset === ends.find((e) => e.partition === p.partition)!.offset,
      );
      return done || undefined;
    });
    await admin.disconnect();
    await second.disconnect();

    expect(seen).toHaveLength(1000);
    expect(new Set(seen.map((s) => s.value)).size).toBe(1000);
    expect(new Set(seen.map((s) => s.partition)).size).toBe(3);
    for (const key of keys) {
      const values = seen.filter((s) => s.key === key).map((s) => s.value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(values).toHaveLength(50);
    }
  });
});
