// The send API (issue 14): its wire formats and route entries. A send request is exactly the
// `data` of the contracts' email.send-request.v1 / sms.send-request.v1, parsed with their zod
// schemas; the outcome is read from the senders' delivery_log.
import { EmailSendRequestData, SmsSendRequestData } from '@sp/contracts';
import { z } from 'zod';
import { CheckReason, ErrorBody } from './schemas';
import type { RouteSpec } from './spec';

export const MAX_SEND_BATCH = 1_000;

export const SendAccepted = z.object({
  messageId: z.string(),
  status: z.literal('accepted').describe('On the bus: the sender will check the list, then send or not.'),
});
export type SendAccepted = z.infer<typeof SendAccepted>;

export const sendBatchRequest = (item: z.ZodType) =>
  z.object({ messages: z.array(item).min(1).max(MAX_SEND_BATCH) });
export const EmailBatchRequest = sendBatchRequest(EmailSendRequestData);
export const SmsBatchRequest = sendBatchRequest(SmsSendRequestData);

export const SendBatchResult = z.object({
  index: z.number().int().describe('Position of the message in `messages`.'),
  messageId: z.string().nullable(),
  status: z.enum(['accepted', 'rejected']),
  error: z.string().optional().describe('Why it was rejected (nothing was published for it).'),
});
export const SendBatchResponse = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  results: z.array(SendBatchResult),
});
export type SendBatchResponse = z.infer<typeof SendBatchResponse>;

export const MessageIdParams = z.object({
  id: z.string().min(1).max(512).describe('The messageId given in the send request.'),
});

export const MessageOutcome = z.object({
  messageId: z.string(),
  channel: z.enum(['email', 'sms']),
  status: z
    .enum(['pending', 'sent', 'suppressed', 'deferred', 'failed'])
    .describe(
      'pending: claimed by a sender, result not yet recorded; suppressed: the list refused it (see reasons); ' +
        'deferred: quiet hours, list or provider outage, retried later; failed: the provider refused it for good.',
    ),
  templateId: z.string().nullable(),
  category: z
    .string()
    .nullable()
    .describe("The template's category: marketing or one of the transactional types."),
  subjectKey: z.string().nullable(),
  reasons: z.array(CheckReason).describe('The list entries that suppressed (or deferred) the message.'),
  providerMessageId: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type MessageOutcome = z.infer<typeof MessageOutcome>;

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });

const unavailable = {
  description: 'No bus configured for sends (KAFKA_BROKERS), or the bus or the database cannot be reached.',
  content: json(ErrorBody),
};

const sendDescription = (channel: 'email' | 'sms', topic: string) =>
  `The body is the \`data\` of a \`${topic}\` event (packages/contracts). \`messageId\` is the idempotency key: ` +
  'a message id is sent at most once, however often it is posted. Answers 202 only once the request is on the ' +
  'bus (acknowledged by every in-sync replica); the sender then checks the list and sends or suppresses. ' +
  `GET /v1/messages/{id} tells which. A \`topic\` must be an active ${channel} topic of the registry ` +
  `(GET /v1/topics), else 400 naming it. ${
    channel === 'email'
      ? 'Whether a message is marketing or transactional comes from its template, never from the caller (R-EM-5).'
      : 'Every SMS, transactional or not, is blocked by an SMS STOP (TCPA); marketing texts wait for quiet hours to end (R-SMS-6).'
  }`;

export const messageRoutes = {
  sendEmail: {
    operationId: 'sendEmail',
    method: 'POST',
    url: '/v1/messages/email',
    scope: 'send',
    summary: 'Send one email through the list (email.send-request.v1)',
    description: sendDescription('email', 'email.send-request.v1'),
    body: json(EmailSendRequestData),
    responses: {
      202: { description: 'On the bus.', content: json(SendAccepted) },
      503: unavailable,
    },
  },
  sendEmailBatch: {
    operationId: 'sendEmailBatch',
    method: 'POST',
    url: '/v1/messages/email/batch',
    scope: 'send',
    summary: `Up to ${MAX_SEND_BATCH} emails in one request, each with its own result`,
    description: `Each message is validated on its own: the valid ones are published (one acknowledged produce), the others are rejected with the reason. More than ${MAX_SEND_BATCH}: 413.`,
    body: json(EmailBatchRequest),
    bodyLimit: 16 * 1024 * 1024,
    responses: {
      202: { description: 'One result per message, in order.', content: json(SendBatchResponse) },
      413: { description: `More than ${MAX_SEND_BATCH} messages.`, content: json(ErrorBody) },
      503: unavailable,
    },
  },
  sendSms: {
    operationId: 'sendSms',
    method: 'POST',
    url: '/v1/messages/sms',
    scope: 'send',
    summary: 'Send one text message through the list (sms.send-request.v1)',
    description: sendDescription('sms', 'sms.send-request.v1'),
    body: json(SmsSendRequestData),
    responses: {
      202: { description: 'On the bus.', content: json(SendAccepted) },
      503: unavailable,
    },
  },
  sendSmsBatch: {
    operationId: 'sendSmsBatch',
    method: 'POST',
    url: '/v1/messages/sms/batch',
    scope: 'send',
    summary: `Up to ${MAX_SEND_BATCH} text messages in one request, each with its own result`,
    description: `As the email batch. More than ${MAX_SEND_BATCH}: 413.`,
    body: json(SmsBatchRequest),
    bodyLimit: 16 * 1024 * 1024,
    responses: {
      202: { description: 'One result per message, in order.', content: json(SendBatchResponse) },
      413: { description: `More than ${MAX_SEND_BATCH} messages.`, content: json(ErrorBody) },
      503: unavailable,
    },
  },
  messageOutcome: {
    operationId: 'messageOutcome',
    method: 'GET',
    url: '/v1/messages/:id',
    scope: 'send',
    summary: 'What became of a message: sent, suppressed (with the reasons), deferred or failed',
    description:
      "Read from the senders' delivery log. 404 until a sender has claimed the message (it is still on the bus, " +
      'or it was never sent).',
    params: MessageIdParams,
    responses: {
      200: { description: 'The outcome.', content: json(MessageOutcome) },
      404: { description: 'No sender has seen this message id (yet).', content: json(ErrorBody) },
    },
  },
} as const satisfies Record<string, RouteSpec>;
