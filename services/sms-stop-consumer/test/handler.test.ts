// The SMS reply decision (handler.ts) on a real PostgreSQL list, batch by batch, without the
// consumer around it: which texts get a reply request (R-SMS-3 exactly one confirmation, R-SMS-4
// HELP always answered, none when Twilio already answered or refused with 21610), in which
// language (R-SMS-9), and what the ledger keeps of how each text was read. The bus is the
// project's in-memory one, so the mutation run (pnpm mutation sms-reply) can afford a run per
// change; sms-stop-consumer.test.ts proves the same over Kafka with the service running.
import { randomBytes } from 'node:crypto';
import { newEnvelope, Topics } from '@sp/contracts';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { createMemoryBus, type MemoryBus } from '@sp/messaging';
import { check, history, type SuppressionContext } from '@sp/suppression';
import { freshDatabase } from '@sp/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileKeywords, DEFAULT_LANGUAGES, mergeLanguages } from '../src/classify';
import { type SmsInboundMessage, smsInboundHandler } from '../src/handler';

const BRAND = '+14155550000';
const TEMPLATES = { confirmation: 'sms-optout-confirmation', help: 'sms-help' };

let h: DbHandle;
let list: SuppressionContext;
let drop: () => Promise<void>;
beforeAll(async () => {
  const fresh = await freshDatabase('sp_sms_reply');
  h = await createDb({ url: fresh.url, max: 4 });
  await migrateDb(h);
  drop = fresh.drop;
  list = {
    db: h.db,
    keyer: createKeyer({
      peppers: { p1: 'pepper-one-0123456789abcdef0123456789abcdef' },
      currentKeyId: 'p1',
    }),
    vault: { keyId: 'v1', key: randomBytes(32) },
    defaultRegion: 'US',
  };
});
afterAll(async () => {
  await h?.close();
  await drop?.();
});

let bus: MemoryBus;
let handle: ReturnType<typeof smsInboundHandler>;
beforeEach(() => {
  bus = createMemoryBus();
  handle = smsInboundHandler({ list, bus, templates: TEMPLATES });
});

let n = 0;
const phone = () =>
  `+1415${String(2_000_000 + Math.floor(Math.random() * 7_000_000) + n++).padStart(7, '0')}`;
let clock = Date.parse('2026-11-20T10:00:00Z');

/** A text as the consumer delivers it (each one a second after the last). */
function text(from: string, body: string, extra: Record<string, unknown> = {}): SmsInboundMessage {
  const value = newEnvelope(
    Topics.smsInbound,
    'test',
    { from, to: BRAND, body, ...extra },
    { occurredAt: new Date(clock) },
  );
  clock += 1000;
  return { topic: Topics.smsInbound, partition: 0, offset: String(n), key: null, headers: {}, value };
}

/** The reply requests published so far: [key, envelope]. */
const requests = () =>
  bus.read(Topics.smsSendRequest).map((m) => [m.key, JSON.parse(String(m.value))] as const);
/** The reply requests for one number: [template, locale]. */
const repliesTo = (p: string) =>
  requests()
    .filter(([, e]) => e.data.to === p)
    .map(([, e]) => [e.data.templateId, e.data.locale]);
const smsAllowed = async (p: string, kind: 'marketing' | 'transactional' = 'marketing') =>
  (await check(list, { subject: { type: 'phone', value: p }, channel: 'sms', kind })).allowed;
/** How the ledger says each of a number's texts was read, oldest first. */
async function readings(p: string) {
  const entries = await history(list, { type: 'phone', value: p });
  return entries
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
    .map((e) => {
      const payload = e.payload as { intent: string; evidence: { reading: unknown } };
      return [payload.intent, payload.evidence.reading];
    });
}

