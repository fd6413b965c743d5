// Graceful shutdown for a service's main: on SIGTERM/SIGINT run the service's ordered stop
// (kit.ts: inputs, consumers, flush, pools; STYLE.md 2) and exit, forced after a bound.
import type { Logger } from '@sp/observability';

export type Stopper = () => Promise<void>;

export function stopOnSignals(logger: Logger, stop: Stopper, timeoutMs = 30_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error({ signal, timeoutMs }, 'stop took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: (err as Error).message }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Runs stoppers in order, each even if an earlier one failed; rethrows the first failure. */
export async function stopInOrder(stoppers: Stopper[]): Promise<void> {
  let first: unknown;
  for (const s of stoppers) {
    try {
      await s();
    } catch (err) {
      first ??= err;
    }
  }
  if (first) throw first;
}
