import { type EventOf, newEnvelope, type Topics } from '@sp/contracts';
import type { Bus, Delivered, HandlerResult, OutgoingMessage } from '@sp/messaging';
import { withDbSpan } from '@sp/observability';
import { apply, checkMany, ledgerMarkedSince, type SuppressionContext } from '@sp/suppression';

export type EmailConsentMessage = Delivered<EventOf<typeof Topics.emailOptOut>>;

/** At most one "you have been unsubscribed" email per address in this many days (issue 19). */
export const CONFIRMATION_INTERVAL_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/** What the ledger keeps of the decision, in the event's evidence under `confirmation`. */
export const CONFIRMATION_REQUESTED = 'requested';
export const CONFIRMATION_SKIPPED = 'skipped: one was requested within 30 days';
export const CONFIRMATION_UNDELIVERABLE = 'skipped: the address takes no email at all';

export interface ConfirmationOptions {
  bus: Pick<Bus, 'publish'>;
  /** Template of the confirmation (an R-EM-5 'account' notice: a change of subscription status). */
  templateId: string;
  topic: string;
}

/**
 * Unsubscribes and confirmed resubscribes: straight to the list, one transaction per batch.
 *
 * An opt-out whose data asks `confirm` (the brand's opt-out box, when the brand enabled the
 * confirmation) gets a send request for the confirmation email, at most one per address per 30
 * days. The ledger is the memory: the decision is written into the event's evidence, and the
 * next request looks for a "requested" mark within 30 days before its own occurredAt. As in
 * sms-stop-consumer, the request goes out BEFORE the list is written, with a message id derived
 * from the event id: a crash in between repeats it and the sender's claim keeps it to one email.
 * A redelivered event finds its own mark and requests nothing more.
 */
export function emailConsentHandler(list: SuppressionContext, confirmation?: ConfirmationOptions) {
  return async (batch: EmailConsentMessage[]): Promise<HandlerResult> => {
    const events = confirmation
      ? await withConfirmations(list, confirmation, batch)
      : batch.map((m) => m.value);
    const r = await withDbSpan('apply', () => apply(list, events));
    return { duplicates: r.duplicates.length };
  };
}

async function withConfirmations(
  list: SuppressionContext,
  opts: ConfirmationOptions,
  batch: EmailConsentMessage[],
) {
  const events = batch.map((m) => m.value);
  const asking = events
    .map((e, i) => ({ e, i }))
    .filter(
      (x): x is { e: EventOf<typeof Topics.emailOptOut> & { data: { email: string } }; i: number } =>
        x.e.type === 'consent.email-optout.v1' && x.e.data.confirm === true,
    );
  if (asking.length === 0) return events;
  const states = await checkMany(
    list,
    asking.map(({ e }) => ({
      subject: { type: 'email' as const, value: e.data.email },
      channel: 'email' as const,
      kind: 'transactional' as const,
    })),
  );
  // Requests decided in this batch, per key: the ledger does not hold them yet.
  const requestedAt = new Map<string, number>();
  const requests: OutgoingMessage[] = [];
  const out = [...events];
  for (const [n, { e, i }] of asking.entries()) {
    const state = states[n]!;
    const at = new Date(e.occurredAt).getTime();
    const since = at - CONFIRMATION_INTERVAL_DAYS * DAY_MS;
    let decision: string;
    if (!state.allowed) decision = CONFIRMATION_UNDELIVERABLE;
    else if (
      (requestedAt.get(state.subjectKey) ?? Number.NEGATIVE_INFINITY) >= since ||
      (await ledgerMarkedSince(list, {
        subjectKey: state.subjectKey,
        type: e.type,
        field: 'confirmation',
        value: CONFIRMATION_REQUESTED,
        since: new Date(since),
      }))
    )
      decision = CONFIRMATION_SKIPPED;
    else {
      decision = CONFIRMATION_REQUESTED;
      requestedAt.set(state.subjectKey, at);
      requests.push({
        key: state.subjectKey,
        value: newEnvelope(
          'email.send-request.v1',
          'optout-consumer',
          {
            messageId: `email-optout-confirmation:${e.id}`,
            to: e.data.email,
            templateId: opts.templateId,
            variables: {},
          },
          { occurredAt: e.occurredAt },
        ),
      });
    }
    out[i] = { ...e, evidence: { ...e.evidence, confirmation: decision } };
  }
  if (requests.length > 0) await opts.bus.publish(opts.topic, requests);
  return out;
}
