// The gate: asks the list about a whole batch in one round trip and turns the answers into
// send / suppress / defer. Fail closed: when the list cannot be asked, marketing and every SMS
// wait; only transactional email (R-EM-5 types) may go ahead, marked unchecked. The list is asked
// through a ListChecker: the sender's local view by default (a stale view throws, which is an
// outage like any other), or the database.
import type { CheckQuery, CheckReason, CheckResult, ListChecker } from '@sp/suppression';
import { kindOf, passesSmsStop, type Template } from './templates';
import { withTimeout } from './timeout';

export type { CheckReason };

export interface GateRequest {
  channel: 'email' | 'sms';
  subject: { type: 'email' | 'phone'; value: string };
  /** The subject key, known before the check (used when the list cannot be asked). */
  subjectKey: string;
  /** Every pepper's key, current first, when known: the list is asked by them. */
  subjectKeys?: string[];
  template: Pick<Template, 'category'>;
  topic?: string | undefined;
}

export type Verdict =
  | { action: 'send'; subjectKey: string; reasons: CheckReason[]; unchecked?: true; error?: string }
  | { action: 'suppress'; subjectKey: string; reasons: CheckReason[] }
  | { action: 'defer'; subjectKey: string; reasons: CheckReason[]; error: string };

export const LIST_UNAVAILABLE = 'list-unavailable';

export function queryOf(r: GateRequest): CheckQuery {
  return {
    subject: r.subject,
    channel: r.channel,
    kind: kindOf(r.template),
    ...(r.topic ? { topic: r.topic } : {}),
    ...(r.subjectKeys ? { subjectKeys: r.subjectKeys } : {}),
    ...(r.channel === 'sms' && passesSmsStop(r.template) ? { smsOptOutConfirmation: true } : {}),
  };
}

/** One verdict per request, in order. Never throws for a list outage: that is a verdict too. */
export async function decide(
  list: ListChecker,
  requests: GateRequest[],
  opts: { onListError?: (err: unknown) => void; timeoutMs?: number } = {},
): Promise<Verdict[]> {
  if (requests.length === 0) return [];
  let results: CheckResult[];
  try {
    results = await withTimeout(list.checkMany(requests.map(queryOf)), opts.timeoutMs ?? 5_000, 'list check');
  } catch (err) {
    opts.onListError?.(err);
    return requests.map((r): Verdict => {
      if (r.channel === 'email' && kindOf(r.template) === 'transactional') {
        return {
          action: 'send',
          subjectKey: r.subjectKey,
          reasons: [],
          unchecked: true,
          error: LIST_UNAVAILABLE,
        };
      }
      return { action: 'defer', subjectKey: r.subjectKey, reasons: [], error: LIST_UNAVAILABLE };
    });
  }
  return results.map((res, i): Verdict => {
    const subjectKey = res.subjectKey || requests[i]!.subjectKey;
    return res.allowed
      ? { action: 'send', subjectKey, reasons: [] }
      : { action: 'suppress', subjectKey, reasons: res.reasons };
  });
}
