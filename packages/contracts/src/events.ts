// One zod schema per event type (full envelope) plus its `XData` part; schema and type share a name.
import { z } from 'zod';
import {
  Channel,
  envelope,
  NonEmpty,
  Purpose,
  RawEmail,
  RawPhone,
  TemplateVariables,
  Timestamp,
  TopicScope,
} from './common';

/** Every event type name. Topics carry the type equal to their name, except where noted. */
export const EventTypes = {
  emailOptOut: 'consent.email-optout.v1',
  /** Travels on consent.email-optout.v1. */
  emailResubscribe: 'consent.email-resubscribe.v1',
  smsInbound: 'consent.sms-inbound.v1',
  doNotSell: 'privacy.do-not-sell.v1',
  complaint: 'abuse.complaint.v1',
  bounce: 'email.bounce.v1',
  /** Ledger-only: written by admin tooling straight into the suppression ledger. */
  adminAction: 'suppression.admin.v1',
  emailSendRequest: 'email.send-request.v1',
  smsSendRequest: 'sms.send-request.v1',
  deliveryOutcome: 'delivery.outcome.v1',
  seedHit: 'partner.seed-hit.v1',
} as const;
export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

// --- consent.email-optout.v1 -------------------------------------------------------------

export const EmailOptOutMethod = z.enum([
  'link',
  'one-click',
  'preference-page',
  'mailto',
  'reply',
  'support',
  /** A mailbox provider's removal request: ARF Feedback-Type opt-out / opt-out-list (RFC 6650). */
  'feedback-report',
  /**
   * The brand's own "opt out" box: a form, on the edge or embedded in the brand's site, that takes
   * only an address (no link from a newsletter, so none of the above).
   */
  'web-form',
]);
export type EmailOptOutMethod = z.infer<typeof EmailOptOutMethod>;

export const EmailOptOutData = z.looseObject({
  email: RawEmail,
  /** Absent or `*`: all marketing email. */
  topic: TopicScope.optional(),
  campaignId: NonEmpty.optional(),
  method: EmailOptOutMethod,
  /**
   * The brand sends a "you have been unsubscribed" email for this request; optout-consumer
   * requests it at most once per address per 30 days (the ledger is the memory).
   */
  confirm: z.boolean().optional(),
});
export type EmailOptOutData = z.infer<typeof EmailOptOutData>;
export const EmailOptOut = envelope(EventTypes.emailOptOut, EmailOptOutData);
export type EmailOptOut = z.infer<typeof EmailOptOut>;

export const EmailResubscribeData = z.looseObject({
  email: RawEmail,
  topic: TopicScope.optional(),
  /** Proof of the double opt-in confirmation. */
  confirmationId: NonEmpty,
});
export type EmailResubscribeData = z.infer<typeof EmailResubscribeData>;
export const EmailResubscribe = envelope(EventTypes.emailResubscribe, EmailResubscribeData);
export type EmailResubscribe = z.infer<typeof EmailResubscribe>;

// --- consent.sms-inbound.v1 --------------------------------------------------------------

export const SmsInboundData = z.looseObject({
  /** Sender's phone number as received. */
  from: RawPhone,
  /** Our number. */
  to: RawPhone,
  body: z.string(),
  messageSid: NonEmpty.optional(),
  messagingServiceSid: NonEmpty.optional(),
  /** Twilio Advanced Opt-Out classification of the keyword. */
  optOutType: z.enum(['STOP', 'START', 'HELP']).optional(),
  /** Twilio error fed back by sms-sender (21610: recipient unsubscribed). */
  errorCode: z.number().int().optional(),
  /** Region for numbers received without a country code. */
  defaultRegion: NonEmpty.optional(),
});
export type SmsInboundData = z.infer<typeof SmsInboundData>;
export const SmsInbound = envelope(EventTypes.smsInbound, SmsInboundData);
export type SmsInbound = z.infer<typeof SmsInbound>;

// --- privacy.do-not-sell.v1 --------------------------------------------------------------

export const DoNotSellMethod = z.enum(['web-form', 'gpc', 'phone', 'email', 'authorized-agent', 'api']);
export type DoNotSellMethod = z.infer<typeof DoNotSellMethod>;

export const DoNotSellSubjects = z
  .looseObject({
    email: RawEmail.optional(),
    phone: RawPhone.optional(),
    customerId: NonEmpty.optional(),
    deviceId: NonEmpty.optional(),
  })
  .refine(
    (s) =>
      s.email !== undefined ||
      s.phone !== undefined ||
      s.customerId !== undefined ||
      s.deviceId !== undefined,
    {
      message: 'at least one of email, phone, customerId, deviceId is required',
    },
  );
export type DoNotSellSubjects = z.infer<typeof DoNotSellSubjects>;

