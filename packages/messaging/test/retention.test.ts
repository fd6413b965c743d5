// Issue 15: the topics the bus creates keep messages for a bounded, configurable time (events
// 7 days, dead letters 30 days by default); a compacted topic keeps compaction.
import { testInfra, uniqueName, withAdmin } from '@sp/testing';
import { ConfigResourceTypes } from 'kafkajs';
import { expect, it } from 'vitest';
import { createKafkaBus, DEFAULT_RETENTION } from '../src/index';

async function configOf(brokers: string, topic: string): Promise<Record<string, string>> {
  return withAdmin(brokers, async (admin) => {
    const r = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] },
      ],
    });
    return Object.fromEntries(r.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
  });
}

it('creates event topics and their DLQs with bounded retention, the changelog compacted', async () => {
  const brokers = testInfra().kafkaBrokers;
  const events = uniqueName('retention-events');
  const changelog = uniqueName('retention-changelog');
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('retention') });
  try {
    await bus.ensureTopics([
      { topic: events, partitions: 1 },
      { topic: changelog, partitions: 1, compacted: true, dlq: false },
    ]);
    expect(await configOf(brokers, events)).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': String(7 * 86_400_000),
    });
    expect(await configOf(brokers, `${events}.dlq`)).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': String(30 * 86_400_000),
    });
    expect((await configOf(brokers, changelog))['cleanup.policy']).toBe('compact');
  } finally {
    await bus.close();
  }
  expect(DEFAULT_RETENTION).toEqual({ eventsMs: 604_800_000, dlqMs: 2_592_000_000 });
});

it('takes the retention from its options (EVENT_RETENTION_MS / DLQ_RETENTION_MS)', async () => {
  const brokers = testInfra().kafkaBrokers;
  const events = uniqueName('retention-conf');
  const bus = createKafkaBus({
    brokers: brokers.split(','),
    clientId: uniqueName('retention'),
    retention: { eventsMs: 3_600_000, dlqMs: 7_200_000 },
  });
  try {
    await bus.ensureTopics([{ topic: events, partitions: 1 }]);
    expect((await configOf(brokers, events))['retention.ms']).toBe('3600000');
    expect((await configOf(brokers, `${events}.dlq`))['retention.ms']).toBe('7200000');
  } finally {
    await bus.close();
  }
});
