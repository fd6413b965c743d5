// Issue 15: quarantined mail is sealed at rest; it opens for an operator, and no longer once the
// item is deleted, pruned past its bound, or anyone it names is erased (their data key shredded).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createKeyer, toSubject } from '@sp/identity';
import { createDataKeyring, type DataKeyring } from '@sp/suppression';
import { freshDatabase } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addressesIn, createSealedQuarantine, QuarantineItemGone } from '../src/index';

const keyer = createKeyer({
  peppers: { p1: 'pepper-quarantine-0123456789abcdef0123456789' },
  currentKeyId: 'p1',
});
let db: DbHandle;
let drop: () => Promise<void>;
let ring: DataKeyring;
let dir: string;

beforeAll(async () => {
  const fresh = await freshDatabase('sp_quarantine');
  drop = fresh.drop;
  db = await createDb({ url: fresh.url, max: 2 });
  await migrateDb(db);
  ring = createDataKeyring(db.db, { currentKeyId: 'm1', keys: { m1: randomBytes(32).toString('base64') } });
  dir = await mkdtemp(join(tmpdir(), 'sp-quarantine-'));
});
afterAll(async () => {
  await db?.close();
  await drop?.();
  await rm(dir, { recursive: true, force: true });
});

const victim = () => `q-victim.${randomBytes(4).toString('hex')}@customers.example`;
// A forwarded spam report whose original is only quoted inline, base64-encoded (the victim's
// address is in no header of the outer mail): shaped like the corpus's "forwarded" samples.
const mail = (to: string) =>
  Buffer.from(
    [
      'From: Someone <someone@mailbox.example>',
      'To: abuse@ink.example',
      'Subject: Fwd: spam',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(`You keep sending me junk!!!\r\n> To: ${to}\r\n> Subject: SALE\r\n`).toString('base64'),
      '',
    ].join('\r\n'),
  );

it('finds the addresses a mail names, in encoded parts too', () => {
  const a = victim();
  expect(addressesIn(mail(a))).toEqual(['someone@mailbox.example', 'abuse@ink.example', a]);
});

it('keeps the mail sealed at rest and opens it for the operator', async () => {
  const q = createSealedQuarantine(dir, { ring, keyer });
  const a = victim();
  const e = await q.put(mail(a), {
    reason: 'no-original-message',
    source: 'smtp',
    recipients: ['abuse@ink.example'],
  });
  for (const f of await readdir(dir)) expect(await readFile(join(dir, f), 'utf8')).not.toContain(a);
  expect((await q.open(e.id)).toString('latin1')).toBe(mail(a).toString('latin1'));
  expect((await q.list()).map((x) => x.id)).toContain(e.id);
});

it('an erasure of anyone the mail names makes it unreadable; so do delete and prune', async () => {
  const q = createSealedQuarantine(dir, { ring, keyer });
  const a = victim();
  const erased = await q.put(mail(a), { reason: 'no-original-message', source: 'smtp' });
  await ring.shred([keyer.keyOf(toSubject('email', a))]);
  await expect(q.open(erased.id)).rejects.toBeInstanceOf(QuarantineItemGone);

  const deleted = await q.put(mail(victim()), { reason: 'x', source: 'smtp' });
  expect(await q.remove(deleted.id)).toBe(true);
  await expect(q.open(deleted.id)).rejects.toBeInstanceOf(QuarantineItemGone);

  const old = await q.put(mail(victim()), {
    reason: 'x',
    source: 'smtp',
    receivedAt: new Date('2020-01-01T00:00:00Z'),
  });
  const kept = await q.put(mail(victim()), { reason: 'x', source: 'smtp' });
  expect(await q.prune(new Date(Date.now() - 30 * 86_400_000))).toBeGreaterThanOrEqual(1);
  const ids = (await q.list()).map((x) => x.id);
  expect(ids).not.toContain(old.id);
  expect(ids).toContain(kept.id);
});
