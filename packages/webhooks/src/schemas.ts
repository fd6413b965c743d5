// The wire formats of webhooks: what an operator registers, what a receiver gets, what the API
// shows of deliveries. The API's routes and the CLI parse with these same schemas.
import { Channel, Purpose } from '@sp/contracts';
import { z } from 'zod';

/** `whsec_` + base64 of 24 to 64 random bytes (the Standard Webhooks secret format). */
export const WebhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'a secret is whsec_ followed by base64 of 24-64 bytes');

export const WebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('Where the events are POSTed (http or https).');

/** Which changes an endpoint gets; an absent list means every value. */
export const WebhookFilter = z.object({
  channels: z.array(Channel).min(1).optional().describe('Only entries of these channels (email, sms, any).'),
  purposes: z
    .array(Purpose)
    .min(1)
    .optional()
    .describe('Only entries of these purposes (marketing, all, sale_share).'),
  reasons: z
    .array(z.string().min(1).max(100))
    .min(1)
    .optional()
    .describe('Only entries with these reasons (email-optout, sms-stop, complaint, hard-bounce, admin …).'),
});
export type WebhookFilter = z.infer<typeof WebhookFilter>;

export const NewEndpoint = z.object({
  url: WebhookUrl,
  description: z.string().max(500).optional(),
  secret: WebhookSecret.optional().describe('Your own whsec_ secret; one is generated when absent.'),
  ...WebhookFilter.shape,
  includeAddress: z
    .boolean()
    .default(false)
    .describe(
      'Put the readable address (from the vault, when it holds one) in each payload. Off by default: ' +
        'payloads carry subject keys only.',
    ),
});
export type NewEndpoint = z.infer<typeof NewEndpoint>;

export const Endpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  channels: z.array(z.string()).nullable(),
  purposes: z.array(z.string()).nullable(),
  reasons: z.array(z.string()).nullable(),
  includeAddress: z.boolean(),
  status: z.enum(['active', 'disabled']),
  createdAt: z.string(),
  /** Deliveries per state, for the endpoint's dead-letter state at a glance. */
  deliveries: z.object({ pending: z.number(), delivered: z.number(), dead: z.number() }),
});
export type Endpoint = z.infer<typeof Endpoint>;

/** The body POSTed to a receiver (the Standard Webhooks `{type, timestamp, data}` shape). */
export const WebhookPayload = z.object({
  type: z.enum(['suppression.created', 'suppression.lifted']),
  /** When the change happened (the deciding event's occurredAt). */
  timestamp: z.string(),
  data: z.looseObject({
    subjectKey: z.string(),
    channel: z.string(),
    purpose: z.string(),
    topic: z.string(),
    suppressed: z.boolean(),
    reason: z.string(),
    source: z.string(),
    eventId: z.string(),
    occurredAt: z.string(),
    since: z.string().nullable(),
    /** Monotonic per subject key: a receiver may ignore an event older than one it has. */
    seq: z.number(),
    /** Only for endpoints registered with includeAddress, and only when the vault holds one. */
    address: z.string().optional(),
  }),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export const DeliveryStatus = z.enum(['pending', 'delivered', 'dead']);

export const Attempt = z.object({
  attempt: z.number(),
  at: z.string(),
  httpStatus: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

export const Delivery = z.object({
  id: z.number(),
  /** The webhook-id header of every attempt of this delivery. */
  messageId: z.string(),
  endpointId: z.string(),
  seq: z.number(),
  subjectKey: z.string(),
  type: z.string(),
  status: DeliveryStatus,
  attempts: z.array(Attempt),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof Delivery>;
