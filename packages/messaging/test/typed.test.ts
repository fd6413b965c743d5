// subscribe(): validator and payload type from the @sp/contracts topic catalog.
import {
  type EmailConsentEvent,
  type EventOf,
  EventTypes,
  newEnvelope,
  Topics,
  ValidationError,
} from '@sp/contracts';
import { createTopic, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Bus,
  createKafkaBus,
  createMemoryBus,
  type Delivered,
  DLQ_HEADERS,
  dlqTopicOf,
  subscribe,
} from '../src/index';

class RefusedAddress extends ValidationError {}

const buses: Bus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});

const cases: [string, () => Promise<{ bus: Bus; topic: string }>][] = [
  [
    'in-process',
    async () => {
      const bus = createMemoryBus();
      const topic = uniqueName('optout');
      await bus.ensureTopics([{ topic }]);
      return { bus, topic };
    },
  ],
  [
    'kafka',
    async () => {
      const brokers = testInfra().kafkaBrokers;
      const bus = createKafkaBus({ brokers: brokers.split(','), clientId: uniqueName('typed') });
      return { bus, topic: await createTopic(brokers, 'optout') };
    },
  ],
];

describe.each(cases)('subscribe() on the topic catalog (%s)', (_name, make) => {
  it('delivers typed events; schema failures and handler ValidationError subclasses go to the DLQ', async () => {
    const { bus, topic } = await make();
    buses.push(bus);
    const got: EmailConsentEvent[] = [];
    await subscribe(bus, {
      groupId: uniqueName('g'),
      topics: [Topics.emailOptOut],
      topicName: () => topic,
      handle: async (batch) => {
        expectTypeOf(batch).toEqualTypeOf<Delivered<EventOf<'consent.email-optout.v1'>>[]>();
        for (const d of batch) {
          if (d.value.type === EventTypes.emailOptOut && d.value.data.method === 'mailto') {
            throw new RefusedAddress('data.method: mailto not accepted here');
          }
        }
        got.push(...batch.map((d) => d.value));
      },
    });
    const good = newEnvelope(EventTypes.emailOptOut, 'edge', { email: 'a@example.com', method: 'one-click' });
    const refused = newEnvelope(EventTypes.emailOptOut, 'edge', { email: 'b@example.com', method: 'mailto' });
    const resub = newEnvelope(EventTypes.emailResubscribe, 'edge', {
      email: 'a@example.com',
      confirmationId: 'c1',
    });
    await bus.publish(topic, [
      { key: 'k1', value: good },
      { key: 'k1', value: { ...good, id: 'not-a-uuid' } },
      { key: 'k1', value: refused },
      { key: 'k1', value: { ...good, type: 'consent.something-else.v1' } },
      { key: 'k1', value: resub },
    ]);
    await waitFor('the two good events', () => got.length >= 2);
    expect(got.map((e) => e.id)).toEqual([good.id, resub.id]);

    const dead: Delivered<string>[] = [];
    await bus.consume({
      groupId: uniqueName('dlq-reader'),
      topics: [dlqTopicOf(topic)],
      validate: (_t, raw) => ({ ok: true, value: raw?.toString() ?? '' }),
      handle: async (batch) => void dead.push(...batch),
    });
    await waitFor('three dead letters', () => dead.length >= 3);
    // Schema failures are dead-lettered before the handler runs, so sort by source offset.
    dead.sort((a, b) => Number(a.headers[DLQ_HEADERS.offset]) - Number(b.headers[DLQ_HEADERS.offset]));
    const errors = dead.map((d) => d.headers[DLQ_HEADERS.error] ?? '');
    expect(dead.map((d) => d.headers[DLQ_HEADERS.offset])).toEqual(['1', '2', '3']);
    expect(errors[0]).toMatch(/^id: /);
    expect(errors[1]).toBe('data.method: mailto not accepted here');
    expect(errors[2]).toMatch(/^type: /);
    // No address in an error header.
    expect(errors.join(' ')).not.toMatch(/@example\.com/);
  });
});

it('rejects a handler of the wrong payload type at compile time (STYLE 4)', () => {
  const bus = createMemoryBus();
  const typed = () =>
    subscribe(bus, {
      groupId: 'g',
      topics: [Topics.smsInbound],
      // @ts-expect-error an opt-out handler cannot consume the SMS inbound topic
      handle: async (_batch: Delivered<EventOf<'consent.email-optout.v1'>>[]) => {},
    });
  expect(typeof typed).toBe('function');
});
