// Mail the inbox cannot attribute is kept for an operator, never dropped (R-AB-2): the raw
// message as <dir>/<timestamp>-<id>.eml beside a small JSON with the reason.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface QuarantineEntry {
  id: string;
  receivedAt: string;
  reason: string;
  /** Where the mail came from: 'smtp' or 'import:<file name>'. */
  source: string;
  size: number;
  emlPath: string;
}

export interface Quarantine {
  put(raw: Buffer, meta: { reason: string; source: string; receivedAt?: Date }): Promise<QuarantineEntry>;
  list(): Promise<QuarantineEntry[]>;
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
      };
      await writeAtomic(emlPath, raw);
      await writeAtomic(join(dir, `${id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
      return entry;
    },
    list: () => readEntries<QuarantineEntry>(dir),
  };
}
