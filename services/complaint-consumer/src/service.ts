import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, startListConsumer } from '@sp/runtime';
import { complaintHandler } from './handler';

export function startComplaintConsumer(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: { groupId?: string } = {},
): Promise<ConsumerHandle> {
  const transientBounces = res.metrics.counter(
    'sp_bounces_not_suppressed_total',
    'Transient or undetermined bounces: counted, not suppressed',
    ['bounceType'],
  );
  return startListConsumer(res, {
    groupId: opts.groupId ?? 'complaint-consumer',
    topics: [Topics.complaint, Topics.bounce],
    handle: complaintHandler(res.list, { transientBounces }),
    topicName: res.topicName,
  });
}
