// Building blocks shared by the event schemas: scope enums, message categories, the envelope.
import { z } from 'zod';

/** Channel of a suppression entry; `any` covers every channel (Do-Not-Sell, admin). */
export const Channel = z.enum(['email', 'sms', 'any']);
export type Channel = z.infer<typeof Channel>;

/** Purpose of a suppression entry: marketing only, everything (hard bounce, SMS STOP), or sale/share. */
export const Purpose = z.enum(['marketing', 'all', 'sale_share']);
export type Purpose = z.infer<typeof Purpose>;

/**
 * The five CAN-SPAM transactional/relationship types (R-EM-5, 16 CFR 316.3), one per clause:
 * - `transaction`: (i) completing or confirming an agreed commercial transaction;
 * - `safety`: (ii) warranty, recall, safety or security information about a product or service used;
 * - `account`: (iii) notices about an account, subscription or membership (terms, standing, statements);
 * - `employment`: (iv) information about an employment relationship or benefit plan;
 * - `delivery`: (v) delivery of goods or services already bought, including updates and upgrades.
 * Only a template registered as one of these is transactional; a caller cannot just claim it.
 */
export const TransactionalType = z.enum(['transaction', 'safety', 'account', 'employment', 'delivery']);
export type TransactionalType = z.infer<typeof TransactionalType>;

/**
 * What a template is: marketing, one of the transactional types, or one of the two SMS replies
 * allowed after a STOP (the single opt-out confirmation, and HELP answers).
 */
export const MessageCategory = z.union([
  z.literal('marketing'),
  TransactionalType,
  z.literal('sms-optout-confirmation'),
  z.literal('sms-help'),
]);
export type MessageCategory = z.infer<typeof MessageCategory>;

/** Raw address as received; normalization (and rejection of non-addresses) belongs to @sp/identity. */
export const RawEmail = z.string().min(1).max(320);
/** Raw phone number as received; normalized to E.164 by @sp/identity. */
export const RawPhone = z.string().min(1);
export const NonEmpty = z.string().min(1);
/** ISO-8601 date-time with a zone offset or Z. */
export const Timestamp = z.iso.datetime({ offset: true });
/** Newsletter/topic name, or `*` for every topic. */
export const TopicScope = z.string().min(1);

export const Evidence = z.record(z.string(), z.unknown());
export type Evidence = z.infer<typeof Evidence>;

/** Template variables are flat scalars so every provider can render them. */
export const TemplateVariables = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);
export type TemplateVariables = z.infer<typeof TemplateVariables>;

/**
 * The envelope every event travels in. Unknown fields are kept (loose objects), so a newer
 * producer adding a field never breaks an older consumer.
 */
export function envelope<const Type extends string, D extends z.ZodType>(type: Type, data: D) {
  return z.looseObject({
    /** Idempotency key: the ledger's primary key. */
    id: z.uuid(),
    type: z.literal(type),
    /** When the person acted, not when we read it. */
    occurredAt: Timestamp,
    /** Which edge or service produced the event. */
    source: NonEmpty,
    data,
    /** IP, user agent, MessageSid, ARF Message-ID, SES feedbackId ... */
    evidence: Evidence.optional(),
  });
}
