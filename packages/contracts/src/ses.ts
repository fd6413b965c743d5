// Amazon SES notifications (R-AB-3), the wire format of AWS, not one of our topics: what SNS
// delivers in `Message` (`notificationType` for identity notifications, `eventType` for
// configuration-set events), and the bounce/complaint events they become. Unknown fields are
// tolerated. Read by the edge (SNS over HTTPS) and the abuse-inbox (the same JSON forwarded as mail).
import { z } from 'zod';

const Recipient = z.looseObject({
  emailAddress: z.string(),
  diagnosticCode: z.string().optional(),
  status: z.string().optional(),
  action: z.string().optional(),
});

export const SesNotification = z.looseObject({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: z
    .looseObject({
      messageId: z.string().optional(),
      timestamp: z.string().optional(),
      tags: z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  bounce: z
    .looseObject({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(Recipient).default([]),
      feedbackId: z.string().optional(),
      timestamp: z.string().optional(),
    })
    .optional(),
  complaint: z
    .looseObject({
      complainedRecipients: z.array(Recipient).default([]),
      complaintFeedbackType: z.string().optional(),
      userAgent: z.string().optional(),
      feedbackId: z.string().optional(),
      arrivalDate: z.string().optional(),
      timestamp: z.string().optional(),
    })
    .optional(),
});
export type SesNotification = z.infer<typeof SesNotification>;

export interface SesEvent {
  kind: 'bounce' | 'complaint';
  email: string;
  occurredAt?: string;
  data: Record<string, unknown>;
  evidence: Record<string, unknown>;
}

const BOUNCE_TYPES = new Set(['Permanent', 'Transient', 'Undetermined']);

/** One event per recipient of a Bounce or Complaint; nothing for Delivery and the rest. */
export function sesEvents(n: SesNotification): SesEvent[] {
  const type = n.notificationType ?? n.eventType;
  const campaignId = n.mail?.tags?.campaign?.[0] ?? n.mail?.tags?.campaignId?.[0];
  const sesMessageId = n.mail?.messageId;
  if (type === 'Bounce' && n.bounce) {
    const b = n.bounce;
    const bounceType = BOUNCE_TYPES.has(b.bounceType) ? b.bounceType : 'Undetermined';
    return b.bouncedRecipients.map((r) => ({
      kind: 'bounce' as const,
      email: r.emailAddress,
      ...(b.timestamp ? { occurredAt: b.timestamp } : {}),
      data: {
        email: r.emailAddress,
        bounceType,
        ...(b.bounceSubType ? { bounceSubType: b.bounceSubType } : {}),
        ...(r.diagnosticCode ? { diagnosticCode: r.diagnosticCode } : {}),
        ...(b.feedbackId ? { feedbackId: b.feedbackId } : {}),
      },
      evidence: { sesMessageId: sesMessageId ?? null, feedbackId: b.feedbackId ?? null },
    }));
  }
  if (type === 'Complaint' && n.complaint) {
    const c = n.complaint;
    return c.complainedRecipients.map((r) => ({
      kind: 'complaint' as const,
      email: r.emailAddress,
      ...(c.timestamp ? { occurredAt: c.timestamp } : {}),
      data: {
        email: r.emailAddress,
        kind: 'ses',
        ...(c.complaintFeedbackType ? { feedbackType: c.complaintFeedbackType } : {}),
        ...(c.userAgent ? { userAgent: c.userAgent } : {}),
        ...(sesMessageId ? { originalMessageId: sesMessageId } : {}),
        ...(campaignId ? { campaignId } : {}),
        ...(c.arrivalDate ? { arrivalDate: c.arrivalDate } : {}),
      },
      evidence: { sesMessageId: sesMessageId ?? null, feedbackId: c.feedbackId ?? null },
    }));
  }
  return [];
}

/**
 * The SES notification in parsed JSON, whether it is the notification itself or the SNS envelope
 * around it (`Type: Notification`, the notification as a string in `Message`); null when neither.
 */
export function sesNotificationOf(json: unknown): SesNotification | null {
  let inner = json;
  if (inner && typeof inner === 'object' && 'Message' in inner && typeof inner.Message === 'string') {
    try {
      inner = JSON.parse(inner.Message);
    } catch {
      return null;
    }
  }
  const r = SesNotification.safeParse(inner);
  return r.success && (r.data.notificationType || r.data.eventType) ? r.data : null;
}
