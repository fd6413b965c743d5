// A database that went away may leave a query waiting forever (postgres.js reconnects while
// queries are queued): the senders bound each round trip, and a bound that runs out counts as
// "cannot be reached" (ETIMEDOUT), so the consumer runner treats it as an outage.
import { TransientError } from '@sp/contracts';

export class DatabaseTimeoutError extends TransientError {
  readonly code = 'ETIMEDOUT';
}

export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => {}); // a late failure of the abandoned query is not unhandled
  }
}
