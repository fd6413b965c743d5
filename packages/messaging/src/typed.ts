// Typed consumption from the topic catalog (STYLE.md 4): the payload type comes from the
// topic, so a handler for the wrong payload type does not compile.
import { type EventOf, parseMessage, type TopicName, topicCatalog } from '@sp/contracts';
import type { Bus, ConsumerHandle, ConsumerOptions, Delivered, HandlerResult, Validator } from './types';

/** Validates raw bytes of a catalog topic (JSON + the topic's zod schema, path-precise errors). */
export function catalogValidator<T extends TopicName>(
  physicalToLogical: (topic: string) => T | undefined = (t) => (t in topicCatalog ? (t as T) : undefined),
): Validator<EventOf<T>> {
  return (topic, raw) => {
    const logical = physicalToLogical(topic);
    if (logical === undefined) return { ok: false, error: `topic ${topic} is not in the catalog` };
    return parseMessage(logical, raw) as ReturnType<Validator<EventOf<T>>>;
  };
}

export type SubscribeOptions<T extends TopicName> = Omit<
  ConsumerOptions<EventOf<T>>,
  'topics' | 'validate' | 'handle'
> & {
  topics: T[];
  handle: (batch: Delivered<EventOf<NoInfer<T>>>[]) => Promise<HandlerResult>;
  /** The topic's name on the broker when it differs from the catalog name (tests, prefixes). */
  topicName?: (topic: T) => string;
};

/** `bus.consume` with the validator and the payload type taken from the topic catalog. */
export function subscribe<T extends TopicName>(bus: Bus, opts: SubscribeOptions<T>): Promise<ConsumerHandle> {
  const { topics, topicName = (t: T) => t as string, ...rest } = opts;
  const byPhysical = new Map<string, T>(topics.map((t) => [topicName(t), t]));
  return bus.consume<EventOf<T>>({
    ...rest,
    topics: [...byPhysical.keys()],
    validate: catalogValidator((t) => byPhysical.get(t)),
  });
}
