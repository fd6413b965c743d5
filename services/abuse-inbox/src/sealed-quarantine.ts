// The quarantine the services use (issue 15): each mail sealed at rest under a key of its own,
// split into shares (XOR), one share sealed with the data key of every address the mail names
// and one with a key of the item itself. Erasing any of those people (their data key shredded)
// or deleting the item (its own key shredded) leaves the mail unreadable, wherever a copy of the
// file went. <id>.json holds only what an operator lists by: id, time, reason, source, size.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Keyer, openValue, sealedKeyId, sealValue, toSubject } from '@sp/identity';
import type { DataKeyring } from '@sp/suppression';
import { mimeParts } from './mime';
import {
  ENTRY_ID,
  newEntryId,
  type Quarantine,
  type QuarantineEntry,
  QuarantineItemGone,
  readEntries,
  removeEntryFiles,
  writeAtomic,
} from './quarantine';

const ADDRESS = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const MAX_ADDRESSES = 200;

/** Every address the mail names, in its headers and in its decoded parts (nested messages too). */
export function addressesIn(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  const texts = [text];
  try {
    for (const p of mimeParts(text)) {
      texts.push(p.body);
      if (p.type === 'message/rfc822' || p.type === 'text/rfc822-headers')
        for (const inner of mimeParts(p.body)) texts.push(inner.body);
    }
  } catch {
    // A mail too broken to walk still has its raw text searched.
  }
  const found = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(ADDRESS)) found.add(m[0].toLowerCase());
  return [...found].slice(0, MAX_ADDRESSES);
}

const itemSubject = (id: string) => `quarantine:${id}`;
const context = (id: string) => `quarantine.${id}`;

function xor(parts: Buffer[]): Buffer {
  const out = Buffer.alloc(32);
  for (const p of parts) for (let i = 0; i < 32; i++) out[i] = out[i]! ^ p[i]!;
  return out;
}

interface SealedFile {
  v: 1;
  shares: string[];
  body: string;
}

export function createSealedQuarantine(dir: string, deps: { ring: DataKeyring; keyer: Keyer }): Quarantine {
  const list = () => readEntries<QuarantineEntry>(dir);
  const remove = async (id: string) => {
    const found = await removeEntryFiles(dir, id, ['.sealed']);
    await deps.ring.shred([itemSubject(id)]);
    return found;
  };
  return {
    async put(raw, meta) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const receivedAt = meta.receivedAt ?? new Date();
      const id = newEntryId(receivedAt);
      const subjects = [itemSubject(id)];
      for (const a of addressesIn(raw)) {
        try {
          subjects.push(deps.keyer.keyOf(toSubject('email', a)));
        } catch {
          // Not an address @sp/identity takes: no subject to erase it by.
        }
      }
      const unique = [...new Set(subjects)];
      const keys = await deps.ring.keysFor(unique);
      const itemKey = randomBytes(32);
      const shares: Buffer[] = unique.slice(1).map(() => randomBytes(32));
      shares.unshift(xor([itemKey, ...shares]));
      const sealedShares = unique.map((subjectKey, i) => {
        const dk = keys.get(subjectKey);
        if (!dk) throw new Error('no data key for a quarantined mail');
        return sealValue(dk.key, dk.id, shares[i]!.toString('base64'), context(id));
      });
      const file: SealedFile = {
        v: 1,
        shares: sealedShares,
        body: sealValue(itemKey, 'item', raw.toString('base64'), context(id)),
      };
      const entry: QuarantineEntry = {
        id,
        receivedAt: receivedAt.toISOString(),
        reason: meta.reason,
        source: meta.source,
        size: raw.length,
        ...(meta.recipients ? { recipients: meta.recipients } : {}),
      };
      await writeAtomic(join(dir, `${id}.sealed`), `${JSON.stringify(file)}\n`);
      await writeAtomic(join(dir, `${id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
      return entry;
    },
    list,
    async open(id) {
      const gone = () => new QuarantineItemGone(`no quarantined mail ${id} (deleted, pruned or erased)`);
      if (!ENTRY_ID.test(id)) throw gone();
      let file: SealedFile;
      try {
        file = JSON.parse(await readFile(join(dir, `${id}.sealed`), 'utf8')) as SealedFile;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw gone();
        throw err;
      }
      const keys = await deps.ring.keysById(file.shares.map((s) => sealedKeyId(s) ?? ''));
      let itemKey: Buffer;
      try {
        itemKey = xor(
          file.shares.map((s) =>
            Buffer.from(
              openValue((kid) => keys.get(kid), s, context(id)),
              'base64',
            ),
          ),
        );
      } catch {
        throw gone();
      }
      return Buffer.from(
        openValue(() => itemKey, file.body, context(id)),
        'base64',
      );
    },
    remove,
    async prune(before) {
      let n = 0;
      for (const e of await list()) if (new Date(e.receivedAt) < before && (await remove(e.id))) n++;
      return n;
    },
  };
}
