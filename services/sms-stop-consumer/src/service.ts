import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, startListConsumer } from '@sp/runtime';
import { compileKeywords, type LanguageTable } from './classify';
import { type ReplyTemplates, smsInboundHandler } from './handler';

export function startSmsStopConsumer(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: { groupId?: string; templates?: ReplyTemplates; languages?: LanguageTable } = {},
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
    topicName,
  });
}
