import { type Subject, toSubject } from '@sp/identity';
import type { SuppressionContext } from './context';

export type SubjectType = Subject['type'];
export interface SubjectInput {
  type: SubjectType;
  /** Raw as typed by a person; normalized here. */
  value: string;
}

/** Normalizes and keys a subject: the current key plus every pepper's key (for lookups during rotation). */
export function resolveSubject(
  ctx: Pick<SuppressionContext, 'keyer' | 'defaultRegion'>,
  input: SubjectInput,
) {
  const subject = toSubject(input.type, input.value, { defaultRegion: ctx.defaultRegion });
  const keys = ctx.keyer.keysOf(subject); // current pepper first: one HMAC per pepper, not two
  return { subject, key: keys[0]!, keys };
}

/**
 * The keys a check looks up: those the caller already computed (a sender keys its recipient when
 * it prepares the message), else the subject normalized and keyed here.
 */
export function queryKeys(
  ctx: Pick<SuppressionContext, 'keyer' | 'defaultRegion'>,
  q: { subject: SubjectInput; subjectKeys?: readonly string[] | undefined },
): { key: string; keys: readonly string[] } {
  if (q.subjectKeys && q.subjectKeys.length > 0) return { key: q.subjectKeys[0]!, keys: q.subjectKeys };
  return resolveSubject(ctx, q.subject);
}
