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
  return { subject, key: ctx.keyer.keyOf(subject), keys: ctx.keyer.keysOf(subject) };
}
