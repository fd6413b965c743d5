// The events the list takes (a validated envelope of one of the list's topics; for SMS plus the
// intent the sms-stop-consumer decided) and their validation at the edge of the domain.
import {
  type AdminAction,
  type Bounce,
  type Complaint,
  type DoNotSell,
  type EmailOptOut,
  type EmailResubscribe,
  LedgerEvent,
  parseWith,
  type SmsInbound,
} from '@sp/contracts';
import { invalid } from './errors';

export type { AdminAction, Bounce, Complaint, DoNotSell, EmailOptOut, EmailResubscribe, SmsInbound };

/** What the sms-stop-consumer decided an inbound text means (R-SMS-1/2/4). */
export type SmsIntent = 'opt-out' | 'opt-in' | 'help' | 'none';
const SMS_INTENTS: readonly SmsIntent[] = ['opt-out', 'opt-in', 'help', 'none'];

export type ListEvent =
  | EmailOptOut
  | EmailResubscribe
  | DoNotSell
  | Complaint
  | Bounce
  | AdminAction
  | (SmsInbound & { intent: SmsIntent });

export const LIST_EVENT_TYPES = [
  'consent.email-optout.v1',
  'consent.email-resubscribe.v1',
  'consent.sms-inbound.v1',
  'privacy.do-not-sell.v1',
  'abuse.complaint.v1',
  'email.bounce.v1',
  'suppression.admin.v1',
] as const;

/** "data.email: Invalid input; id: Invalid UUID" (contracts' formatIssues) -> the first field and its message. */
function describe(error: string): { field: string; message: string } {
  const first = error.split('; ')[0] ?? error;
  const at = first.indexOf(': ');
  return at > 0
    ? { field: first.slice(0, at), message: first.slice(at + 2) }
    : { field: '(event)', message: first };
}

/** Validates one event against its topic's schema (plus the SMS intent); throws a ValidationError naming id and field. */
export function validateListEvent(input: unknown): ListEvent {
  const raw = input as { id?: unknown; type?: unknown; intent?: unknown } | null;
  const id = typeof raw?.id === 'string' ? raw.id : '(no id)';
  const type = raw?.type;
  if (typeof type !== 'string' || !(LIST_EVENT_TYPES as readonly string[]).includes(type)) {
    throw invalid(id, 'type', `not an event the list takes: ${String(type)}`);
  }
  const r = parseWith(LedgerEvent, input);
  if (!r.ok) {
    const { field, message } = describe(r.error);
    throw invalid(id, field, message);
  }
  const value = r.value as ListEvent;
  if (type === 'consent.sms-inbound.v1') {
    const intent = raw?.intent;
    if (typeof intent !== 'string' || !SMS_INTENTS.includes(intent as SmsIntent)) {
      throw invalid(id, 'intent', `expected one of ${SMS_INTENTS.join(', ')}`);
    }
    return { ...(value as SmsInbound), intent: intent as SmsIntent };
  }
  return value;
}
