// Mail to the support and reply addresses that cannot be acted on (the sender is not
// authenticated, or the mail does not ask to be removed) waits here for an operator, never
// dropped (issue 19). Unlike the abuse quarantine, the mail is sealed at rest (R-PR-1): a support
// mail names its sender in every line. <id>.sealed holds the raw mail under the payload box
// (AES-256-GCM, key id for rotation); <id>.json holds only what an operator lists by: id, time,
// reason, mailbox kind, size.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPayloadBox } from '@sp/delivery';

export type HeldMailbox = 'support' | 'reply';

export interface HeldEntry {
  id: string;
  receivedAt: string;
  reason: string;
  mailbox: HeldMailbox;
  /** Where the mail came from: 'smtp' or 'import:<file name>'. */
  source: string;
  size: number;
}

export interface HeldMail {
  put(
    raw: Buffer,
    meta: { reason: string; mailbox: HeldMailbox; source: string; receivedAt?: Date },
  ): Promise<HeldEntry>;
  list(): Promise<HeldEntry[]>;
  /** The raw mail, for an operator who asks to read it. */
  open(id: string): Promise<Buffer>;
}

export class HeldMailNotFound extends Error {
  override name = 'HeldMailNotFound';
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}

const ID = /^[0-9TZ]+-[0-9a-f]{12}$/;

export function createHeldMail(
  dir: string,
  keys: { currentKeyId: string; keys: Record<string, string> },
): HeldMail {
  const box = createPayloadBox(keys);
  async function atomicWrite(path: string, content: string): Promise<void> {
    // Write then rename, so list() never sees half a file.
    await writeFile(`${path}.tmp`, content);
    await rename(`${path}.tmp`, path);
  }
  return {
    async put(raw, meta) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const receivedAt = meta.receivedAt ?? new Date();
      const id = `${stamp(receivedAt)}-${randomBytes(6).toString('hex')}`;
      const entry: HeldEntry = {
        id,
        receivedAt: receivedAt.toISOString(),
        reason: meta.reason,
        mailbox: meta.mailbox,
        source: meta.source,
        size: raw.length,
      };
      const sealed = box.seal(raw.toString('base64'));
      await atomicWrite(join(dir, `${id}.sealed`), `${JSON.stringify(sealed)}\n`);
      await atomicWrite(join(dir, `${id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
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
      const entries: HeldEntry[] = [];
      for (const name of names.filter((n) => n.endsWith('.json')).sort())
        entries.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as HeldEntry);
      return entries;
    },
    async open(id) {
      if (!ID.test(id)) throw new HeldMailNotFound(`no held mail ${id}`);
      let text: string;
      try {
        text = await readFile(join(dir, `${id}.sealed`), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          throw new HeldMailNotFound(`no held mail ${id}`);
        throw err;
      }
      const { sealed, keyId } = JSON.parse(text) as { sealed: string; keyId: string };
      return Buffer.from(box.open(sealed, keyId) as string, 'base64');
    },
  };
}
