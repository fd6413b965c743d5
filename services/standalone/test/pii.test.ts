// Issue 15, on real Kafka and PostgreSQL: one event of every kind, with distinctive addresses and
// phone numbers, through the real services (edge one-click, Twilio STOP, the Do-Not-Sell form,
// an ARF report over SMTP to the abuse inbox, an admin add on the API, a mail the inbox must
// quarantine, an event the consumer must dead-letter, a mail and a text through the real senders
// against the SES emulator and the Twilio double, the text refused with 21610). Then every message of every topic and
// DLQ, every table, every log line and every quarantine file is searched: none of them may hold
// a readable identifier (the vault's column is encrypted). Then an erasure: the address can no
// longer be recovered from the vault, any topic or DLQ message (opened with the keys), or the
// quarantine; the person stays suppressed and a new opt-out lands on the same key.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  createAbuseInbox,
  inboxDepsFrom,
  loadConfig as loadInboxConfig,
  QuarantineItemGone,
} from '@sp/abuse-inbox';
import { ABUSE, arfReport, originalMessage } from '@sp/abuse-inbox/test-mails';
import { startComplaintConsumer } from '@sp/complaint-consumer';
import { newEnvelope, Topics } from '@sp/contracts';
import { createDb, type DbHandle, migrateDb } from '@sp/db';
import { createPayloadBox, DEFAULT_QUIET_HOURS, loadTemplates } from '@sp/delivery';
import { startDnsConsumer } from '@sp/dns-consumer';
import { buildEdge, loadConfig as loadEdgeConfig } from '@sp/edge';
import { createEmailSender, createSesTransport, TEMPLATES_DIR as EMAIL_TEMPLATES } from '@sp/email-sender';
import { createSealer, generateSecret, toSubject } from '@sp/identity';
import { type ConsumerHandle, createKafkaBus } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { startSesEmulator, startTwilioDouble } from '@sp/provider-doubles';
import { assembleResources, type Resources, startChangelogRelay, tracedBus } from '@sp/runtime';
import { TEST_PEPPER, TEST_VAULT } from '@sp/runtime/testing';
import { createSmsSender, createTwilioTransport, TEMPLATES_DIR as SMS_TEMPLATES } from '@sp/sms-sender';
import { startSmsStopConsumer } from '@sp/sms-stop-consumer';
import { checkMany, openEvents, sealEvents } from '@sp/suppression';
import { buildApi, loadConfig as loadApiConfig } from '@sp/suppression-api';
import { type ConsumedMessage, consumeAll, freshDatabase, testInfra, waitFor, withAdmin } from '@sp/testing';
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every readable identifier below contains TAG; phones are checked in both their forms.
const TAG = `zq${randomBytes(5).toString('hex')}`;
const phone = () => `+1415${String(2_000_000 + Math.floor(Math.random() * 7_999_999))}`;
const ID = {
  oneClick: `${TAG}.oneclick@pii.example`,
  dnsEmail: `${TAG}.dns@pii.example`,
  dnsPhone: phone(),
  stopPhone: phone(),
  arf: `${TAG}.arf@pii.example`,
  api: `${TAG}.api@pii.example`,
  quarantined: `${TAG}.quarantine@pii.example`,
  deadLettered: `${TAG}.dlq@@not-an-address`,
  sent: `${TAG}.sent@pii.example`,
  refused: phone(),
};
const PHONES = [ID.dnsPhone, ID.stopPhone, ID.refused].flatMap((p) => [p, p.slice(2)]);
const PUBLIC = 'https://shop.pii.example';

/** The identifiers found in a text (none is the expected answer). */
const leaks = (text: string) => {
  const t = text.toLowerCase();
  return [...(t.includes(TAG) ? [TAG] : []), ...PHONES.filter((p) => t.includes(p))];
};

let db: DbHandle;
let dropDb: () => Promise<void>;
let res: Resources;
let prefix: string;
const logLines: string[] = [];
const stoppers: Array<() => Promise<unknown> | unknown> = [];
let edgeUrl: string;
let apiUrl: string;
let smtp: ReturnType<typeof nodemailer.createTransport>;
let quarantineDir: string;
let sealer: ReturnType<typeof createSealer>;
let quarantineId: string;
const twilioToken = generateSecret();
const adminToken = `adm-${generateSecret()}`;

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, text: await r.text() };
};

