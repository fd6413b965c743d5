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

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}

export function createFileQuarantine(dir: string): Quarantine {
  return {
    async put(raw, meta) {
      await mkdir(dir, { recursive: true });
      const receivedAt = meta.receivedAt ?? new Date();
      const id = `${stamp(receivedAt)}-${randomBytes(6).toString('hex')}`;
      const emlPath = join(dir, `${id}.eml`);
      const entry: QuarantineEntry = {
        id,
        receivedAt: receivedAt.toISOString(),
        reason: meta.reason,
        source: meta.source,
        size: raw.length,
        emlPath,
      };
      // Write then rename, so list() never sees half a file.
      await writeFile(`${emlPath}.tmp`, raw);
      await rename(`${emlPath}.tmp`, emlPath);
      await writeFile(join(dir, `${id}.json.tmp`), `${JSON.stringify(entry, null, 2)}\n`);
      await rename(join(dir, `${id}.json.tmp`), join(dir, `${id}.json`));
      return entry;
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const entries: QuarantineEntry[] = [];
      for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
        entries.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as QuarantineEntry);
      }
      return entries;
    },
  };
}
