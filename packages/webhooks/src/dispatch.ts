// The dispatcher: claims due deliveries (the oldest pending one per endpoint and subject only, so a
// failing delivery holds the later changes of its subject for that endpoint and no others), POSTs
// them signed, records every attempt, and backs off exponentially until the last attempt, after
// which the delivery is dead (listed per endpoint, sent again on request).
import type { ChangelogEntry } from '@sp/contracts';
import { type DbHandle, schema } from '@sp/db';
import type { Logger } from '@sp/messaging';
import { revealAddress, type SuppressionContext } from '@sp/suppression';
import { inArray } from 'drizzle-orm';
import type { WebhookPayload } from './schemas';
import { signedHeaders } from './sign';
import { messageIdOf, secretOf } from './store';

export interface Backoff {
  /** Delay after the first failed attempt; doubled after each next one. */
  initialMs: number;
  maxMs: number;
  /** Attempts before the delivery is dead. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 5_000, maxMs: 3_600_000, maxAttempts: 12 };

/** Delay before attempt n+1 after n failed attempts (n >= 1), with up to 10% jitter. */
export function backoffMs(b: Backoff, failed: number, random: () => number = Math.random): number {
  const base = Math.min(b.maxMs, b.initialMs * 2 ** (failed - 1));
  return Math.round(base * (1 + 0.1 * random()));
}

export interface DispatcherOptions {
  backoff?: Backoff;
  /** Deliveries claimed per round (sent concurrently: never two of one subject and endpoint). */
  batch?: number;
  /** Idle poll interval; a fan-out wakes the dispatcher at once. */
  intervalMs?: number;
  /** Per-attempt HTTP timeout. */
  timeoutMs?: number;
  logger: Logger;
  onAttempt?: (outcome: 'delivered' | 'failed' | 'dead') => void;
}

export interface Dispatcher {
  /** Runs one round now; resolves with how many deliveries were attempted. */
  round(): Promise<number>;
  wake(): void;
  stop(): Promise<void>;
}

interface Claimed {
  id: string | number;
  endpoint_id: string;
  seq: string | number;
  subject_key: string;
  entry: ChangelogEntry | string;
  attempts: number;
}

const CLAIM = `
update webhook_deliveries set lease_until = now() + $2::int * interval '1 millisecond'
where id in (
  select d.id from webhook_deliveries d
  join webhook_endpoints e on e.id = d.endpoint_id and e.status = 'active'
  where d.status = 'pending' and d.next_attempt_at <= now()
    and (d.lease_until is null or d.lease_until < now())
    and not exists (
      select 1 from webhook_deliveries p
      where p.endpoint_id = d.endpoint_id and p.subject_key = d.subject_key
        and p.status = 'pending' and p.seq < d.seq)
  order by d.next_attempt_at, d.id
  limit $1
  for update of d skip locked)
returning id, endpoint_id, seq, subject_key, entry, attempts`;

export function payloadOf(e: ChangelogEntry, address: string | null): WebhookPayload {
  const { subjectKey, channel, purpose, topic, suppressed, reason, source, eventId, occurredAt, since, seq } =
    e;
  return {
    type: suppressed ? 'suppression.created' : 'suppression.lifted',
    timestamp: occurredAt,
    data: {
      subjectKey,
      channel,
      purpose,
      topic,
      suppressed,
      reason,
      source,
      eventId,
      occurredAt,
      since,
      seq,
      ...(e.askAgainAfter ? { askAgainAfter: e.askAgainAfter } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
      ...(e.minor ? { minor: true } : {}),
      ...(address !== null ? { address } : {}),
    },
  };
}

export function startDispatcher(
  ctx: SuppressionContext,
  db: Pick<DbHandle, 'sql'>,
  opts: DispatcherOptions,
): Dispatcher {
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const batch = opts.batch ?? 20;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 500;
  // A lease outlives an attempt: another dispatcher takes the delivery over only if this one died.
  const leaseMs = timeoutMs * 3;

  async function attempt(c: Claimed, ep: typeof schema.webhookEndpoints.$inferSelect): Promise<void> {
    const entry: ChangelogEntry = typeof c.entry === 'string' ? JSON.parse(c.entry) : c.entry;
    const address = ep.includeAddress ? await revealAddress(ctx, c.subject_key) : null;
    const body = JSON.stringify(payloadOf(entry, address));
    const id = messageIdOf(Number(c.seq));
    const n = c.attempts + 1;
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(ep.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'suppression-platform-webhooks/1',
          ...signedHeaders(secretOf(ctx, ep), id, body, new Date()),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      await res.body?.cancel().catch(() => {}); // the answer's body is never read nor stored
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error = e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (e.cause?.code ?? e.name);
    }
    const durationMs = Date.now() - started;
    const outcome = error === null ? 'delivered' : n >= backoff.maxAttempts ? 'dead' : 'failed';
    await db.sql.transaction(async (tx) => {
      await tx.query(
        `insert into webhook_attempts (delivery_id, endpoint_id, attempt, http_status, error, duration_ms)
         values ($1, $2, $3, $4, $5, $6)`,
        [c.id, c.endpoint_id, n, status, error, durationMs],
      );
      if (outcome === 'delivered') {
        await tx.query(
          `update webhook_deliveries set status = 'delivered', attempts = $2, delivered_at = now(),
             lease_until = null, last_error = null where id = $1`,
          [c.id, n],
        );
      } else if (outcome === 'dead') {
        await tx.query(
          `update webhook_deliveries set status = 'dead', attempts = $2, lease_until = null, last_error = $3
           where id = $1`,
          [c.id, n, error],
        );
      } else {
        await tx.query(
          `update webhook_deliveries set attempts = $2, lease_until = null, last_error = $3,
             next_attempt_at = now() + $4::int * interval '1 millisecond' where id = $1`,
          [c.id, n, error, backoffMs(backoff, n)],
        );
      }
    });
    opts.onAttempt?.(outcome);
    if (outcome === 'dead') {
      opts.logger.warn(
        { endpointId: c.endpoint_id, seq: Number(c.seq), attempts: n },
        'webhook delivery dead',
      );
    }
  }

  async function round(): Promise<number> {
    const claimed = await db.sql.query<Claimed>(CLAIM, [batch, leaseMs]);
    if (claimed.length === 0) return 0;
    const ids = [...new Set(claimed.map((c) => c.endpoint_id))];
    const eps = await ctx.db
      .select()
      .from(schema.webhookEndpoints)
      .where(inArray(schema.webhookEndpoints.id, ids));
    const byId = new Map(eps.map((e) => [e.id, e]));
    await Promise.all(
      claimed.map((c) =>
        attempt(c, byId.get(c.endpoint_id)!).catch((err: unknown) => {
          // The database failed while recording: the lease expires and the delivery is tried again.
          opts.logger.error(
            { err: (err as Error).message, endpointId: c.endpoint_id },
            'webhook attempt not recorded',
          );
        }),
      ),
    );
    return claimed.length;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      try {
        // A full round means more may be due: go on at once.
        while (!stopped && (await round()) >= batch) {}
      } catch (err) {
        opts.logger.warn({ err: (err as Error).message }, 'webhook dispatcher round failed');
      }
    } while (again && !stopped);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, intervalMs);
  };
  const tick = () => {
    timer = undefined;
    running = loop().finally(() => {
      running = undefined;
      schedule();
    });
  };
  schedule();
  return {
    round,
    wake: () => {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      if (timer) clearTimeout(timer);
      tick();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