export const DoNotSellData = z
  .looseObject({
    requestId: NonEmpty,
    subjects: DoNotSellSubjects,
    method: DoNotSellMethod,
    /** The request carried Sec-GPC: 1 (R-DNS-2). */
    gpc: z.boolean(),
    /** Came through the combined form that also promises no marketing email (R-DNS-8). */
    combinedForm: z.boolean(),
    /** Agent identity and the consumer's permission reference (R-DNS-4). */
    agent: z.looseObject({ name: NonEmpty, permissionRef: NonEmpty }).optional(),
    /** Known minor under 16 (R-DNS-6). */
    minor: z.boolean().optional(),
  })
  .superRefine((d, ctx) => {
    if (d.method === 'authorized-agent' && d.agent === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['agent'],
        message: 'agent is required when method is authorized-agent (R-DNS-4)',
      });
    }
  });
export type DoNotSellData = z.infer<typeof DoNotSellData>;
export const DoNotSell = envelope(EventTypes.doNotSell, DoNotSellData);
export type DoNotSell = z.infer<typeof DoNotSell>;

// --- abuse.complaint.v1 / email.bounce.v1 ------------------------------------------------

export const ComplaintData = z.looseObject({
  email: RawEmail,
  kind: z.enum(['arf', 'forwarded', 'ses']),
  /** ARF Feedback-Type or SES complaintFeedbackType (abuse, fraud, ...). */
  feedbackType: NonEmpty.optional(),
  userAgent: NonEmpty.optional(),
  originalMessageId: NonEmpty.optional(),
  campaignId: NonEmpty.optional(),
  reportedDomain: NonEmpty.optional(),
  arrivalDate: NonEmpty.optional(),
});
export type ComplaintData = z.infer<typeof ComplaintData>;
export const Complaint = envelope(EventTypes.complaint, ComplaintData);
export type Complaint = z.infer<typeof Complaint>;

export const BounceData = z.looseObject({
  email: RawEmail,
  /** SES bounce types; only Permanent suppresses (email / all / *). */
  bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
  bounceSubType: NonEmpty.optional(),
  diagnosticCode: z.string().optional(),
  feedbackId: NonEmpty.optional(),
});
export type BounceData = z.infer<typeof BounceData>;
export const Bounce = envelope(EventTypes.bounce, BounceData);
export type Bounce = z.infer<typeof Bounce>;

// --- suppression.admin.v1 (ledger only) --------------------------------------------------

export const SubjectRef = z.looseObject({
  type: z.enum(['email', 'phone', 'customer', 'device']),
  value: NonEmpty,
});
export type SubjectRef = z.infer<typeof SubjectRef>;

/** The reasons an imported suppression keeps (the same names as the entries other events write). */
export const ImportedReason = z.enum(['email-optout', 'complaint', 'hard-bounce', 'sms-stop']);
export type ImportedReason = z.infer<typeof ImportedReason>;

/** How the person asked, when an operator records a request taken by hand (the service desk). */
export const AdminRequestMethod = z.enum(['phone', 'email', 'letter', 'in-person']);
export type AdminRequestMethod = z.infer<typeof AdminRequestMethod>;

export const AdminActionData = z.looseObject({
  subject: SubjectRef,
  action: z.enum(['suppress', 'lift']),
  channel: Channel,
  purpose: Purpose,
  /** `*` allowed. */
  topic: TopicScope,
  /** The operator; for a service-desk request, the agent who took it. */
  actor: NonEmpty,
  reason: NonEmpty,
  method: AdminRequestMethod.optional(),
  /**
   * What the entry is when a migration import knows it (a provider's bounce, complaint, unsubscribe
   * or STOP): kept as the state's reason instead of `admin`, so `stats` tells them apart.
   */
  reasonCode: ImportedReason.optional(),
  /**
   * A lift of the person's own opt-out (one-click, STOP, complaint, Do-Not-Sell): the reference of
   * their proof of consent (e.g. the double opt-in confirmation id), or `force` with the reason.
   */
  consentRef: NonEmpty.max(500).optional(),
  force: z.boolean().optional(),
});
export type AdminActionData = z.infer<typeof AdminActionData>;
export const AdminAction = envelope(EventTypes.adminAction, AdminActionData);
export type AdminAction = z.infer<typeof AdminAction>;

// --- suppression.changelog.v1 (not an envelope) ------------------------------------------

/** One (subject key, scope) state after a list change; the compacted topic's value. */
export const ChangelogEntry = z.looseObject({
  subjectKey: NonEmpty,
  channel: Channel,
  purpose: Purpose,
  topic: TopicScope,
  suppressed: z.boolean(),
  reason: z.string(),
  /** Ledger event that decided this state. */
  eventId: NonEmpty,
  source: z.string(),
  occurredAt: Timestamp,
  /** Since when suppressed; null when not suppressed. */
  since: Timestamp.nullable(),
  /** R-DNS-5: when asking to opt back in is allowed again (Do-Not-Sell entries). */
  askAgainAfter: Timestamp.nullable().optional(),
  /** Opt-out method, admin actor and reason, etc.: what the check returns beside the reason. */
  detail: z.record(z.string(), z.unknown()).nullable().optional(),
  /** An R-DNS-6 minor flag (key `<subjectKey>|minor`), not a scope: blocks every sale/share. */
  minor: z.boolean().optional(),
  /** Monotonic per subject key, so a view can ignore an older entry. */
  seq: z.number().int().nonnegative(),
});
export type ChangelogEntry = z.infer<typeof ChangelogEntry>;

