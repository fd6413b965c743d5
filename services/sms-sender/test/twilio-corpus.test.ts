// Issue 10, "a Twilio corpus": inbound texts shaped as Twilio sends them, signed with Twilio's
// own signer, POSTed to the real edge, through real Kafka to the real sms-stop-consumer and the
// real sms-sender, whose replies reach the Twilio double. For every keyword and language
// (R-SMS-1, R-SMS-2, R-SMS-9): the SMS check state afterwards, and exactly the replies the rules
// call for (R-SMS-3: one confirmation, in the keyword's language; R-SMS-4: the HELP reply).
//
// The parameter sets are our own, written after:
// - Twilio's "Twilio's request to your incoming message Webhook URL" (messaging/guides/
//   webhook-request): the form fields and their meaning, application/x-www-form-urlencoded;
// - a captured US webhook body kept in a public project's comment (the field order ToCountry,
//   ToState, SmsMessageSid, NumMedia, ToCity, FromZip, SmsSid, FromState, SmsStatus, FromCity,
//   Body, FromCountry, To, ToZip, NumSegments, MessageSid, AccountSid, From, ApiVersion, with
//   the three SIDs equal and the geographic fields upper case) and a captured GB one (geographic
//   fields present but empty, as for numbers Twilio has no locality for);
// - Twilio's support article "How to Track Opt-Out, Opt-In and Help Messages Using the
//   OptOutType Parameter" and "Getting Started with Advanced Opt-Out": with a Messaging Service
//   whose Advanced Opt-Out is on, MessagingServiceSid is present and a whole-body keyword carries
//   OptOutType=STOP|START|HELP; Twilio has then sent the reply itself;
// - CWTA's mandatory keywords as Twilio's "Industry standards for mandatory keyword responses
//   required in Canada" lists them (STOP/ARRET, HELP/AIDE/INFO; ARRET answered in French), and
//   Twilio's Spanish short-code guidance (ALTO, AYUDA).
import { randomBytes } from 'node:crypto';
import { loadTemplates, render } from '@sp/delivery';
import { type Collected, collect } from '@sp/delivery/test-support';
import { startEdge, type TestEdge } from '@sp/edge/test-support';
import type { ConsumerHandle } from '@sp/messaging';
import { checkMany, history } from '@sp/suppression';
import { kafkaClient, testInfra, topicOffsets, waitFor } from '@sp/testing';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../src/index';
import { PEPPERS, type SmsHarness, startSmsHarness, startStopConsumerOn } from './harness';

const PUBLIC = 'https://hooks.inkshop.example';
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const SERVICE_SID = `MG${randomBytes(16).toString('hex')}`;

/** Where the text comes from and goes to, as Twilio's geo fields describe both ends. */
interface Place {
  country: string;
  state: string;
  city: string;
  zip: string;
  /** Area code / national prefix of the sender's numbers. */
  prefix: string;
}
const OUR = {
  US: { number: '+14155550100', country: 'US', state: 'CA', city: 'SAN FRANCISCO', zip: '94105' },
  // A Montreal long code: Twilio gives no ZIP for Canadian numbers.
  CA: { number: '+15145550100', country: 'CA', state: 'QC', city: 'MONTREAL', zip: '' },
};
const MONTREAL: Place = { country: 'CA', state: 'QC', city: 'MONTREAL', zip: '', prefix: '+1514' };
const QUEBEC: Place = { country: 'CA', state: 'QC', city: 'QUEBEC', zip: '', prefix: '+1418' };
const TORONTO: Place = { country: 'CA', state: 'ON', city: 'TORONTO', zip: '', prefix: '+1416' };
const SF: Place = { country: 'US', state: 'CA', city: 'SAN FRANCISCO', zip: '94107', prefix: '+1415' };
const MIAMI: Place = { country: 'US', state: 'FL', city: 'MIAMI', zip: '33130', prefix: '+1305' };
const EL_PASO: Place = { country: 'US', state: 'TX', city: 'EL PASO', zip: '79901', prefix: '+1915' };
// Mexico City mobiles, +52 55 and eight digits; Twilio sends no city for foreign senders.
const CDMX: Place = { country: 'MX', state: '', city: '', zip: '', prefix: '+5255' };

