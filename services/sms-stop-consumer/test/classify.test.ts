// R-SMS-1 (keywords, whole message, any case, punctuation ignored) and R-SMS-2 (free-text
// revocation by any reasonable means; when unsure, opt out) — and ordinary replies that must not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifySms,
  classifySmsMessage,
  compileKeywords,
  DEFAULT_LANGUAGES,
  editDistance,
  normalizeBody,
} from '../src/classify';

const MUST_OPT_OUT = [
  'STOP',
  'Stop',
  'stop',
  'STOP!!',
  ' stop ',
  'stop.',
  ' Stop ',
  '"STOP"',
  'STOPALL',
  'stop all',
  'UNSUBSCRIBE',
  'Unsubscribe.',
  'CANCEL',
  'cancel',
  'END',
  'end',
  'QUIT',
  'Quit!',
  'REVOKE',
  'OPTOUT',
  'Opt out',
  'OPT OUT',
  'opt-out',
  'please stop texting me',
  'Please stop texting me.',
  'stop texting me',
  'STOP SENDING ME THESE',
  'stop messaging me please',
  'remove me from this list',
  'Remove me',
  'take me off your list',
  'no more messages',
  'No more texts please',
  "don't text me again",
  'do not contact me',
  'unsubscribe me',
  'I want out',
  'leave me alone',
  'cancel my subscription',
  'Stop it',
  'stop pls 🙏',
  'STOP!!! who is this',
  'not interested, remove my number',
  'wrong number',
  'I revoke consent',
];

const MUST_NOT_OPT_OUT = [
  'when does the sale stop?',
  'thanks!',
  "what's my order status",
  'Thank you',
  'ok',
  'Great, see you soon',
  'Is the store open on Sunday?',
  'Where is my package?',
  'lol',
  'Can I change my delivery address?',
  'sounds good',
  'Love these deals',
  'Which cartridges fit an HP 950?',
  'what time do you close',
  'my printer stopped working, can you help me choose?',
  'do you ship to Canada?',
  'Is the sale still on until Sunday?',
  'ordered, thanks',
  '👍',
  'How much is shipping?',
];

describe('classifySms', () => {
  it.each(MUST_OPT_OUT)('opts out on %j (R-SMS-1, R-SMS-2)', (body) => {
    expect(classifySms(body)).toBe('opt-out');
  });

  it.each(MUST_NOT_OPT_OUT)('does not opt out on %j', (body) => {
    expect(classifySms(body)).toBe('none');
  });

  it.each(['START', 'start', 'Unstop', 'YES', 'yes!'])('re-subscribes on %j (R-SMS-4)', (body) => {
    expect(classifySms(body)).toBe('opt-in');
  });

  it.each(['HELP', 'help', 'Info', 'INFO?'])('answers help on %j (R-SMS-4)', (body) => {
    expect(classifySms(body)).toBe('help');
  });

  it('holds at least 40 opt-outs and 20 ordinary replies', () => {
    expect(MUST_OPT_OUT.length).toBeGreaterThanOrEqual(40);
    expect(MUST_NOT_OPT_OUT.length).toBeGreaterThanOrEqual(20);
  });
});

// R-SMS-9: every configured language at once, the reply language being the keyword's.
const BY_LANGUAGE: Record<string, { optOut: string[]; optIn: string[]; help: string[] }> = {
  en: {
    optOut: ['STOP', 'stopall', 'UNSUBSCRIBE', 'cancel', 'END', 'quit', 'revoke', 'OPTOUT', 'opt out'],
    optIn: ['START', 'unstop', 'YES'],
    help: ['HELP', 'info'],
  },
  // CWTA's mandatory ARRET / AIDE, with and without the accent, any case.
  fr: {
    optOut: [
      'ARRET',
      'ARRÊT',
      'arrêt',
      'Arrêt.',
      'ARRETE',
      'arrête',
      'ARRETT',
      'arrêter',
      'Arrêtez',
      'désabonner',
      'DESABONNEMENT',
      'désinscrire',
      'annuler',
    ],
    optIn: ['DÉBUT', 'debut', 'commencer'],
    help: ['AIDE', 'aide', 'Aide?'],
  },
  es: {
    optOut: [
      'PARAR',
      'parar',
      'ALTO',
      'alto!',
      'CANCELAR',
      'cancelar',
      'BAJA',
      'baja',
      'detener',
      'FIN',
      'dar de baja',
    ],
    optIn: ['INICIO', 'inicio', 'comenzar'],
    help: ['AYUDA', 'ayuda', 'Información'],
  },
};

