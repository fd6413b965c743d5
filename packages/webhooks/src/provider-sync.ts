// Push to the providers: mirrors list changes into a provider's own suppression list, so a send
// that bypasses the platform is still stopped there. One adapter per provider (SES v2 account
// suppression list now; SendGrid global unsubscribes or Twilio next, behind the same interface).
// What we put is tracked per (provider, subject, scope): a lift removes only what we put, and
// never an address the provider held before us.
import type { ChangelogEntry } from '@sp/contracts';
import { schema } from '@sp/db';
import type { Delivered, HandlerResult, Logger } from '@sp/messaging';
import { revealAddress, type SuppressionContext } from '@sp/suppression';
import { and, eq } from 'drizzle-orm';

export interface ProviderAdapter {
  /** Stable name, the key of what was put ('ses', 'sendgrid' …). */
  readonly name: string;
  /** The provider's reason for one of our entries, or null when the adapter does not mirror it. */
  reasonFor(entry: Pick<ChangelogEntry, 'channel' | 'purpose' | 'topic' | 'reason'>): string | null;
  /** Whether the provider's list holds the address now. */
  holds(address: string): Promise<boolean>;
  put(address: string, reason: string): Promise<void>;
  /** Removes the address; an address already absent is no error. */
  remove(address: string): Promise<void>;
}

export type SyncOutcome = 'put' | 'kept' | 'removed' | 'preexisting' | 'no-address' | 'ignored';

const scopeOf = (e: Pick<ChangelogEntry, 'channel' | 'purpose' | 'topic'>) =>
  `${e.channel}/${e.purpose}/${e.topic}`;

/** Applies one change to one provider; what it did. */
export async function syncEntry(
  ctx: SuppressionContext,
  adapter: ProviderAdapter,
  e: ChangelogEntry,
): Promise<SyncOutcome> {
  const t = schema.providerSync;
  const scope = scopeOf(e);
  const reason = e.suppressed ? adapter.reasonFor(e) : null;
  const ours = await ctx.db
    .select()
    .from(t)
    .where(and(eq(t.provider, adapter.name), eq(t.subjectKey, e.subjectKey)));
  const mine = ours.find((r) => r.scope === scope);

  if (reason !== null) {
    if (mine) {
      await ctx.db
        .update(t)
        .set({ seq: e.seq, at: new Date() })
        .where(and(eq(t.provider, adapter.name), eq(t.subjectKey, e.subjectKey), eq(t.scope, scope)));
      return 'kept';
    }
    // Another of our scopes already put it (or found it there): the provider holds it.
    const other = ours[0];
    if (other) {
      await ctx.db.insert(t).values({
        provider: adapter.name,
        subjectKey: e.subjectKey,
        scope,
        providerReason: reason,
        preexisting: other.preexisting,
        seq: e.seq,
      });
      return 'kept';
    }
    const address = await revealAddress(ctx, e.subjectKey);
    if (address === null) return 'no-address';
    const preexisting = await adapter.holds(address);
    if (!preexisting) await adapter.put(address, reason);
    await ctx.db
      .insert(t)
      .values({
        provider: adapter.name,
        subjectKey: e.subjectKey,
        scope,
        providerReason: reason,
        preexisting,
        seq: e.seq,
      })
      .onConflictDoNothing();
    return preexisting ? 'preexisting' : 'put';
  }

  // Lifted (or no longer a mirrored entry): forget this scope; remove when it was the last one we put.
  if (!mine) return 'ignored';
  if (ours.length === 1 && !mine.preexisting) {
    const address = await revealAddress(ctx, e.subjectKey);
    if (address !== null) await adapter.remove(address);
  }
  await ctx.db
    .delete(t)
    .where(and(eq(t.provider, adapter.name), eq(t.subjectKey, e.subjectKey), eq(t.scope, scope)));
  return ours.length === 1 && !mine.preexisting ? 'removed' : 'kept';
}

/** The changelog handler of the provider sync: each change to each adapter, in order per partition. */
export function providerSyncHandler(
  ctx: SuppressionContext,
  adapters: ProviderAdapter[],
  opts: { logger: Logger; onOutcome?: (provider: string, outcome: SyncOutcome) => void },
): (batch: Delivered<ChangelogEntry>[]) => Promise<HandlerResult> {
  return async (batch) => {
    for (const { value: e } of batch) {
      if (e.minor) continue; // a minor flag is no scope of any provider's list
      for (const a of adapters) {
        const outcome = await syncEntry(ctx, a, e);
        opts.onOutcome?.(a.name, outcome);
        if (outcome === 'no-address') {
          opts.logger.warn(
            { provider: a.name, seq: e.seq },
            'provider sync: no readable address in the vault',
          );
        }
      }
    }
  };
}