let serial = 0;
function numberIn(p: Place): string {
  const [base, span] = p.prefix.startsWith('+1') ? [2_000_000, 7_000_000] : [20_000_000, 70_000_000];
  return `${p.prefix}${base + ((Date.now() + serial++ * 7919) % span)}`;
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** One inbound text as Twilio posts it (field order as captured; values all strings). */
function webhook(
  from: string,
  place: Place,
  body: string,
  opts: { ourCountry: 'US' | 'CA'; optOutType?: 'STOP' | 'START' | 'HELP'; service?: boolean },
): Record<string, string> {
  const our = OUR[opts.ourCountry];
  const messageSid = sid('SM');
  return {
    ToCountry: our.country,
    ToState: our.state,
    SmsMessageSid: messageSid,
    NumMedia: '0',
    ToCity: our.city,
    FromZip: place.zip,
    SmsSid: messageSid,
    FromState: place.state,
    SmsStatus: 'received',
    FromCity: place.city,
    Body: body,
    FromCountry: place.country,
    To: our.number,
    ...(opts.service || opts.optOutType ? { MessagingServiceSid: SERVICE_SID } : {}),
    ToZip: our.zip,
    ...(opts.optOutType ? { OptOutType: opts.optOutType } : {}),
    NumSegments: String(Math.max(1, Math.ceil(Buffer.byteLength(body) / 153))),
    MessageSid: messageSid,
    AccountSid: ACCOUNT_SID,
    From: from,
    ApiVersion: '2010-04-01',
  };
}

type Reply = { kind: 'confirmation' | 'help'; locale: 'en' | 'fr' | 'es' };
interface Case {
  name: string;
  place: Place;
  ourCountry: 'US' | 'CA';
  /** The texts the person sends, in order; an entry with optOutType models Advanced Opt-Out. */
  texts: (string | { body: string; optOutType: 'STOP' | 'START' | 'HELP' })[];
  suppressed: boolean;
  replies: Reply[];
}

const confirm = (locale: Reply['locale']): Reply => ({ kind: 'confirmation', locale });
const help = (locale: Reply['locale']): Reply => ({ kind: 'help', locale });

const CASES: Case[] = [
  // English, US senders (R-SMS-1), and the near misses of R-SMS-2 / R-SMS-9.
  ...['STOP', 'stop', 'Stop.', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'].map(
    (body): Case => ({
      name: body,
      place: SF,
      ourCountry: 'US',
      texts: [body],
      suppressed: true,
      replies: [confirm('en')],
    }),
  ),
  ...['Stopp', 'stpo', 'sotp', 'stop!!!', 'S T O P', 'st0p', 'STOP. '].map(
    (body): Case => ({
      name: `near miss ${body}`,
      place: SF,
      ourCountry: 'US',
      texts: [body],
      suppressed: true,
      replies: [confirm('en')],
    }),
  ),
  {
    name: 'free text',
    place: SF,
    ourCountry: 'US',
    texts: ['Please stop texting me'],
    suppressed: true,
    replies: [confirm('en')],
  },
  {
    name: 'a long message ending in STOP',
    place: SF,
    ourCountry: 'US',
    texts: ['I never signed up for these and I have asked before. STOP'],
    suppressed: true,
    replies: [confirm('en')],
  },
  {
    name: 'a long message starting with STOP',
    place: EL_PASO,
    ourCountry: 'US',
    texts: ['STOP who gave you this number'],
    suppressed: true,
    replies: [confirm('en')],
  },
  {
    name: 'STOP twice: one confirmation (R-SMS-3)',
    place: SF,
    ourCountry: 'US',
    texts: ['STOP', 'stop'],
    suppressed: true,
    replies: [confirm('en')],
  },
  { name: 'HELP', place: SF, ourCountry: 'US', texts: ['HELP'], suppressed: false, replies: [help('en')] },
  { name: 'INFO', place: SF, ourCountry: 'US', texts: ['info'], suppressed: false, replies: [help('en')] },
  {
    name: 'HELP near miss',
    place: SF,
    ourCountry: 'US',
    texts: ['hlep'],
    suppressed: false,
    replies: [help('en')],
  },
  {
    name: 'STOP then START',
    place: SF,
    ourCountry: 'US',
    texts: ['STOP', 'START'],
    suppressed: false,
    replies: [confirm('en')],
  },
  {
    name: 'STOP then a misspelt START: still out (R-SMS-4)',
    place: SF,
    ourCountry: 'US',
    texts: ['STOP', 'strat'],
    suppressed: true,
    replies: [confirm('en')],
  },
  {
    name: 'an ordinary reply',
    place: SF,
    ourCountry: 'US',
    texts: ['thanks!'],
    suppressed: false,
    replies: [],
  },
  {
    name: 'Advanced Opt-Out STOP: Twilio confirmed, we do not (R-SMS-3)',
    place: SF,
    ourCountry: 'US',
    texts: [{ body: 'Stop', optOutType: 'STOP' }],
    suppressed: true,
    replies: [],
  },

  // French, Canadian senders to a Canadian number (CWTA: ARRET and AIDE, answered in French).
  ...['ARRET', 'ARRÊT', 'arrêt', 'Arrête', 'ARRETE', 'désabonner'].map(
    (body): Case => ({
      name: body,
      place: MONTREAL,
      ourCountry: 'CA',
      texts: [body],
      suppressed: true,
      replies: [confirm('fr')],
    }),
  ),
  {
    name: 'ARRET near miss',
    place: QUEBEC,
    ourCountry: 'CA',
    texts: ['arrte'],
    suppressed: true,
    replies: [confirm('fr')],
  },
  {
    name: 'French free text',
    place: QUEBEC,
    ourCountry: 'CA',
    texts: ["Arrêtez de m'envoyer des messages svp"],
    suppressed: true,
    replies: [confirm('fr')],
  },
  {
    name: 'AIDE',
    place: MONTREAL,
    ourCountry: 'CA',
    texts: ['AIDE'],
    suppressed: false,
    replies: [help('fr')],
  },
  // CWTA: STOP is answered in English even from Quebec; the keyword decides the language.
  {
    name: 'STOP from Canada',
    place: TORONTO,
    ourCountry: 'CA',
    texts: ['STOP'],
    suppressed: true,
    replies: [confirm('en')],
  },
  {
    name: 'ARRET then DEBUT',
    place: MONTREAL,
    ourCountry: 'CA',
    texts: ['ARRET', 'DÉBUT'],
    suppressed: false,
    replies: [confirm('fr')],
  },
  {
    name: 'Advanced Opt-Out ARRET (a French keyword added to the Messaging Service)',
    place: MONTREAL,
    ourCountry: 'CA',
    texts: [{ body: 'ARRET', optOutType: 'STOP' }],
    suppressed: true,
    replies: [],
  },

  // Spanish, US (Miami) and Mexican senders.
  ...['PARAR', 'ALTO', 'CANCELAR', 'BAJA', 'parar'].map(
    (body): Case => ({
      name: body,
      place: MIAMI,
      ourCountry: 'US',
      texts: [body],
      suppressed: true,
      replies: [confirm('es')],
    }),
  ),
  ...['ALTO', 'Baja'].map(
    (body): Case => ({
      name: `${body} from Mexico`,
      place: CDMX,
      ourCountry: 'US',
      texts: [body],
      suppressed: true,
      replies: [confirm('es')],
    }),
  ),
  {
    name: 'PARAR near miss',
    place: MIAMI,
    ourCountry: 'US',
    texts: ['prar'],
    suppressed: true,
    replies: [confirm('es')],
  },
  {
    name: 'Spanish free text',
    place: CDMX,
    ourCountry: 'US',
    texts: ['No me envíen más mensajes por favor'],
    suppressed: true,
    replies: [confirm('es')],
  },
  {
    name: 'AYUDA',
    place: MIAMI,
    ourCountry: 'US',
    texts: ['AYUDA'],
    suppressed: false,
    replies: [help('es')],
  },
  {
    name: 'BAJA then INICIO',
    place: CDMX,
    ourCountry: 'US',
    texts: ['BAJA', 'INICIO'],
    suppressed: false,
    replies: [confirm('es')],
  },
  {
    name: 'Advanced Opt-Out HELP in Spanish: our HELP reply too, in Spanish (R-SMS-4)',
    place: MIAMI,
    ourCountry: 'US',
    texts: [{ body: 'AYUDA', optOutType: 'HELP' }],
    suppressed: false,
    replies: [help('es')],
  },
];

let h: SmsHarness;
let requests: Collected;
let stopConsumer: ConsumerHandle;
let edge: TestEdge;

beforeAll(async () => {
  h = await startSmsHarness();
  stopConsumer = await startStopConsumerOn(h, 'sms-corpus-test');
  // The edge as its own tests start it, on this harness's inbound topic and subject peppers.
  edge = await startEdge(
    { PUBLIC_BASE_URL: PUBLIC, SUBJECT_PEPPERS: `p1:${PEPPERS.p1}` },
    {},
    h.inboundPrefix,
  );
  requests = await collect(testInfra().kafkaBrokers, h.topics.sendRequest);
});
afterAll(async () => {
  await requests?.stop();
  await edge?.close();
  await stopConsumer?.stop();
  await h?.close();
});

/** POSTs one parameter set as Twilio does: form-encoded, X-Twilio-Signature over the public URL. */
async function post(params: Record<string, string>): Promise<Response> {
  const signature = twilio.getExpectedTwilioSignature(edge.twilioAuthToken, `${PUBLIC}/twilio/sms`, params);
  return fetch(`${edge.url}/twilio/sms`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': signature,
      'user-agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(params).toString(),
  });
}

