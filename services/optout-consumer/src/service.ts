import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, startListConsumer } from '@sp/runtime';
import { emailConsentHandler } from './handler';

export function startOptoutConsumer(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: { groupId?: string } = {},
): Promise<ConsumerHandle> {
  return startListConsumer(res, {
    groupId: opts.groupId ?? 'optout-consumer',
    topics: [Topics.emailOptOut],
    handle: emailConsentHandler(res.list),
    topicName: res.topicName,
  });
}
