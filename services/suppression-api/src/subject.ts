// The API names a subject by one of email, phone or id (+ idType); the list by { type, value }.
import type { SubjectInput } from '@sp/suppression';

export interface SubjectSelector {
  email?: string | undefined;
  phone?: string | undefined;
  id?: string | undefined;
  idType?: 'customer' | 'device' | undefined;
}

/** The schemas already refused anything but exactly one identifier. */
export function subjectOf(s: SubjectSelector): SubjectInput {
  if (s.email !== undefined) return { type: 'email', value: s.email };
  if (s.phone !== undefined) return { type: 'phone', value: s.phone };
  return { type: s.idType ?? 'customer', value: s.id ?? '' };
}
