import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, startListConsumer } from '@sp/runtime';
import { doNotSellHandler } from './handler';

export function startDnsConsumer(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: { groupId?: string } = {},
): Promise<ConsumerHandle> {
  return startListConsumer(res, {
    groupId: opts.groupId ?? 'dns-consumer',
    topics: [Topics.doNotSell],
    handle: doNotSellHandler(res.list),
    topicName: res.topicName,
  });
}
