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
import { HeldMailNotFound } from '../src/held';
import { addressesIn, createHeldMail, createSealedQuarantine, QuarantineItemGone } from '../src/index';

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

// R-PR-2: a phone number the mail names is a subject too; erasing it reaches the quarantine.
it('a quarantined mail naming a phone number is unreadable once that phone is erased', async () => {
  const q = createSealedQuarantine(dir, { ring, keyer });
  const n = String(randomBytes(2).readUInt16BE() % 1000).padStart(4, '0');
  const phone = `+44 20 7946 ${n}`;
  const text = Buffer.from(
    [
      'From: Someone <someone@mailbox.example>',
      'To: abuse@ink.example',
      'Subject: Fwd: texts',
      '',
      `Stop texting me at ${phone}, I never signed up.`,
      '',
    ].join('\r\n'),
  );
  const e = await q.put(text, { reason: 'no-original-message', source: 'smtp' });
  for (const f of await readdir(dir)) expect(await readFile(join(dir, f), 'utf8')).not.toContain(phone);
  const otherMail = mail(victim());
  const other = await q.put(otherMail, { reason: 'x', source: 'smtp' });
  expect((await q.open(e.id)).toString('latin1')).toContain(phone);
  await ring.shred([keyer.keyOf(toSubject('phone', `+4420 7946${n}`))]);
  await expect(q.open(e.id)).rejects.toBeInstanceOf(QuarantineItemGone);
  expect((await q.open(other.id)).toString('latin1')).toBe(otherMail.toString('latin1'));
});

const heldKeys = { currentKeyId: 'h1', keys: { h1: randomBytes(32).toString('base64') } };

// R-PR-2: held support and reply mail is sealed to the people it names as the quarantine is.
it('a held mail naming a person is unreadable once that person is erased; other held mail still opens', async () => {
  const heldDir = join(dir, 'held');
  const held = createHeldMail(heldDir, heldKeys, { ring, keyer });
  const a = victim();
  const b = victim();
  const erased = await held.put(mail(a), { reason: 'not-a-request', mailbox: 'support', source: 'smtp' });
  const kept = await held.put(mail(b), { reason: 'unauthenticated', mailbox: 'reply', source: 'smtp' });
  expect(erased).toMatchObject({ reason: 'not-a-request', mailbox: 'support', source: 'smtp' });
  for (const f of await readdir(heldDir)) {
    const at = await readFile(join(heldDir, f), 'utf8');
    expect(at).not.toContain(a);
    expect(at).not.toContain(b);
  }
  expect((await held.open(erased.id)).toString('latin1')).toBe(mail(a).toString('latin1'));
  await ring.shred([keyer.keyOf(toSubject('email', a))]);
  await expect(held.open(erased.id)).rejects.toBeInstanceOf(HeldMailNotFound);
  expect((await held.open(kept.id)).toString('latin1')).toBe(mail(b).toString('latin1'));
  expect((await held.list()).map((e) => [e.id, e.mailbox])).toEqual(
    expect.arrayContaining([
      [erased.id, 'support'],
      [kept.id, 'reply'],
    ]),
  );
});

it('a held mail written before, under the payload key, still opens', async () => {
  const heldDir = join(dir, 'held-old');
  const before = createHeldMail(heldDir, heldKeys);
  const a = victim();
  const old = await before.put(mail(a), { reason: 'not-a-request', mailbox: 'support', source: 'smtp' });
  const sealedFile = JSON.parse(await readFile(join(heldDir, `${old.id}.sealed`), 'utf8'));
  expect(sealedFile).toMatchObject({ keyId: 'h1' });
  const now = createHeldMail(heldDir, heldKeys, { ring, keyer });
  expect((await now.open(old.id)).toString('latin1')).toBe(mail(a).toString('latin1'));
});
