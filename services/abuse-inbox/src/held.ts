// Mail to the support and reply addresses that cannot be acted on (the sender is not
// authenticated, or the mail does not ask to be removed) waits here for an operator, never
// dropped (issue 19). The mail is sealed at rest (R-PR-1): a support mail names its sender in
// every line. With the data keys (what the services do), <id>.sealed is sealed by shares as the
// quarantine is (createShareSealer): erasing any person the mail names, by address or phone,
// leaves it unreadable (issue 15). Without them, and for files written before, the raw mail is
// under the payload box (AES-256-GCM, key id for rotation); open reads both. <id>.json holds only
// what an operator lists by: id, time, reason, mailbox kind, size.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPayloadBox } from '@sp/delivery';
import { newEntryId, readEntries, writeAtomic } from './quarantine';
import { createShareSealer, type SharedSealedFile, type ShareSealDeps } from './sealed-quarantine';

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

const ID = /^[0-9TZ]+-[0-9a-f]{12}$/;

export function createHeldMail(
  dir: string,
  keys: { currentKeyId: string; keys: Record<string, string> },
  sharing?: ShareSealDeps,
): HeldMail {
  const box = createPayloadBox(keys);
  const shares = sharing ? createShareSealer('held', sharing) : undefined;
  return {
    async put(raw, meta) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const receivedAt = meta.receivedAt ?? new Date();
      const id = newEntryId(receivedAt);
      const entry: HeldEntry = {
        id,
        receivedAt: receivedAt.toISOString(),
        reason: meta.reason,
        mailbox: meta.mailbox,
        source: meta.source,
        size: raw.length,
      };
      const sealed = shares ? await shares.seal(id, raw) : box.seal(raw.toString('base64'));
      await writeAtomic(join(dir, `${id}.sealed`), `${JSON.stringify(sealed)}\n`);
      await writeAtomic(join(dir, `${id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
      return entry;
    },
    list: () => readEntries<HeldEntry>(dir),
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
      const file = JSON.parse(text) as SharedSealedFile | { sealed: string; keyId: string };
      if ('sealed' in file) return Buffer.from(box.open(file.sealed, file.keyId) as string, 'base64');
      if (!shares)
        throw new Error(`held mail ${id} is sealed with the data keys: DATABASE_URL and EVENT_KEYS needed`);
      const mail = await shares.open(id, file);
      if (!mail)
        throw new HeldMailNotFound(`held mail ${id} can no longer be read (a person it names was erased)`);
      return mail;
    },
  };
}
