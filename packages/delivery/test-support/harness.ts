// What the email and SMS sender test harnesses share: a reader of a topic from its beginning,
// send requests as the campaign tool would publish them, and the lookup of one message's outcome.
import { randomUUID } from 'node:crypto';
import type { Bus } from '@sp/messaging';
import { type ConsumedMessage, kafkaClient, toConsumed, uniqueName } from '@sp/testing';

/** An envelope read back from a topic. */
export interface Parsed {
  id: string;
  type: string;
  source: string;
  data: Record<string, unknown> & { messageId?: string; status?: string; error?: string };
}

export interface Collected<T = Parsed> {
  messages: ConsumedMessage[];
  /** The messages so far, JSON-parsed. */
  parsed(): T[];
  stop(): Promise<void>;
}

/** Reads a topic from its beginning into an array, for waitFor. */
export async function collect<T = Parsed>(brokers: string, topic: string): Promise<Collected<T>> {
  const consumer = kafkaClient(brokers).consumer({ groupId: uniqueName('reader') });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => void messages.push(toConsumed(partition, message)),
  });
  return {
    messages,
    parsed: () => messages.map((m) => JSON.parse(m.value ?? 'null') as T),
    stop: () => consumer.disconnect(),
  };
}

/** The parts of a sender harness that only differ by the request's envelope type. */
export function senderRequests<E, T extends { data: { messageId?: string; status?: string } }>(opts: {
  bus: Bus;
  /** The send request topic. */
  topic: string;
  outcomes: Collected<T>;
  /** The request's envelope ('email.send-request.v1', ...) from its data, stamped by the caller. */
  envelope: (data: Record<string, unknown>) => E;
}) {
  return {
    /** A send request for one recipient and template, with a fresh message id. */
    request: (to: string, templateId: string, variables: object = {}, extra: object = {}): E =>
      opts.envelope({ messageId: randomUUID(), to, templateId, variables, ...extra }),
    send: (requests: unknown[]) =>
      opts.bus.publish(
        opts.topic,
        requests.map((r) => ({ key: null, value: r })),
      ),
    outcome: (messageId: string, status?: string): T | undefined =>
      opts.outcomes
        .parsed()
        .find((o) => o.data.messageId === messageId && (!status || o.data.status === status)),
  };
}