const oneClick = async (email: string) => {
  const r = await fetch(`${edgeUrl}/u/${sealer.seal({ email, topic: 'weekly-deals' })}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(r.status).toBe(200);
};

const keyOf = (type: 'email' | 'phone', value: string) => res.keyer.keyOf(toSubject(type, value));

async function ledgerTypes(subjectKey: string): Promise<string[]> {
  const rows = await db.sql.query<{ type: string }>(
    'select type from ledger where $1 = any(subject_keys) order by seq',
    [subjectKey],
  );
  return rows.map((r) => r.type);
}

/** Every message of every topic of this test, DLQs included. */
async function allMessages(): Promise<Array<{ topic: string; m: ConsumedMessage }>> {
  const brokers = testInfra().kafkaBrokers;
  const topics = (await withAdmin(brokers, (a) => a.listTopics())).filter((t) => t.startsWith(prefix));
  const out: Array<{ topic: string; m: ConsumedMessage }> = [];
  for (const topic of topics) {
    const offsets = await withAdmin(brokers, (a) => a.fetchTopicOffsets(topic));
    const count = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    if (count === 0) continue;
    const got = await consumeAll(brokers, topic, count);
    expect(got.length, `messages read from ${topic}`).toBe(count);
    for (const m of got) out.push({ topic, m });
  }
  return out;
}

const messageText = (m: ConsumedMessage) => `${m.key ?? ''}\n${m.value ?? ''}\n${JSON.stringify(m.headers)}`;

beforeAll(async () => {
  const brokers = testInfra().kafkaBrokers;
  const fresh = await freshDatabase('sp_pii');
  dropDb = fresh.drop;
  db = await createDb({ url: fresh.url, max: 6 });
  await migrateDb(db);
  prefix = `pii-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.`;
  const logger = createLogger({
    service: 'pii-test',
    level: 'trace',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  });
  const kafka = tracedBus(createKafkaBus({ brokers: brokers.split(','), clientId: 'pii-test', logger }));
  await kafka.ensureTopics(
    Object.values(Topics).map((t) => ({
      topic: `${prefix}${t}`,
      partitions: 1,
      compacted: t === Topics.changelog,
    })),
  );
  res = assembleResources({
    service: 'pii-test',
    db,
    bus: kafka,
    logger,
    list: {
      peppers: TEST_PEPPER,
      vaultKeys: TEST_VAULT,
      eventKeys: { currentKeyId: 'e1', keys: { e1: randomBytes(32).toString('base64') } },
      defaultRegion: 'US',
      revokeAllSms: true,
    },
    topicPrefix: prefix,
  });
  stoppers.push(() => kafka.close());
  const consumers: ConsumerHandle[] = [
    // Groups of this run's own: CI runs the suite twice at once on one broker, and members of one
    // group reading other topics would be handed partitions they do not read.
    await startOptoutConsumer(res, { groupId: `${prefix}optout-consumer` }),
    await startSmsStopConsumer(res, { groupId: `${prefix}sms-stop-consumer` }),
    await startDnsConsumer(res, { groupId: `${prefix}dns-consumer` }),
    await startComplaintConsumer(res, { groupId: `${prefix}complaint-consumer` }),
  ];
  stoppers.push(() => Promise.all(consumers.map((c) => c.stop())));
  const relay = startChangelogRelay(res);
  stoppers.push(() => relay.stop());

  const peppers = `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`;
  const tokenKeys = `k1:${generateSecret()}`;
  const edgeConfig = loadEdgeConfig({
    KAFKA_BROKERS: brokers,
    TOKEN_KEYS: tokenKeys,
    SUBJECT_PEPPERS: peppers,
    TWILIO_AUTH_TOKEN: twilioToken,
    DNS_API_TOKEN: generateSecret(),
    PUBLIC_BASE_URL: PUBLIC,
    TOPIC_PREFIX: prefix,
  });
  sealer = createSealer(edgeConfig.tokenKeys);
  const edge = buildEdge({ bus: res.bus, sealer, keyer: res.keyer, config: edgeConfig, logger });
  edgeUrl = await edge.listen({ port: 0, host: '127.0.0.1' });
  stoppers.push(() => edge.close());

  quarantineDir = mkdtempSync(join(tmpdir(), 'sp-pii-quarantine-'));
  const heldDir = mkdtempSync(join(tmpdir(), 'sp-pii-held-'));
  stoppers.push(() => {
    rmSync(quarantineDir, { recursive: true, force: true });
    rmSync(heldDir, { recursive: true, force: true });
  });
  const inboxConfig = loadInboxConfig({
    KAFKA_BROKERS: brokers,
    ABUSE_RECIPIENTS: ABUSE,
    QUARANTINE_DIR: quarantineDir,
    HELD_DIR: heldDir,
    TOKEN_KEYS: tokenKeys,
    SUBJECT_PEPPERS: peppers,
    TOPIC_EMAIL_OPTOUT: `${prefix}${Topics.emailOptOut}`,
    TOPIC_COMPLAINT: `${prefix}${Topics.complaint}`,
    TOPIC_BOUNCE: `${prefix}${Topics.bounce}`,
  });
  const inbox = createAbuseInbox(inboxDepsFrom(inboxConfig, res.bus, logger, res.dataKeys));
  const { port } = await inbox.listen(0, '127.0.0.1');
  stoppers.push(() => inbox.close());
  smtp = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  stoppers.push(() => smtp.close());

  const apiConfig = loadApiConfig({
    DATABASE_URL: fresh.url,
    API_TOKENS: `${adminToken}:check+admin`,
    SUBJECT_PEPPERS: peppers,
    TOKEN_KEYS: tokenKeys,
    VAULT_KEY: `${TEST_VAULT.currentKeyId}:${TEST_VAULT.keys.v1}`,
    PUBLIC_BASE_URL: PUBLIC,
    UNSUBSCRIBE_DOMAIN: 'unsubscribe.pii.example',
  });
  const app = buildApi({ ctx: res.list, sealer, config: apiConfig, logger });
  apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  stoppers.push(() => app.close());
  // The senders, on the same sealed bus: they read sealed send requests, keep the delivery log,
  // publish outcomes, and feed Twilio's 21610 back as a STOP.
  const ses = await startSesEmulator();
  const twilioDouble = await startTwilioDouble();
  twilioDouble.optOut(ID.refused);
  stoppers.push(
    () => ses.close(),
    () => twilioDouble.close(),
  );
  const box = createPayloadBox({ keys: { k1: generateSecret() }, currentKeyId: 'k1' });
  const tuning = {
    defaultRegion: 'US',
    pollIntervalMs: 200,
    leaseMs: 1_000,
    backoff: { baseMs: 200, maxMs: 1_000, maxAttempts: 5 },
  };
  const outcome = `${prefix}${Topics.deliveryOutcome}`;
  const sesTransport = createSesTransport({
    region: 'us-east-1',
    endpoint: ses.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const emailSender = createEmailSender({
    bus: res.bus,
    log: db.db,
    list: res.list,
    keyer: res.keyer,
    sealer,
    transport: sesTransport,
    templates: loadTemplates([EMAIL_TEMPLATES]),
    box,
    settings: {
      ...tuning,
      groupId: `${prefix}email-sender`,
      topics: { sendRequest: `${prefix}${Topics.emailSendRequest}`, outcome },
      from: 'Ink Corner <news@ink.example>',
      publicBaseUrl: PUBLIC,
      unsubscribeDomain: 'unsubscribe.pii.example',
      postalAddress: 'Ink Corner, 100 Main St, Springfield, IL 62701, USA',
    },
    probe: () => db.ping(),
  });
  const smsSender = createSmsSender({
    bus: res.bus,
    log: db.db,
    list: res.list,
    keyer: res.keyer,
    transport: createTwilioTransport({
      accountSid: twilioDouble.accountSid,
      authToken: twilioDouble.authToken,
      apiBaseUrl: twilioDouble.url,
      from: '+18005550100',
    }),
    templates: loadTemplates([SMS_TEMPLATES]),
    box,
    settings: {
      ...tuning,
      groupId: `${prefix}sms-sender`,
      topics: {
        sendRequest: `${prefix}${Topics.smsSendRequest}`,
        outcome,
        smsInbound: `${prefix}${Topics.smsInbound}`,
      },
      quietHours: DEFAULT_QUIET_HOURS,
      senderId: '+18005550100',
    },
    // Noon in California: marketing texts are inside the R-SMS-6 window.
    clock: () => new Date('2026-06-15T19:00:00Z'),
  });
  await emailSender.start();
  await smsSender.start();
  stoppers.push(
    () => emailSender.stop(),
    () => smsSender.stop(),
    () => sesTransport.close(),
  );
});

afterAll(async () => {
  for (const stop of stoppers.reverse()) await stop();
  await db?.close();
  await dropDb?.();
});

describe('no readable identifier outside the vault (issue 15)', () => {
  it('drives one event of every kind through the real services, then finds no identifier in any topic, DLQ, table, log line or quarantine file', async () => {
    // 1. One-click unsubscribe (RFC 8058) on the edge.
    await oneClick(ID.oneClick);

    // 2. STOP texted to us: Twilio's signed webhook.
    const sms = {
      AccountSid: 'AC00000000000000000000000000000000',
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      From: ID.stopPhone,
      To: '+18005550100',
      Body: 'STOP',
      NumMedia: '0',
    };
    const stop = await fetch(`${edgeUrl}/twilio/sms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(twilioToken, `${PUBLIC}/twilio/sms`, sms),
      },
      body: new URLSearchParams(sms).toString(),
    });
    expect(stop.status).toBe(200);

    // 3. The Do-Not-Sell form, with an address and a phone number.
    const dns = await fetch(`${edgeUrl}/privacy/do-not-sell`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: ID.dnsEmail, phone: ID.dnsPhone }).toString(),
    });
    expect(dns.status).toBe(200);

    // 4. An ARF report (RFC 5965, shaped like the abuse-inbox corpus's mailbox-provider reports) over SMTP.
    const arf = arfReport({ originalRcptTo: ID.arf, original: originalMessage({ to: ID.arf }) });
    await smtp.sendMail({ envelope: { from: 'fbl@mailbox.example', to: [ABUSE] }, raw: arf });

    // 5. A forwarded complaint that names nobody we mailed: quarantined for an operator.
    const junk = [
      'From: Someone <someone@mailbox.example>',
      `To: ${ABUSE}`,
      'Subject: junk',
      '',
      `Stop mailing ${ID.quarantined} and ${ID.oneClick} please.`,
      '',
    ].join('\r\n');
    await smtp.sendMail({ envelope: { from: 'someone@mailbox.example', to: [ABUSE] }, raw: junk });

    // 6. An admin add on the API.
    const add = await api('POST', '/v1/entries', {
      email: ID.api,
      channel: 'email',
      purpose: 'marketing',
      actor: 'ops',
      reason: 'asked at the counter',
    });
    expect(add.status).toBe(201);

    // 7. An opt-out the list cannot take (not an address): the consumer dead-letters it.
    await res.bus.publish(`${prefix}${Topics.emailOptOut}`, [
      {
        key: res.keyer.keyOf({ type: 'email', value: ID.deadLettered }),
        value: newEnvelope('consent.email-optout.v1', 'pii-test', { email: ID.deadLettered, method: 'link' }),
      },
    ]);

    // 8. A mail and a text through the real senders: the order confirmation is delivered, the promo
    // text is refused by Twilio with 21610 and fed back as a STOP (a sealed sms-inbound event).
    const mailId = `pii-mail-${randomBytes(4).toString('hex')}`;
    const textId = `pii-text-${randomBytes(4).toString('hex')}`;
    await res.bus.publish(`${prefix}${Topics.emailSendRequest}`, [
      {
        key: mailId,
        value: newEnvelope('email.send-request.v1', 'pii-test', {
          messageId: mailId,
          to: ID.sent,
          templateId: 'order-confirmation',
          variables: { firstName: 'Dana', orderNumber: 'A-1001', total: '$12.00' },
        }),
      },
    ]);
    await res.bus.publish(`${prefix}${Topics.smsSendRequest}`, [
      {
        key: textId,
        value: newEnvelope('sms.send-request.v1', 'pii-test', {
          messageId: textId,
          to: ID.refused,
          templateId: 'sms-promo',
          variables: { offer: '20% off toner today.' },
          timeZone: 'America/Los_Angeles',
        }),
      },
    ]);
    await waitFor('the mail sent and the text failed, in the delivery log', async () => {
      const rows = await db.sql.query<{ message_id: string; status: string }>(
        'select message_id, status from delivery_log where message_id = any($1)',
        [[mailId, textId]],
      );
      const by = new Map(rows.map((r) => [r.message_id, r.status]));
      return by.get(mailId) === 'sent' && by.get(textId) === 'failed';
    });

    // Everything landed: on the list, in the DLQ, in the quarantine.
    for (const [type, value, event] of [
      ['email', ID.oneClick, 'consent.email-optout.v1'],
      ['phone', ID.stopPhone, 'consent.sms-inbound.v1'],
      ['email', ID.dnsEmail, 'privacy.do-not-sell.v1'],
      ['phone', ID.dnsPhone, 'privacy.do-not-sell.v1'],
      ['email', ID.arf, 'abuse.complaint.v1'],
      ['email', ID.api, 'suppression.admin.v1'],
      ['phone', ID.refused, 'consent.sms-inbound.v1'],
    ] as const) {
      await waitFor(`${event} of ${type} on the list`, async () =>
        (await ledgerTypes(keyOf(type, value))).includes(event),
      );
    }
    await waitFor('the dead letter', async () => {
      const offsets = await withAdmin(testInfra().kafkaBrokers, (a) =>
        a.fetchTopicOffsets(`${prefix}${Topics.emailOptOut}.dlq`),
      );
      return offsets.some((p) => Number(p.high) > 0);
    });
    const quarantined = await inboxQuarantine();
    expect(quarantined).toHaveLength(1);
    quarantineId = quarantined[0]!;

    // Kafka: every message of every topic and DLQ, keys and headers included.
    const messages = await allMessages();
    expect(messages.map((x) => x.topic)).toEqual(
      expect.arrayContaining([
        `${prefix}${Topics.emailOptOut}`,
        `${prefix}${Topics.emailOptOut}.dlq`,
        `${prefix}${Topics.smsInbound}`,
        `${prefix}${Topics.doNotSell}`,
        `${prefix}${Topics.complaint}`,
        `${prefix}${Topics.changelog}`,
        // sms-stop-consumer's confirmation of the STOP: a send request, sealed too.
        `${prefix}${Topics.smsSendRequest}`,
        `${prefix}${Topics.emailSendRequest}`,
        `${prefix}${Topics.deliveryOutcome}`,
      ]),
    );
    for (const { topic, m } of messages) expect(leaks(messageText(m)), `${topic} @${m.offset}`).toEqual([]);
    // The events do carry the identifiers, sealed: the consumers opened them with the keys.
    const opened = await openEvents(
      res.dataKeys!,
      messages.map(({ m }) => JSON.parse(m.value ?? 'null')),
    );
    expect(opened.some((o) => o.ok && JSON.stringify(o.value).includes(ID.oneClick))).toBe(true);

    // PostgreSQL: every table of the schema, dumped as text.
    const tables = await db.sql.query<{ table_name: string }>(
      `select table_name from information_schema.tables
       where table_schema = current_schema() and table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['ledger', 'subject_vault', 'data_keys', 'delivery_log']),
    );
    for (const { table_name } of tables) {
      const rows = await db.sql.query<{ row: string }>(`select t::text as row from "${table_name}" t`);
      expect(leaks(rows.map((r) => String(r.row)).join('\n')), table_name).toEqual([]);
    }
    // The vault holds the readable copies, encrypted: the API reveals them to an admin only.
    const vault = await db.sql.query<{ n: number }>('select count(*)::int as n from subject_vault');
    expect(vault[0]!.n).toBeGreaterThanOrEqual(6);

    // Every log line of every service in this test.
    expect(logLines.length).toBeGreaterThan(0);
    expect(leaks(logLines.join(''))).toEqual([]);

    // The quarantine folder: sealed files only.
    for (const f of readdirSync(quarantineDir))
      expect(leaks(readFileSync(join(quarantineDir, f), 'latin1')), f).toEqual([]);
  });

  it('after POST /v1/erasures the address opens nowhere, the person stays suppressed, and a new opt-out lands on the same key', async () => {
    const key = keyOf('email', ID.oneClick);
    // An opt-out sealed before the erasure and still in flight when it happens.
    const [inFlight] = await sealEvents({ ring: res.dataKeys!, keyer: res.keyer }, [
      newEnvelope('consent.email-optout.v1', 'pii-test', {
        email: ID.oneClick,
        method: 'link',
        topic: 'flight',
      }),
    ]);
    const erased = await api('POST', '/v1/erasures', {
      email: ID.oneClick,
      requestId: `ccpa-${randomBytes(4).toString('hex')}`,
      actor: 'privacy-desk',
      reason: 'CCPA deletion request',
    });
    expect(erased.status).toBe(200);
    expect(JSON.parse(erased.text)).toMatchObject({
      subjectKey: key,
      recorded: true,
      vaultCopiesDeleted: 1,
      dataKeysShredded: 1,
    });

    // The in-flight opt-out no longer opens: it goes to the DLQ as it was (sealed) and is still
    // honoured by its subject key (the salvage of every dead-lettered opt-out).
    await res.bus.publish(`${prefix}${Topics.emailOptOut}`, [{ key, value: inFlight }]);
    const dlq = await waitFor('the in-flight opt-out dead-lettered', async () => {
      const got = await consumeAll(testInfra().kafkaBrokers, `${prefix}${Topics.emailOptOut}.dlq`, 2, 5_000);
      return got.length === 2 ? got : undefined;
    });
    expect(dlq[1]!.headers).toMatchObject({
      'x-dlq-error': 'data.sealed.email: data key erased or unknown',
      'x-dlq-reason': 'validation',
      'x-dlq-salvage': 'applied',
    });

    // The vault: no copy left.
    const vault = await db.sql.query('select 1 from subject_vault where subject_key = $1', [key]);
    expect(vault).toHaveLength(0);

    // Kafka and the DLQs: everything is opened with the keys we hold; the address comes out of none.
    const messages = await allMessages();
    const opened = await openEvents(
      res.dataKeys!,
      messages.map(({ m }) => JSON.parse(m.value ?? 'null')),
    );
    expect(opened.filter((o) => !o.ok).length).toBeGreaterThanOrEqual(1);
    for (const o of opened) if (o.ok) expect(JSON.stringify(o.value)).not.toContain(ID.oneClick);

    // The quarantined mail named the person: it no longer opens.
    const q = inboxDepsFrom(
      loadInboxConfig({
        ABUSE_RECIPIENTS: ABUSE,
        QUARANTINE_DIR: quarantineDir,
        TOKEN_KEYS: `k1:${generateSecret()}`,
        SUBJECT_PEPPERS: `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`,
      }),
      res.bus,
      res.logger,
      res.dataKeys,
    ).quarantine;
    await expect(q.open(quarantineId)).rejects.toBeInstanceOf(QuarantineItemGone);

    // History and export: the key and the events (the erasure among them), no address.
    const history = await api('GET', `/v1/history?email=${encodeURIComponent(ID.oneClick)}`);
    expect(history.status).toBe(200);
    expect(history.text).not.toContain(ID.oneClick);
    const h = JSON.parse(history.text) as { subjectKey: string; entries: Array<{ type: string }> };
    expect(h.subjectKey).toBe(key);
    expect(h.entries.map((e) => e.type)).toEqual([
      'consent.email-optout.v1',
      'suppression.salvage.v1', // the in-flight opt-out, honoured by key
      'privacy.erasure.v1',
    ]);
    const exported = await api('GET', '/v1/export?format=ndjson');
    expect(exported.status).toBe(200);
    expect(exported.text).toContain(key);
    expect(exported.text).not.toContain(ID.oneClick);

    // Still suppressed, by key.
    const [state] = await checkMany(res.list, [
      {
        subject: { type: 'email', value: ID.oneClick },
        channel: 'email',
        kind: 'marketing',
        topic: 'weekly-deals',
      },
    ]);
    expect(state!.allowed).toBe(false);

    // A new opt-out of the same address: same key, on the list again.
    await oneClick(ID.oneClick);
    await waitFor('the second opt-out on the same key', async () => {
      const types = await ledgerTypes(key);
      return types.filter((t) => t === 'consent.email-optout.v1').length === 2;
    });
    const [again] = await checkMany(res.list, [
      {
        subject: { type: 'email', value: ID.oneClick },
        channel: 'email',
        kind: 'marketing',
        topic: 'weekly-deals',
      },
    ]);
    expect(again!.subjectKey).toBe(key);
    expect(again!.allowed).toBe(false);
  });
});

async function inboxQuarantine(): Promise<string[]> {
  return waitFor('the quarantined mail', () => {
    const ids = readdirSync(quarantineDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    return ids.length > 0 ? ids : undefined;
  });
}