async function smsAllowed(phone: string): Promise<boolean> {
  const [state] = await checkMany(h.list, [
    { subject: { type: 'phone', value: phone }, channel: 'sms', kind: 'marketing' },
  ]);
  return state?.allowed ?? true;
}

describe('Twilio corpus: every keyword and language, edge to Twilio double', () => {
  it(`${CASES.length} senders: the list and the replies are what the rules call for (R-SMS-1..4, R-SMS-9)`, async () => {
    const templates = loadTemplates([TEMPLATES_DIR]);
    const text = (r: Reply) =>
      render(
        templates.require(
          r.kind === 'confirmation' ? 'sms-optout-confirmation' : 'sms-help',
          'sms',
          r.locale,
        ),
        {},
      ).text;
    // The variants really differ: an English text where French was due would fail below.
    expect(new Set(['en', 'fr', 'es'].map((l) => text(confirm(l as Reply['locale']))).values()).size).toBe(3);
    expect(new Set(['en', 'fr', 'es'].map((l) => text(help(l as Reply['locale']))).values()).size).toBe(3);

    const senders = CASES.map((c) => ({ c, from: numberIn(c.place) }));
    // One conversation per number, its texts in order (one key, one partition, as Twilio would
    // deliver them one after the other); the numbers all at once.
    await Promise.all(
      senders.map(async ({ c, from }) => {
        for (const t of c.texts) {
          const p =
            typeof t === 'string'
              ? webhook(from, c.place, t, { ourCountry: c.ourCountry })
              : webhook(from, c.place, t.body, { ourCountry: c.ourCountry, optOutType: t.optOutType });
          const res = await post(p);
          expect(res.status, `${c.name}: ${JSON.stringify(t)}`).toBe(200);
          expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
        }
      }),
    );
    // "Exactly one" needs to know that nothing is still on its way, without sleeping:
    // 1. every text is in the ledger; the consumer publishes a text's replies before it writes
    //    the ledger, so every reply request is then on the send-request topic;
    await waitFor('every text in the ledger', async () => {
      const counts = await Promise.all(
        senders.map(({ from }) => history(h.list, { type: 'phone', value: from })),
      );
      return counts.every((entries, i) => entries.length === senders[i]!.c.texts.length);
    });
    // 2. the reader of that topic has reached its end;
    const admin = kafkaClient(testInfra().kafkaBrokers).admin();
    await admin.connect();
    const ends = await topicOffsets(admin, h.topics.sendRequest).finally(() => admin.disconnect());
    await waitFor('every reply request read', () =>
      ends.every(
        (e) => requests.messages.filter((m) => m.partition === e.partition).length >= Number(e.high),
      ),
    );
    // 3. the sender has an outcome for each request (it calls Twilio before it reports "sent").
    const ids = requests.parsed().map((r) => r.data.messageId ?? '');
    await waitFor('an outcome for every reply request', () => ids.every((id) => h.outcome(id)), {
      timeoutMs: 60_000,
    });

    const got = await Promise.all(
      senders.map(async ({ c, from }) => ({
        name: c.name,
        suppressed: !(await smsAllowed(from)),
        replies: h.sentTo(from),
      })),
    );
    const want = senders.map(({ c }) => ({
      name: c.name,
      suppressed: c.suppressed,
      replies: c.replies.map(text),
    }));
    expect(got).toEqual(want);
    // Replies leave from the number that was texted (a Canadian number answers Canadians).
    for (const { c, from } of senders) {
      for (const m of h.double.messages.filter((m) => m.to === from))
        expect(m.from).toBe(OUR[c.ourCountry].number);
    }
  });
});
