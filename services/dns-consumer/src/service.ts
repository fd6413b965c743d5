import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, type SalvagePolicy, startListConsumer } from '@sp/runtime';
import { doNotSellHandler } from './handler';

/** The topics this service reads and writes (checked at start). */
export const DNS_TOPICS = [Topics.doNotSell];

/**
 * A Do-Not-Sell request that cannot be applied still stops sale/share for the identifier it was
 * keyed by (the first one given). Its R-DNS-7 request record cannot be written without the
 * request: the dead letter keeps it for the operator.
 */
export const dnsSalvage: SalvagePolicy = () => ({
  channel: 'any',
  purpose: 'sale_share',
  reason: 'do-not-sell',
});

export function startDnsConsumer(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: { groupId?: string; giveUpAfterMs?: number } = {},
): Promise<ConsumerHandle> {
  return startListConsumer(res, {
    groupId: opts.groupId ?? 'dns-consumer',
    topics: [Topics.doNotSell],
    handle: doNotSellHandler(res.list),
    salvage: dnsSalvage,
    ...(opts.giveUpAfterMs !== undefined ? { giveUpAfterMs: opts.giveUpAfterMs } : {}),
    topicName: res.topicName,
  });
}
