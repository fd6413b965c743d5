// Per-subject data keys (issue 15, crypto-shredding): each person's identifiers in events are
// sealed with a key of their own, kept in `data_keys` wrapped by a master key (EVENT_KEYS, key id
// for rotation: old master ids stay configured so old keys still unwrap). Dropping a subject's row
// makes every event, dead letter and copy sealed with it unreadable, wherever it was copied to.
import { randomBytes } from 'node:crypto';
import { type Database, schema } from '@sp/db';
import { newDataKey, openValue, sealValue } from '@sp/identity';
import { inArray } from 'drizzle-orm';

export interface MasterKeys {
  currentKeyId: string;
  /** Key id -> 32-byte key, base64 or base64url. */
  keys: Record<string, string>;
}

export interface DataKey {
  id: string;
  key: Buffer;
}

export interface DataKeyring {
  /** The data key of each subject key, created when missing (one round trip each way). */
  keysFor(subjectKeys: readonly string[]): Promise<Map<string, DataKey>>;
  /** Data keys by id; an id that is absent was shredded (or never ours). */
  keysById(ids: readonly string[]): Promise<Map<string, Buffer>>;
  /** Crypto-shredding: drops the data keys of these subject keys; returns how many were dropped. */
  shred(subjectKeys: readonly string[]): Promise<number>;
}

function decodeMaster(master: MasterKeys): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [id, text] of Object.entries(master.keys)) {
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32) throw new RangeError(`event master key ${id} must be 32 bytes (base64)`);
    out.set(id, key);
  }
  if (!out.has(master.currentKeyId))
    throw new RangeError(`current event master key ${master.currentKeyId} is not configured`);
  return out;
}

const wrapContext = (id: string, subjectKey: string) => `data-key.${id}.${subjectKey}`;

export function createDataKeyring(db: Database, master: MasterKeys): DataKeyring {
  const masters = decodeMaster(master);
  const current = masters.get(master.currentKeyId)!;
  const t = schema.dataKeys;

  const unwrap = (row: { id: string; subjectKey: string; wrapped: string }): Buffer =>
    Buffer.from(
      openValue((kid) => masters.get(kid), row.wrapped, wrapContext(row.id, row.subjectKey)),
      'base64',
    );

  return {
    async keysFor(subjectKeys) {
      const wanted = [...new Set(subjectKeys)];
      const out = new Map<string, DataKey>();
      if (wanted.length === 0) return out;
      const rows = wanted.map((subjectKey) => {
        const id = randomBytes(12).toString('base64url');
        const key = newDataKey();
        return {
          id,
          subjectKey,
          wrapped: sealValue(
            current,
            master.currentKeyId,
            key.toString('base64'),
            wrapContext(id, subjectKey),
          ),
          masterKeyId: master.currentKeyId,
        };
      });
      // Two writers may create the same subject's key at once: the first row wins, both read it.
      await db.insert(t).values(rows).onConflictDoNothing({ target: t.subjectKey });
      const found = await db.select().from(t).where(inArray(t.subjectKey, wanted));
      for (const row of found) out.set(row.subjectKey, { id: row.id, key: unwrap(row) });
      return out;
    },
    async keysById(ids) {
      const wanted = [...new Set(ids)];
      const out = new Map<string, Buffer>();
      if (wanted.length === 0) return out;
      const found = await db.select().from(t).where(inArray(t.id, wanted));
      for (const row of found) out.set(row.id, unwrap(row));
      return out;
    },
    async shred(subjectKeys) {
      if (subjectKeys.length === 0) return 0;
      const gone = await db
        .delete(t)
        .where(inArray(t.subjectKey, [...subjectKeys]))
        .returning({ id: t.id });
      return gone.length;
    },
  };
}
