import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, type SalvagePolicy, startListConsumer } from '@sp/runtime';
import { complaintHandler } from './handler';

/** The topics this service reads and writes (checked at start). */
export const COMPLAINT_TOPICS = [Topics.complaint, Topics.bounce];

/**
 * A complaint that cannot be applied still stops marketing email to its key; a bounce only when
 * it can be read as Permanent (then all email, as a hard bounce): a transient bounce suppresses
 * nothing on the normal path either (R-AB-3), and a bounce is no opt-out to err towards.
 */
export function complaintSalvage(topicName: (t: string) => string): SalvagePolicy {
  const bounces = topicName(Topics.bounce);
  return ({ topic, envelope }) => {
    if (topic !== bounces) return { channel: 'email', purpose: 'marketing', reason: 'complaint' };
    return envelope?.data?.bounceType === 'Permanent'
      ? { channel: 'email', purpose: 'all', reason: 'hard-bounce' }
      : null;
  };
}

export function startComplaintConsumer(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: { groupId?: string; giveUpAfterMs?: number } = {},
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
    salvage: complaintSalvage(res.topicName),
    ...(opts.giveUpAfterMs !== undefined ? { giveUpAfterMs: opts.giveUpAfterMs } : {}),
    topicName: res.topicName,
  });
}