describe('keywords per language (R-SMS-9)', () => {
  for (const [language, sets] of Object.entries(BY_LANGUAGE)) {
    it.each(sets.optOut)(`${language}: opts out on %j`, (body) => {
      expect(classifySmsMessage(body)).toEqual({ intent: 'opt-out', language, via: 'keyword' });
    });
    it.each(sets.optIn)(`${language}: re-subscribes on %j`, (body) => {
      expect(classifySmsMessage(body)).toEqual({ intent: 'opt-in', language, via: 'keyword' });
    });
    it.each(sets.help)(`${language}: answers help on %j`, (body) => {
      // "info" is English, French and Spanish; the first language of the table names it.
      expect(classifySmsMessage(body)).toMatchObject({ intent: 'help', via: 'keyword' });
      if (!/^info/i.test(body)) expect(classifySmsMessage(body).language).toBe(language);
    });
  }

  it.each([
    ["Arrêtez de m'envoyer des messages", 'fr'],
    ['ne m’envoyez plus rien svp', 'fr'],
    ['Je ne veux plus recevoir vos textos', 'fr'],
    ['plus de messages', 'fr'],
    ['désabonnez-moi', 'fr'],
    ['retirez-moi de votre liste', 'fr'],
    ['No me envíen más mensajes', 'es'],
    ['no más mensajes por favor', 'es'],
    ['Ya no quiero recibir esto', 'es'],
    ['Quiero darme de baja', 'es'],
    ['bórrame de la lista', 'es'],
    ['dejen de enviarme mensajes', 'es'],
    ['cancelar mi suscripción', 'es'],
    ['Alto ahí', 'es'],
    ['BAJA por favor', 'es'],
  ])('free text %j opts out in its language (R-SMS-2)', (body, language) => {
    expect(classifySmsMessage(body)).toMatchObject({ intent: 'opt-out', language, via: 'phrase' });
  });
});

describe('near misses (R-SMS-2, R-SMS-9)', () => {
  // One slip away from an opt-out keyword of four letters or more: when unsure, opt out.
  it.each([
    ['Stopp', 'en'],
    ['stpo', 'en'],
    ['sotp', 'en'],
    ['STOP.', 'en'],
    ['stop!!!', 'en'],
    ['S T O P', 'en'],
    ['s.t.o.p', 'en'],
    ['st0p', 'en'],
    ['5TOP', 'en'],
    ['STOOP', 'en'],
    ['sto', 'en'],
    ['unsubscibe', 'en'],
    ['cancle', 'en'],
    ['qiut', 'en'],
    ['arrte', 'fr'],
    ['ARETT', 'fr'],
    ['prar', 'es'],
    ['paar', 'es'],
    ['cancelra', 'es'],
    ['stopp now', 'en'],
    ['STPO!! pls', 'en'],
    ['S T O P please', 'en'],
  ])('opts out on %j', (body, language) => {
    expect(classifySmsMessage(body)).toMatchObject({ intent: 'opt-out', language });
  });

  // The price of the rule, accepted: a one-word reply one slip away from an opt-out keyword
  // opts out ("shop", "step", "quite", Spanish "para"); the confirmation says how to come back.
  it.each(['shop', 'step', 'quite', 'para'])('opts out on the one-word reply %j', (body) => {
    expect(classifySmsMessage(body)).toMatchObject({ intent: 'opt-out', via: 'misspelling' });
  });

  // A misspelt START must not re-subscribe: only exact opt-in keywords do (R-SMS-4).
  it.each([
    'strat',
    'satrt',
    'starrt',
    'Stat',
    'sart',
    'unstpo',
    'yess',
    'ye',
    'inicoi',
    'debutt',
    'start please',
  ])('does not re-subscribe on %j', (body) => {
    expect(classifySms(body)).not.toBe('opt-in');
  });

  it.each(['hlep', 'HALP', 'helpp', 'aied', 'ayda'])('answers help on the near miss %j', (body) => {
    expect(classifySmsMessage(body)).toMatchObject({ intent: 'help', via: 'misspelling' });
  });

  // Three-letter keywords are matched exactly only: one slip in "end" is "and".
  it.each(['and', 'ens', 'fun', 'em'])('does not read %j as a misspelt END/FIN', (body) => {
    expect(classifySms(body)).toBe('none');
  });

  it('counts transpositions as one edit', () => {
    expect(editDistance('stpo', 'stop')).toBe(1);
    expect(editDistance('stopp', 'stop')).toBe(1);
    expect(editDistance('start', 'stop')).toBeGreaterThan(1);
  });
});

