// Sealing and opening the identifiers of events (issue 15): a producer replaces each identifier
// field (@sp/contracts' identifierFields) with a sealed value in `data.sealed`, under the data key
// of that identifier's subject; a consumer opens them before it validates the event. Whatever
// holds a sealed event (Kafka, a dead letter, a copy on disk) holds no readable identifier, and
// after an erasure (the subject's data key shredded) nothing can open it any more.
import { getPath, type IdentifierType, identifierFields, SealedFields, setPath } from '@sp/contracts';
import { type Keyer, openValue, sealedKeyId, sealValue, toSubject } from '@sp/identity';
import type { DataKeyring } from './data-keys';

export interface EventSealing {
  ring: DataKeyring;
  keyer: Keyer;
  defaultRegion?: string | undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Pending {
  path: string;
  raw: string;
  subjectKey: string;
}

/** The subject key an identifier is sealed under: its list key, or (not normalizable) a key of the raw text. */
function keyOfIdentifier(s: EventSealing, type: IdentifierType, raw: string, region?: unknown): string {
  try {
    const defaultRegion = typeof region === 'string' ? region : s.defaultRegion;
    return s.keyer.keyOf(toSubject(type, raw, defaultRegion ? { defaultRegion } : {}));
  } catch {
    return s.keyer.keyOf({ type, value: raw } as never);
  }
}

function plan(s: EventSealing, value: unknown): { data: Obj; pending: Pending[] } | null {
  if (!isObj(value) || typeof value.type !== 'string' || !isObj(value.data)) return null;
  const fields = identifierFields[value.type];
  if (!fields || value.data.sealed !== undefined) return null;
  const data = value.data;
  const pending: Pending[] = [];
  const keyAt = new Map<string, string>();
  for (const f of fields) {
    const raw = getPath(data, f.path);
    if (typeof raw !== 'string') continue;
    const type =
      typeof f.subject === 'string' ? f.subject : (getPath(data, f.subject.typeAt) as IdentifierType);
    const subjectKey =
      (f.keyedBy ? keyAt.get(f.keyedBy) : undefined) ??
      keyOfIdentifier(s, type, raw, f.regionAt ? getPath(data, f.regionAt) : undefined);
    keyAt.set(f.path, subjectKey);
    pending.push({ path: f.path, raw, subjectKey });
  }
  return pending.length > 0 ? { data, pending } : null;
}

/** The events with their identifiers sealed (anything else, or already sealed, unchanged). */
export async function sealEvents(s: EventSealing, values: readonly unknown[]): Promise<unknown[]> {
  const plans = values.map((v) => plan(s, v));
  const subjectKeys = plans.flatMap((p) => (p ? p.pending.map((x) => x.subjectKey) : []));
  if (subjectKeys.length === 0) return [...values];
  let keys = await s.ring.keysFor(subjectKeys);
  const missing = subjectKeys.filter((k) => !keys.has(k));
  // Shredded between our insert and our read (an erasure at that very moment): make it again.
  if (missing.length > 0) keys = new Map([...keys, ...(await s.ring.keysFor(missing))]);
  return values.map((v, i) => {
    const p = plans[i];
    if (!p) return v;
    let data: Obj = p.data;
    const sealed: Record<string, string> = {};
    for (const x of p.pending) {
      const dk = keys.get(x.subjectKey);
      if (!dk) throw new Error('no data key for a subject');
      sealed[x.path] = sealValue(dk.key, dk.id, x.raw, x.path);
      data = setPath(data, x.path, undefined);
    }
    return { ...(v as Obj), data: { ...data, sealed } };
  });
}

export type Opened = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The events with `data.sealed` opened back into their fields. One that cannot be opened (its
 * data key shredded by an erasure, or the value altered) comes back as an error naming the path.
 */
export async function openEvents(ring: DataKeyring, values: readonly unknown[]): Promise<Opened[]> {
  const sealedOf = (v: unknown) =>
    isObj(v) && isObj(v.data) && v.data.sealed !== undefined ? SealedFields.safeParse(v.data.sealed) : null;
  const parsed = values.map(sealedOf);
  const ids = parsed.flatMap((p) =>
    p?.success ? Object.values(p.data).map((x) => sealedKeyId(x) ?? '') : [],
  );
  const keys = await ring.keysById(ids);
  return values.map((v, i): Opened => {
    const p = parsed[i];
    if (p === null || p === undefined) return { ok: true, value: v };
    if (!p.success) return { ok: false, error: 'data.sealed: not a map of sealed values' };
    const o = v as Obj & { data: Obj };
    const { sealed: _s, ...rest } = o.data;
    let data: Obj = rest;
    for (const [path, token] of Object.entries(p.data)) {
      try {
        data = setPath(
          data,
          path,
          openValue((id) => keys.get(id), token, path),
        );
      } catch (err) {
        const why =
          err instanceof Error && err.name === 'UnknownKeyError'
            ? 'data key erased or unknown'
            : 'cannot open';
        return { ok: false, error: `data.sealed.${path}: ${why}` };
      }
    }
    return { ok: true, value: { ...o, data } };
  });
}
