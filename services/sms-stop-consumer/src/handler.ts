// Inbound texts: decide what each asks (STOP / START / HELP / nothing), write the list, and
// request the replies the rules call for on sms.send-request.v1.
import { type EventOf, newEnvelope, Topics } from '@sp/contracts';
import type { Bus, Delivered, HandlerResult, OutgoingMessage } from '@sp/messaging';
import { withDbSpan } from '@sp/observability';
import { apply, checkMany, type SmsIntent, type SuppressionContext } from '@sp/suppression';
import {
  type CompiledKeywords,
  classifySmsMessage,
  compileKeywords,
  type SmsClassification,
} from './classify';

export type SmsInboundMessage = Delivered<EventOf<typeof Topics.smsInbound>>;
type SmsInboundEvent = EventOf<typeof Topics.smsInbound>;

export interface ReplyTemplates {
  confirmation: string;
  help: string;
}

/** How an intent was read: the classifier's way, or Twilio's word for it. */
export type Reading = SmsClassification['via'] | 'twilio-21610' | 'twilio-advanced-opt-out';

/** What an inbound text asks, the language to answer in (the keyword's, R-SMS-9), and why. */
export function intentOf(
  data: SmsInboundEvent['data'],
  keywords?: CompiledKeywords,
): { intent: SmsIntent; language?: string; via: Reading } {
  // Twilio refused a send because the person texted STOP to Twilio: an opt-out we missed (R-SMS-7).
  if (data.errorCode === 21610) return { intent: 'opt-out', via: 'twilio-21610' };
  const read = classifySmsMessage(data.body, keywords);
  const language = read.language === undefined ? {} : { language: read.language };
  const twilio = { ...language, via: 'twilio-advanced-opt-out' as const };
  if (data.optOutType === 'STOP') return { intent: 'opt-out', ...twilio };
  if (data.optOutType === 'START') return { intent: 'opt-in', ...twilio };
  if (data.optOutType === 'HELP') return { intent: 'help', ...twilio };
  return { intent: read.intent, ...language, via: read.via };
}

/**
 * Replies are requested BEFORE the list is written, with message ids derived from the event
 * id: a crash in between repeats the request, and the sender's claim on the message id keeps
 * it to one text. The confirmation goes out only when the STOP changes the state (R-SMS-3:
 * exactly one), and never when Twilio's Advanced Opt-Out already sent it or the opt-out came
 * from a 21610. HELP always gets its reply, opted out or not (R-SMS-4). Both name the language
 * of the keyword; the sender uses the template's variant in it when there is one, else English.
 */
export function smsInboundHandler(deps: {
  list: SuppressionContext;
  bus: Pick<Bus, 'publish'>;
  templates: ReplyTemplates;
  replyTopic?: string;
  /** Keywords per language (compiled once); the defaults (en, fr, es) when not given. */
  keywords?: CompiledKeywords;
}) {
  const replyTopic = deps.replyTopic ?? Topics.smsSendRequest;
  const keywords = deps.keywords ?? compileKeywords();
  // What a STOP revokes (R-SMS-8: every SMS purpose, or SMS marketing only when the setting is
  // off): someone already opted out of that gets no second confirmation (R-SMS-3).
  const revoked = new Set(deps.list.revokeAllSms === false ? ['all', 'marketing'] : ['all']);
  return async (batch: SmsInboundMessage[]): Promise<HandlerResult> => {
    const read = batch.map((m) => intentOf(m.value.data, keywords));
    // The reading goes into the ledger with the event: a compliance officer can see that "stpo"
    // was taken as a misspelt STOP, in which language, and not only that it opted out.
    const events = batch.map((m, i) => {
      const { intent, ...reading } = read[i]!;
      return { ...m.value, intent, evidence: { ...m.value.evidence, reading } };
    });
    const optedOut = new Map<string, boolean>();
    const states = await checkMany(
      deps.list,
      events.map((e) => ({
        subject: { type: 'phone' as const, value: e.data.from },
        channel: 'sms' as const,
        kind: 'marketing' as const,
      })),
    );
    states.forEach((s, i) => {
      const key = s.subjectKey;
      // Texts of one number in a batch share one answer (the check before the batch). The
      // reasons of an SMS check are SMS or any-channel ones only.
      optedOut.set(
        key,
        s.reasons.some((r) => revoked.has(r.purpose)),
      );
      (events[i] as (typeof events)[number] & { subjectKey?: string }).subjectKey = key;
    });

    const replies: OutgoingMessage[] = [];
    events.forEach((e, i) => {
      const key = (e as typeof e & { subjectKey: string }).subjectKey;
      const language = read[i]!.language;
      const request = (templateId: string, kind: string) => ({
        key,
        value: newEnvelope(
          'sms.send-request.v1',
          'sms-stop-consumer',
          {
            messageId: `${kind}:${e.id}`,
            to: e.data.from,
            templateId,
            variables: {},
            from: e.data.to,
            ...(language ? { locale: language } : {}),
          },
          { occurredAt: e.occurredAt },
        ),
      });
      if (e.intent === 'help') replies.push(request(deps.templates.help, 'sms-help'));
      if (e.intent === 'opt-out') {
        const already = optedOut.get(key) === true;
        optedOut.set(key, true);
        const answeredElsewhere = e.data.optOutType === 'STOP' || e.data.errorCode !== undefined;
        if (!already && !answeredElsewhere)
          replies.push(request(deps.templates.confirmation, 'sms-optout-confirmation'));
      }
      if (e.intent === 'opt-in') optedOut.set(key, false);
    });
    if (replies.length > 0) await deps.bus.publish(replyTopic, replies);

    const r = await withDbSpan('apply', () => apply(deps.list, events));
    return { duplicates: r.duplicates.length };
  };
}
