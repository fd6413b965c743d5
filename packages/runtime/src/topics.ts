// Every topic a service reads or writes must exist before it starts: Kafka does not make them
// (auto-creation is off), and a consumer of a missing topic dies with UNKNOWN_TOPIC_OR_PARTITION
// while a producer retries its send forever. One error names them all; or, when configured,
// the service waits for them with /readyz false.
import type { Bus } from '@sp/messaging';
import type { Logger } from '@sp/observability';

export class MissingTopicsError extends Error {
  override readonly name = 'MissingTopicsError';
  constructor(readonly topics: string[]) {
    super(
      `missing Kafka topic(s): ${topics.join(', ')} — create them (infra/topics/create-topics.sh) or set WAIT_FOR_TOPICS=true to wait for them`,
    );
  }
}

/** The topics of `names` the bus does not have (none when the bus makes topics on demand). */
export async function missingTopics(bus: Pick<Bus, 'missingTopics'>, names: string[]): Promise<string[]> {
  return bus.missingTopics ? bus.missingTopics(names) : [];
}

/** Resolves once every topic exists; false when `stopped()` turned true first. */
export async function waitForTopics(
  bus: Pick<Bus, 'missingTopics'>,
  names: string[],
  opts: { logger: Logger; stopped: () => boolean; intervalMs?: number },
): Promise<boolean> {
  let last = '';
  for (;;) {
    if (opts.stopped()) return false;
    let missing: string[];
    try {
      missing = await missingTopics(bus, names);
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message }, 'cannot list Kafka topics yet');
      missing = names;
    }
    if (missing.length === 0) return true;
    const now = missing.join(', ');
    if (now !== last) opts.logger.warn({ missing }, 'waiting for Kafka topics (WAIT_FOR_TOPICS)');
    last = now;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
  }
}
