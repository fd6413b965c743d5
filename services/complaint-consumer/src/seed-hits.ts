// partner.seed-hit.v1 (issue 16) -> the partner registry: the hit is recorded and the partner is
// flagged (stats, the partners_seed_hit gauge). The abuse inbox publishes these when mail arrives
// at a seed address; they name a partner, never a person.

import { SeedHit, Topics } from '@sp/contracts';
import type { ConsumerHandle, ValidationResult } from '@sp/messaging';
import type { Resources } from '@sp/runtime';
import { recordSeedHit } from '@sp/suppression';
import type { z } from 'zod';

const SeedHitEnvelope = SeedHit;
type SeedHitEnvelope = z.infer<typeof SeedHitEnvelope>;

function validate(_topic: string, raw: Buffer | null): ValidationResult<SeedHitEnvelope> {
  if (!raw) return { ok: false, error: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const r = SeedHitEnvelope.safeParse(json);
  // Issue paths only: a seed is the brand's own address, but keep dead letters free of values anyway.
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join('; ') };
}

export function startSeedHitConsumer(
  res: Pick<Resources, 'bus' | 'list' | 'logger' | 'topicName'>,
  opts: { groupId?: string } = {},
): Promise<ConsumerHandle> {
  return res.bus.consume<SeedHitEnvelope>({
    groupId: opts.groupId ?? 'partner-seed-hits',
    topics: [res.topicName(Topics.seedHit)],
    validate,
    logger: res.logger,
    handle: async (batch) => {
      for (const m of batch) {
        const e = m.value;
        await recordSeedHit(res.list, {
          eventId: e.id,
          partnerId: e.data.partnerId,
          seed: e.data.seed,
          source: `${e.source}/${e.data.via}`,
          messageId: e.data.messageId,
          at: new Date(e.occurredAt),
        });
        res.logger.warn({ partnerId: e.data.partnerId }, 'partner flagged: its seed received mail');
      }
    },
  });
}
