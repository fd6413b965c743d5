// createSmsSender: the SMS sender as a unit the composition roots (main.ts, standalone) run on any
// bus and database. Consumes sms.send-request.v1, holds marketing outside quiet hours (R-SMS-6),
// feeds Twilio's 21610 back to the list (R-SMS-7), polls due deferrals, stops cleanly.
import { EventTypes, newEnvelope, SmsSendRequest, type SmsSendRequestData, Topics } from '@sp/contracts';
import {
  type ChannelPort,
  classifyTwilioError,
  createPreparer,
  createSender,
  kindOf,
  nextSendTime,
  parseWith,
  type QuietHours,
  recipientTimeZones,
  render,
  type Sender,
  type SenderDeps,
  type SenderSettings,
  type TemplateRegistry,
} from '@sp/delivery';
import type { Keyer } from '@sp/suppression';
import type { SmsTransport } from './transport';

export const SOURCE = 'sms-sender';

export interface SmsSenderSettings extends SenderSettings {
  topics: { sendRequest: string; outcome: string; smsInbound: string };
  quietHours: QuietHours;
  /** Our number (or the Messaging Service SID) named as `to` in a 21610 opt-out event. */
  senderId: string;
}

export interface SmsSenderDeps extends SenderDeps {
  keyer: Keyer;
  transport: SmsTransport;
  templates: TemplateRegistry;
  settings: SmsSenderSettings;
}

export type SmsSender = Sender;

export function smsPort(deps: SmsSenderDeps): ChannelPort<SmsSendRequestData> {
  const s = deps.settings;
  return {
    channel: 'sms',
    source: SOURCE,
    prepare: createPreparer<SmsSendRequestData>({
      channel: 'sms',
      parse: parseWith(SmsSendRequest),
      templates: deps.templates,
      keyer: deps.keyer,
      defaultRegion: s.defaultRegion,
    }),
    // R-SMS-6: only marketing waits for the window; confirmations, HELP and transactional go now.
    holdUntil: async (p, now) => {
      if (kindOf(p.template) !== 'marketing') return null;
      const zones = await recipientTimeZones(
        p.subject.value,
        p.request.timeZone,
        s.quietHours.fallbackTimeZone,
      );
      return nextSendTime(now, zones, s.quietHours);
    },
    send: (p) =>
      deps.transport.send({
        to: p.subject.value,
        body: render(p.template, p.request.variables).text,
        from: p.request.from,
      }),
    classify: classifyTwilioError,
    // R-SMS-7: Twilio holds a STOP we missed; tell the list, as if the person had texted STOP to us.
    onFailure: (p, failure, now) => {
      if (failure.retry || !failure.optOut) return [];
      const event = newEnvelope(
        EventTypes.smsInbound,
        SOURCE,
        { from: p.subject.value, to: p.request.from ?? s.senderId, body: '', errorCode: 21610 },
        {
          occurredAt: now.toISOString(),
          evidence: { messageId: p.request.messageId, twilioErrorCode: 21610 },
        },
      );
      return [{ topic: s.topics.smsInbound, key: p.subjectKey, value: event }];
    },
  };
}

export function createSmsSender(deps: SmsSenderDeps): SmsSender {
  return createSender(deps, smsPort(deps));
}

export const DEFAULT_TOPICS = {
  sendRequest: Topics.smsSendRequest,
  outcome: Topics.deliveryOutcome,
  smsInbound: Topics.smsInbound,
};