describe('the SMS reply decision (R-SMS-3, R-SMS-4, R-SMS-7, R-SMS-9)', () => {
  it('a STOP gets one confirmation request from the number it was sent to, keyed and named for its event', async () => {
    const p = phone();
    const stop = text(p, 'STOP');
    expect(await handle([stop])).toEqual({ duplicates: 0 });
    expect(await smsAllowed(p)).toBe(false);
    const all = requests();
    expect(all).toHaveLength(1);
    const [key, request] = all[0]!;
    expect(key).toBe(list.keyer.keyOf({ type: 'phone', value: p }));
    expect(request).toMatchObject({
      type: 'sms.send-request.v1',
      source: 'sms-stop-consumer',
      occurredAt: stop.value.occurredAt,
      data: {
        messageId: `sms-optout-confirmation:${stop.value.id}`,
        to: p,
        from: BRAND,
        templateId: 'sms-optout-confirmation',
        variables: {},
        locale: 'en',
      },
    });
    expect(await readings(p)).toEqual([['opt-out', { language: 'en', via: 'keyword' }]]);
    // The same event again (a redelivery): counted as a duplicate, the list unchanged.
    expect(await handle([stop])).toEqual({ duplicates: 1 });
  });

  it('exactly one confirmation: two STOPs in a batch, or a STOP when already opted out, get one (R-SMS-3)', async () => {
    const p = phone();
    await handle([text(p, 'STOP'), text(p, 'stop.')]);
    await handle([text(p, 'unsubscribe')]);
    expect(repliesTo(p)).toEqual([['sms-optout-confirmation', 'en']]);
    expect(await readings(p)).toEqual([
      ['opt-out', { language: 'en', via: 'keyword' }],
      ['opt-out', { language: 'en', via: 'keyword' }],
      ['opt-out', { language: 'en', via: 'keyword' }],
    ]);
  });

  it('a START in between makes the next STOP a change again, in the same batch or the next', async () => {
    const p = phone();
    await handle([text(p, 'STOP')]);
    await handle([text(p, 'START'), text(p, 'ARRÊT')]);
    expect(await smsAllowed(p)).toBe(false);
    await handle([text(p, 'START')]);
    expect(await smsAllowed(p)).toBe(true);
    await handle([text(p, 'parar')]);
    expect(repliesTo(p)).toEqual([
      ['sms-optout-confirmation', 'en'],
      ['sms-optout-confirmation', 'fr'],
      ['sms-optout-confirmation', 'es'],
    ]);
  });

  it('with revoke-all off a STOP revokes SMS marketing only, and a second STOP still gets no second confirmation (R-SMS-3, R-SMS-8)', async () => {
    const p = phone();
    const marketingOnly = smsInboundHandler({
      list: { ...list, revokeAllSms: false },
      bus,
      templates: TEMPLATES,
    });
    await marketingOnly([text(p, 'STOP')]);
    await marketingOnly([text(p, 'STOP')]);
    expect(await smsAllowed(p)).toBe(false);
    expect(await smsAllowed(p, 'transactional')).toBe(true);
    expect(repliesTo(p)).toEqual([['sms-optout-confirmation', 'en']]);
    // The setting switched on (as the FCC rule takes effect): the next STOP revokes every SMS
    // purpose, a change, so it is confirmed once more.
    await handle([text(p, 'STOP')]);
    expect(await smsAllowed(p, 'transactional')).toBe(false);
    expect(repliesTo(p)).toEqual([
      ['sms-optout-confirmation', 'en'],
      ['sms-optout-confirmation', 'en'],
    ]);
    // And the other way: someone who revoked everything is not confirmed again by a STOP that
    // revokes marketing only.
    const q = phone();
    await handle([text(q, 'STOP')]);
    await marketingOnly([text(q, 'STOP')]);
    expect(repliesTo(q)).toEqual([['sms-optout-confirmation', 'en']]);
  });

  it('HELP is answered in its language, opted out or not, and leaves the list alone (R-SMS-4)', async () => {
    const p = phone();
    const ayuda = text(p, 'AYUDA');
    await handle([ayuda]);
    expect(requests()[0]?.[1].data.messageId).toBe(`sms-help:${ayuda.value.id}`);
    expect(await smsAllowed(p)).toBe(true);
    await handle([text(p, 'STOP'), text(p, 'help')]);
    expect(await smsAllowed(p)).toBe(false);
    expect(repliesTo(p)).toEqual([
      ['sms-help', 'es'],
      ['sms-optout-confirmation', 'en'],
      ['sms-help', 'en'],
    ]);
  });

  it('a text that asks nothing gets no reply and changes nothing', async () => {
    const p = phone();
    await handle([text(p, 'see you at the store')]);
    expect(requests()).toEqual([]);
    expect(await smsAllowed(p)).toBe(true);
    expect(await readings(p)).toEqual([['none', { via: 'none' }]]);
  });

  it("Twilio's Advanced Opt-Out decides and answers: no confirmation of ours; its HELP gets our help text", async () => {
    const [stop, start, help] = [phone(), phone(), phone()];
    await handle([
      text(stop, 'STOP', { optOutType: 'STOP' }),
      text(start, 'STOP', { optOutType: 'STOP' }),
      text(help, 'hi', { optOutType: 'HELP' }),
    ]);
    await handle([text(start, 'go ahead', { optOutType: 'START' })]);
    expect(await smsAllowed(stop)).toBe(false);
    expect(await smsAllowed(start)).toBe(true);
    expect(requests().map(([, e]) => [e.data.to, e.data.templateId])).toEqual([[help, 'sms-help']]);
    // The language is the keyword's when the body has one, none otherwise.
    expect(await readings(stop)).toEqual([['opt-out', { language: 'en', via: 'twilio-advanced-opt-out' }]]);
    expect(await readings(start)).toEqual([
      ['opt-out', { language: 'en', via: 'twilio-advanced-opt-out' }],
      ['opt-in', { via: 'twilio-advanced-opt-out' }],
    ]);
    expect(await readings(help)).toEqual([['help', { via: 'twilio-advanced-opt-out' }]]);
  });

  it('a 21610 from the sender is an opt-out whatever the body, with no confirmation; another error is read as the text says (R-SMS-7)', async () => {
    const [refused, failed] = [phone(), phone()];
    await handle([text(refused, 'START', { errorCode: 21610 }), text(failed, 'STOP', { errorCode: 30003 })]);
    expect(await smsAllowed(refused)).toBe(false);
    expect(await smsAllowed(failed)).toBe(false);
    expect(requests()).toEqual([]);
    expect(await readings(refused)).toEqual([['opt-out', { via: 'twilio-21610' }]]);
    expect(await readings(failed)).toEqual([['opt-out', { language: 'en', via: 'keyword' }]]);
  });

  it('the reply topic and keyword table are the deployment’s when given', async () => {
    const p = phone();
    const keywords = compileKeywords(mergeLanguages(DEFAULT_LANGUAGES, { de: { optOut: ['stopp'] } }));
    const custom = smsInboundHandler({
      list,
      bus,
      templates: TEMPLATES,
      keywords,
      replyTopic: 'replies.test',
    });
    await custom([text(p, 'STOPP')]);
    expect(requests()).toEqual([]);
    expect(bus.read('replies.test').map((m) => JSON.parse(String(m.value)).data.locale)).toEqual(['de']);
  });
});
