import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, type SalvagePolicy, startListConsumer } from '@sp/runtime';
import { emailConsentHandler } from './handler';

/** The topics this service reads and writes (checked at start). */
export const OPTOUT_TOPICS = [Topics.emailOptOut, Topics.emailSendRequest];

/**
 * An unsubscribe that cannot be applied still stops all marketing email to its key (broader
 * than a one-topic opt-out: the safe side). A resubscribe is no opt-out: nothing to salvage.
 */
export const optoutSalvage: SalvagePolicy = ({ envelope }) =>
  envelope?.type === 'consent.email-resubscribe.v1'
    ? null
    : { channel: 'email', purpose: 'marketing', reason: 'email-optout' };

export function startOptoutConsumer(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: {
    groupId?: string;
    giveUpAfterMs?: number;
    /** Template of the opt-out box's confirmation email (services/email-sender/templates). */
    confirmationTemplate?: string;
    /** Messages per apply() call (the list consumers' default otherwise). */
    maxBatchSize?: number;
  } = {},
): Promise<ConsumerHandle> {
  return startListConsumer(res, {
    groupId: opts.groupId ?? 'optout-consumer',
    topics: [Topics.emailOptOut],
    handle: emailConsentHandler(res.list, {
      bus: res.bus,
      templateId: opts.confirmationTemplate ?? 'email-optout-confirmation',
      topic: res.topicName(Topics.emailSendRequest),
    }),
    salvage: optoutSalvage,
    ...(opts.giveUpAfterMs !== undefined ? { giveUpAfterMs: opts.giveUpAfterMs } : {}),
    ...(opts.maxBatchSize !== undefined ? { maxBatchSize: opts.maxBatchSize } : {}),
    topicName: res.topicName,
  });
}
