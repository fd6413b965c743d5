// Partner seeds (issue 16): mail to s-<partner>-…@<seed domain> means a partner's suppression file
// was itself mailed. Kept apart from the abuse-report path: a seed hit is no complaint about a
// person, publishes one `partner.seed-hit.v1` per seed (keyed by partner) and fires an alert metric.
import { newEnvelope } from '@sp/contracts';
import { injectTraceHeaders } from '@sp/observability';
import { SEED_HIT_TYPE, type SeedHit, seedPartnerOf } from '@sp/suppression';
import type { AbuseInboxConfig } from './config';
import type { InboxDeps } from './inbox';
import { headerFields, splitMessage } from './mime';

/** The partner whose seed this recipient is, or null (also when no seed domain is configured). */
export function seedRecipient(config: AbuseInboxConfig, address: string): string | null {
  if (!config.seedDomain) return null;
  return seedPartnerOf(config.tokenKeys, config.seedDomain, address);
}

/** Publishes one seed hit per seed recipient; returns the event ids (empty when none is a seed). */
export async function publishSeedHits(
  deps: InboxDeps,
  raw: Buffer,
  recipients: string[],
  via: SeedHit['via'],
): Promise<string[]> {
  const hits = recipients.flatMap((seed) => {
    const partnerId = seedRecipient(deps.config, seed);
    return partnerId ? [{ partnerId, seed: seed.trim().toLowerCase() }] : [];
  });
  if (hits.length === 0) return [];
  const { head } = splitMessage(raw.subarray(0, 64 * 1024).toString('latin1'));
  const messageId = headerFields(head).get('message-id')?.[0]?.trim().slice(0, 998) ?? null;
  const at = (deps.clock?.now() ?? new Date()).toISOString();
  const events = hits.map((h) => {
    const data: SeedHit = { partnerId: h.partnerId, seed: h.seed, messageId, via };
    return {
      key: h.partnerId,
      envelope: newEnvelope(SEED_HIT_TYPE, 'abuse-inbox', data, { occurredAt: at }),
    };
  });
  await deps.bus.publish(
    deps.config.topics.seedHit,
    events.map((e) => ({
      key: e.key,
      value: e.envelope,
      headers: injectTraceHeaders({ 'event-type': SEED_HIT_TYPE }),
    })),
  );
  const alert = deps.metrics?.counter('partner_seed_hits_total', 'Mail received at partner seeds (alert)', [
    'partner',
  ]);
  for (const h of hits) alert?.inc({ partner: h.partnerId });
  deps.logger.warn({ partners: hits.map((h) => h.partnerId) }, 'partner seed address received mail');
  return events.map((e) => e.envelope.id);
}
