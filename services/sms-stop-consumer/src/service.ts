import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, type SalvagePolicy, startListConsumer } from '@sp/runtime';
import { compileKeywords, type LanguageTable } from './classify';
import { type ReplyTemplates, smsInboundHandler } from './handler';

/** The topics this service reads and writes (checked at start). */
export const SMS_STOP_TOPICS = [Topics.smsInbound, Topics.smsSendRequest];

/**
 * An inbound text that cannot be applied is taken for a STOP (the safe side: R-SMS-2 says any
 * reasonable means revokes): every SMS to the sender's key is blocked. No confirmation is asked
 * for: without a readable number there is nobody to send it to.
 */
export const smsSalvage: SalvagePolicy = () => ({ channel: 'sms', purpose: 'all', reason: 'sms-stop' });

export function startSmsStopConsumer(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: {
    groupId?: string;
    templates?: ReplyTemplates;
    languages?: LanguageTable;
    giveUpAfterMs?: number;
  } = {},
): Promise<ConsumerHandle> {
  const topicName = res.topicName;
  return startListConsumer(res, {
    groupId: opts.groupId ?? 'sms-stop-consumer',
    topics: [Topics.smsInbound],
    handle: smsInboundHandler({
      list: res.list,
      bus: res.bus,
      templates: opts.templates ?? { confirmation: 'sms-optout-confirmation', help: 'sms-help' },
      replyTopic: topicName(Topics.smsSendRequest),
      keywords: compileKeywords(opts.languages),
    }),
    salvage: smsSalvage,
    ...(opts.giveUpAfterMs !== undefined ? { giveUpAfterMs: opts.giveUpAfterMs } : {}),
    topicName,
  });
}
