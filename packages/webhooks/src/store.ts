// Webhook endpoints and their deliveries in PostgreSQL: register, list, disable, read the
// attempts, and send dead deliveries again. The secret is sealed with the vault key when there is one.
import { randomBytes } from 'node:crypto';
import { schema } from '@sp/db';
import { openAddress, type SuppressionContext, sealAddress } from '@sp/suppression';
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Delivery, Endpoint, NewEndpoint } from './schemas';
import { newSecret } from './sign';

type EndpointRow = typeof schema.webhookEndpoints.$inferSelect;
type DeliveryRow = typeof schema.webhookDeliveries.$inferSelect;

const aad = (id: string) => `webhook-secret:${id}`;

function sealSecret(ctx: Pick<SuppressionContext, 'vault'>, id: string, secret: string): string {
  if (!ctx.vault) return secret;
  return `sealed:${ctx.vault.keyId}:${sealAddress(ctx.vault.key, aad(id), secret)}`;
}

/** The endpoint's whsec_ secret; throws when it was sealed with a vault key this process lacks. */
export function secretOf(
  ctx: Pick<SuppressionContext, 'vault'>,
  row: Pick<EndpointRow, 'id' | 'secret'>,
): string {
  const m = /^sealed:([^:]+):(.+)$/.exec(row.secret);
  if (!m) return row.secret;
  if (!ctx.vault || ctx.vault.keyId !== m[1])
    throw new Error(`webhook ${row.id}: secret sealed with another vault key`);
  return openAddress(ctx.vault.key, aad(row.id), m[2]!);
}

export async function createEndpoint(
  ctx: Pick<SuppressionContext, 'db' | 'vault'>,
  input: NewEndpoint,
): Promise<{ endpoint: Endpoint; secret: string }> {
  const id = `ep_${randomBytes(9).toString('base64url')}`;
  const secret = input.secret ?? newSecret();
  await ctx.db.insert(schema.webhookEndpoints).values({
    id,
    url: input.url,
    description: input.description ?? null,
    secret: sealSecret(ctx, id, secret),
    channels: input.channels ?? null,
    purposes: input.purposes ?? null,
    reasons: input.reasons ?? null,
    includeAddress: input.includeAddress,
    // Changes already on the list before the endpoint existed are not news to it.
    fromSeq: sql`(select coalesce(max(${schema.outbox.id}), 0) from ${schema.outbox})`,
  });
  const [endpoint] = await listEndpoints(ctx, { id });
  return { endpoint: endpoint!, secret };
}

export async function listEndpoints(
  ctx: Pick<SuppressionContext, 'db'>,
  opts: { id?: string } = {},
): Promise<Endpoint[]> {
  const e = schema.webhookEndpoints;
  const rows = await ctx.db
    .select()
    .from(e)
    .where(opts.id ? eq(e.id, opts.id) : undefined)
    .orderBy(asc(e.createdAt), asc(e.id));
  if (rows.length === 0) return [];
  const d = schema.webhookDeliveries;
  const counts = await ctx.db
    .select({ endpointId: d.endpointId, status: d.status, n: sql<number>`count(*)::int` })
    .from(d)
    .where(
      inArray(
        d.endpointId,
        rows.map((r) => r.id),
      ),
    )
    .groupBy(d.endpointId, d.status);
  return rows.map((r) => {
    const of = (s: string) => counts.find((c) => c.endpointId === r.id && c.status === s)?.n ?? 0;
    return {
      id: r.id,
      url: r.url,
      description: r.description,
      channels: r.channels,
      purposes: r.purposes,
      reasons: r.reasons,
      includeAddress: r.includeAddress,
      status: r.status === 'disabled' ? 'disabled' : 'active',
      createdAt: r.createdAt.toISOString(),
      deliveries: { pending: of('pending'), delivered: of('delivered'), dead: of('dead') },
    };
  });
}

/** Active endpoints with their filters (the fan-out reads these). */
export async function activeEndpoints(ctx: Pick<SuppressionContext, 'db'>): Promise<EndpointRow[]> {
  const e = schema.webhookEndpoints;
  return ctx.db.select().from(e).where(eq(e.status, 'active'));
}

/** Stops deliveries to an endpoint (its history stays readable). False when there is no such endpoint. */
export async function disableEndpoint(ctx: Pick<SuppressionContext, 'db'>, id: string): Promise<boolean> {
  const e = schema.webhookEndpoints;
  const rows = await ctx.db.update(e).set({ status: 'disabled' }).where(eq(e.id, id)).returning({ id: e.id });
  return rows.length > 0;
}

/**
 * Sends the endpoint's dead deliveries again (after the receiver was fixed): they become pending
 * with a fresh attempt budget, in their original order per subject. Returns how many.
 */
export async function redeliverDead(
  ctx: Pick<SuppressionContext, 'db'>,
  endpointId: string,
): Promise<number> {
  const d = schema.webhookDeliveries;
  const rows = await ctx.db
    .update(d)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(), leaseUntil: null })
    .where(and(eq(d.endpointId, endpointId), eq(d.status, 'dead')))
    .returning({ id: d.id });
  return rows.length;
}

export const messageIdOf = (seq: number) => `msg_${seq}`;

export async function listDeliveries(
  ctx: Pick<SuppressionContext, 'db'>,
  q: { endpointId: string; status?: 'pending' | 'delivered' | 'dead'; before?: number; limit: number },
): Promise<{ deliveries: Delivery[]; nextBefore: number | null }> {
  const d = schema.webhookDeliveries;
  const rows: DeliveryRow[] = await ctx.db
    .select()
    .from(d)
    .where(
      and(
        eq(d.endpointId, q.endpointId),
        q.status ? eq(d.status, q.status) : undefined,
        q.before !== undefined ? lt(d.id, q.before) : undefined,
      ),
    )
    .orderBy(desc(d.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const a = schema.webhookAttempts;
  const attempts =
    page.length === 0
      ? []
      : await ctx.db
          .select()
          .from(a)
          .where(
            inArray(
              a.deliveryId,
              page.map((r) => r.id),
            ),
          )
          .orderBy(asc(a.deliveryId), asc(a.attempt));
  return {
    deliveries: page.map((r) => {
      const entry = r.entry as { suppressed?: boolean };
      return {
        id: r.id,
        messageId: messageIdOf(r.seq),
        endpointId: r.endpointId,
        seq: r.seq,
        subjectKey: r.subjectKey,
        type: entry.suppressed ? 'suppression.created' : 'suppression.lifted',
        status: r.status as Delivery['status'],
        attempts: attempts
          .filter((x) => x.deliveryId === r.id)
          .map((x) => ({
            attempt: x.attempt,
            at: x.at.toISOString(),
            httpStatus: x.httpStatus,
            error: x.error,
            durationMs: x.durationMs,
          })),
        nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
        lastError: r.lastError,
        createdAt: r.createdAt.toISOString(),
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
      };
    }),
    nextBefore: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}
