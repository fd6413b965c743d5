// Mail the inbox cannot attribute is kept for an operator, never dropped (R-AB-2): beside a small
// JSON with the reason, the raw message sealed (createSealedQuarantine, what the services use)
// or, for tests of the analysis only, as plain <dir>/<timestamp>-<id>.eml.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface QuarantineEntry {
  id: string;
  receivedAt: string;
  reason: string;
  /** Where the mail came from: 'smtp' or 'import:<file name>'. */
  source: string;
  size: number;
  /** The plain mail (a plain quarantine only); a sealed one keeps <id>.sealed instead. */
  emlPath?: string;
  /** Our own addresses it was sent to (RCPT TO), for a release to analyse it again. */
  recipients?: string[];
}

interface QuarantineMeta {
  reason: string;
  source: string;
  receivedAt?: Date;
  recipients?: string[];
}

export interface Quarantine {
  put(raw: Buffer, meta: QuarantineMeta): Promise<QuarantineEntry>;
  list(): Promise<QuarantineEntry[]>;
  /** The raw mail; throws QuarantineItemGone when it was deleted, pruned or erased. */
  open(id: string): Promise<Buffer>;
  /** Deletes an item (and shreds its key); false when there was none. */
  remove(id: string): Promise<boolean>;
  /** Deletes the items received before `before` (the retention bound); returns how many. */
  prune(before: Date): Promise<number>;
}

export class QuarantineItemGone extends Error {
  override name = 'QuarantineItemGone';
}

export const ENTRY_ID = /^[0-9TZ]+-[0-9a-f]{12}$/;

/** Removes an item's files; false when it had none. */
export async function removeEntryFiles(dir: string, id: string, suffixes: string[]): Promise<boolean> {
  if (!ENTRY_ID.test(id)) return false;
  let found = false;
  for (const suffix of ['.json', ...suffixes]) {
    try {
      await rm(join(dir, `${id}${suffix}`));
      found = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return found;
}

/** A new entry id: its receipt time (sorts by time) and random hex. */
export function newEntryId(d: Date): string {
  return `${d.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(6).toString('hex')}`;
}

/** Writes then renames, so a listing never sees half a file. */
export async function writeAtomic(path: string, content: string | Buffer): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

/** The <id>.json entries of a folder, oldest first; none when the folder does not exist yet. */
export async function readEntries<T>(dir: string): Promise<T[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: T[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort())
    entries.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as T);
  return entries;
}

export function createFileQuarantine(dir: string): Quarantine {
  const list = () => readEntries<QuarantineEntry>(dir);
  const remove = (id: string) => removeEntryFiles(dir, id, ['.eml']);
  return {
    async put(raw, meta) {
      await mkdir(dir, { recursive: true });
      const receivedAt = meta.receivedAt ?? new Date();
      const id = newEntryId(receivedAt);
      const emlPath = join(dir, `${id}.eml`);
      const entry: QuarantineEntry = {
        id,
        receivedAt: receivedAt.toISOString(),
        reason: meta.reason,
        source: meta.source,
        size: raw.length,
        emlPath,
        ...(meta.recipients ? { recipients: meta.recipients } : {}),
      };
      await writeAtomic(emlPath, raw);
      await writeAtomic(join(dir, `${id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
      return entry;
    },
    list,
    async open(id) {
      if (!ENTRY_ID.test(id)) throw new QuarantineItemGone(`no quarantined mail ${id}`);
      try {
        return await readFile(join(dir, `${id}.eml`));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          throw new QuarantineItemGone(`no quarantined mail ${id}`);
        throw err;
      }
    },
    remove,
    async prune(before) {
      let n = 0;
      for (const e of await list()) if (new Date(e.receivedAt) < before && (await remove(e.id))) n++;
      return n;
    },
  };
}