describe('a keyword at the start or end of a longer message (R-SMS-9)', () => {
  it.each([
    ['STOP texting this number, I never signed up for this', 'en'],
    ['I have told you three times now. STOP', 'en'],
    ['Unsubscribe, I moved away', 'en'],
    ['ok whatever. quit', 'en'],
    // Decided: a message whose first word is STOP is a request to stop even when the rest reads
    // like an ordinary sentence; the one confirmation says how to come back (R-SMS-2).
    ['Stop by our store', 'en'],
    ['ARRÊT, je ne suis pas client', 'fr'],
    ["J'ai déjà dit arrêt", 'fr'],
    ['Parar ya con esto', 'es'],
    ['por favor parar', 'es'],
    ['please STOP thanks', 'en'],
  ])('opts out on %j', (body, language) => {
    expect(classifySmsMessage(body)).toMatchObject({ intent: 'opt-out', language });
  });

  it.each([
    'thanks!',
    'See you at the end',
    'Is the sale going to stop?',
    'Stop by which store?',
    '¿Cuándo es el fin de la oferta?',
    'El precio es muy alto',
    'La calidad es baja',
    'Cancel my order 1234?',
    'Shop opening hours tomorrow',
    'Merci beaucoup',
    'Gracias',
  ])('stays none on %j', (body) => {
    expect(classifySms(body)).toBe('none');
  });
});

describe('the keyword table is configurable', () => {
  it('a language added by configuration is honoured, and its keywords name it', () => {
    const table = compileKeywords({
      ...DEFAULT_LANGUAGES,
      de: { optOut: ['stopp', 'abmelden'], optIn: ['anmelden'], help: ['hilfe'], anchors: ['abmelden'] },
    });
    expect(classifySmsMessage('ABMELDEN', table)).toEqual({
      intent: 'opt-out',
      language: 'de',
      via: 'keyword',
    });
    expect(classifySmsMessage('Hilfe', table)).toEqual({ intent: 'help', language: 'de', via: 'keyword' });
    expect(classifySmsMessage('Bitte abmelden', table)).toMatchObject({ intent: 'opt-out', language: 'de' });
    expect(classifySmsMessage('abmeldne', table)).toMatchObject({ intent: 'opt-out', language: 'de' });
    // The default table does not know German.
    expect(classifySms('abmelden')).toBe('none');
  });

  it('refuses a keyword that would both opt out and opt in', () => {
    expect(() =>
      compileKeywords({ en: { optOut: ['stop'], optIn: ['Stop'], help: [], anchors: [] } }),
    ).toThrow(/both an opt-out and an opt-in/);
  });
});

describe('properties (fast-check)', () => {
  const optOut = Object.values(DEFAULT_LANGUAGES).flatMap((l) => l.optOut);
  const optIn = Object.values(DEFAULT_LANGUAGES).flatMap((l) => l.optIn);
  const wrap = fc.constantFrom('', ' ', '  ', '.', '!', '!!!', '"', '🙏', '\n', '…');

  it('every opt-out keyword of every language opts out in any case, with any wrapping (R-SMS-1, R-SMS-9)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...optOut),
        fc.array(fc.boolean(), { maxLength: 30 }),
        wrap,
        wrap,
        (k, upper, a, b) => {
          const cased = [...k].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
          expect(classifySms(`${a}${cased}${b}`)).toBe('opt-out');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('one slip in an opt-in keyword never re-subscribes (R-SMS-4)', () => {
    const slip = fc
      .tuple(
        fc.constantFrom(...optIn),
        fc.nat(),
        fc.constantFrom('drop', 'double', 'swap', 'replace'),
        fc.string({ minLength: 1, maxLength: 1 }),
      )
      .map(([k, at, how, c]) => {
        const i = at % k.length;
        if (how === 'drop') return k.slice(0, i) + k.slice(i + 1);
        if (how === 'double') return k.slice(0, i) + k[i] + k.slice(i);
        if (how === 'swap' && i + 1 < k.length) return k.slice(0, i) + k[i + 1] + k[i] + k.slice(i + 2);
        return k.slice(0, i) + c + k.slice(i + 1);
      });
    fc.assert(
      fc.property(slip, (body) => {
        fc.pre(!optIn.some((k) => normalizeBody(k) === normalizeBody(body)));
        expect(classifySms(body)).not.toBe('opt-in');
      }),
      { numRuns: 2000 },
    );
  });

  it('any text classifies without throwing, and a language is named exactly when something matched', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (body) => {
        const r = classifySmsMessage(body);
        expect(r.intent === 'none').toBe(r.language === undefined);
      }),
      { numRuns: 2000 },
    );
  });
});