// --- send requests and outcomes ----------------------------------------------------------

export const EmailSendRequestData = z.looseObject({
  /** Idempotency key of the send: claimed before calling the provider. */
  messageId: NonEmpty,
  to: RawEmail,
  templateId: NonEmpty,
  variables: TemplateVariables,
  campaignId: NonEmpty.optional(),
  topic: TopicScope.optional(),
});
export type EmailSendRequestData = z.infer<typeof EmailSendRequestData>;
export const EmailSendRequest = envelope(EventTypes.emailSendRequest, EmailSendRequestData);
export type EmailSendRequest = z.infer<typeof EmailSendRequest>;

export const SmsSendRequestData = z.looseObject({
  messageId: NonEmpty,
  to: RawPhone,
  templateId: NonEmpty,
  variables: TemplateVariables,
  campaignId: NonEmpty.optional(),
  topic: TopicScope.optional(),
  /** IANA zone of the recipient, for quiet hours. */
  timeZone: NonEmpty.optional(),
  from: RawPhone.optional(),
  /**
   * Language wanted for the text ("fr", "es"): the template's variant in that language when the
   * sender has one, else the template's default text (R-SMS-9).
   */
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$/)
    .optional(),
});
export type SmsSendRequestData = z.infer<typeof SmsSendRequestData>;
export const SmsSendRequest = envelope(EventTypes.smsSendRequest, SmsSendRequestData);
export type SmsSendRequest = z.infer<typeof SmsSendRequest>;

/** One matching suppression entry that blocked (or would block) a message. */
export const CheckReason = z.looseObject({
  eventId: z.string(),
  reason: z.string(),
  source: z.string(),
  since: z.string(),
  channel: z.string(),
  purpose: z.string(),
  topic: z.string(),
});
export type CheckReason = z.infer<typeof CheckReason>;

export const DeliveryOutcomeData = z.looseObject({
  messageId: NonEmpty,
  channel: z.enum(['email', 'sms']),
  status: z.enum(['sent', 'suppressed', 'deferred', 'failed']),
  subjectKey: z.string(),
  templateId: z.string(),
  category: z.string(),
  reasons: z.array(CheckReason),
  providerMessageId: NonEmpty.optional(),
  error: z.string().optional(),
  attempt: z.number().int().nonnegative().optional(),
  /** Sent without asking the list (only ever for categories that allow it). */
  unchecked: z.boolean().optional(),
});
export type DeliveryOutcomeData = z.infer<typeof DeliveryOutcomeData>;
export const DeliveryOutcome = envelope(EventTypes.deliveryOutcome, DeliveryOutcomeData);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

// --- partner.seed-hit.v1 -----------------------------------------------------------------
/**
 * Mail reached one of a partner's seed addresses (issue 16): the partner's suppression file was
 * mailed. Published by the abuse inbox (SMTP or import) or the API (operator report), keyed by
 * partner; the consumer records the hit and flags the partner. The seed is the brand's own
 * address, never a person's.
 */
export const SeedHitData = z.looseObject({
  partnerId: NonEmpty,
  seed: z.string().min(3),
  messageId: z.string().nullable(),
  via: z.enum(['smtp', 'import', 'operator']),
});
export type SeedHitData = z.infer<typeof SeedHitData>;
export const SeedHit = envelope(EventTypes.seedHit, SeedHitData);
export type SeedHit = z.infer<typeof SeedHit>;

/** Event type -> full envelope schema, ledger-only types included. */
export const eventSchemas = {
  [EventTypes.emailOptOut]: EmailOptOut,
  [EventTypes.emailResubscribe]: EmailResubscribe,
  [EventTypes.smsInbound]: SmsInbound,
  [EventTypes.doNotSell]: DoNotSell,
  [EventTypes.complaint]: Complaint,
  [EventTypes.bounce]: Bounce,
  [EventTypes.adminAction]: AdminAction,
  [EventTypes.emailSendRequest]: EmailSendRequest,
  [EventTypes.smsSendRequest]: SmsSendRequest,
  [EventTypes.deliveryOutcome]: DeliveryOutcome,
  [EventTypes.seedHit]: SeedHit,
} as const satisfies Record<EventType, z.ZodType>;
export type EventOfType<K extends EventType> = z.infer<(typeof eventSchemas)[K]>;
export type DataOfType<K extends EventType> = EventOfType<K>['data'];
