// What the classifier decides, and how, as the ledger keeps it (via, language: R-SMS-9): each
// keyword of each language read as that keyword, each free-text phrase read as a phrase, each
// anchor read at the edge of a longer message. Asserting `via` makes the table prove itself: a
// keyword dropped from the table would otherwise still opt out through a fuzzy fallback, silently.
import { describe, expect, it } from 'vitest';
import {
  classifySmsMessage,
  compileKeywords,
  DEFAULT_LANGUAGES,
  editDistance,
  mergeLanguages,
  normalizeBody,
} from '../src/classify';

const plain = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
/** The language that claims a keyword first, in the table's order (English, French, Spanish). */
const owner = (set: 'optOut' | 'optIn' | 'help', k: string) =>
  Object.entries(DEFAULT_LANGUAGES).find(([, sets]) => sets[set].some((x) => plain(x) === plain(k)))![0];

describe('every keyword is read as itself (R-SMS-1, R-SMS-4, R-SMS-9)', () => {
  for (const [language, sets] of Object.entries(DEFAULT_LANGUAGES)) {
    for (const [set, intent] of [
      ['optOut', 'opt-out'],
      ['optIn', 'opt-in'],
      ['help', 'help'],
    ] as const) {
      it(`${language} ${set}: ${sets[set].join(', ')}`, () => {
        for (const k of sets[set]) {
          for (const body of [k, k.toUpperCase(), ` ${k}!`]) {
            expect(classifySmsMessage(body), body).toEqual({
              intent,
              language: owner(set, k),
              via: 'keyword',
            });
          }
        }
      });
    }
  }

  it('punctuation between the letters is ignored, not read as a word break (stop,please is a phrase)', () => {
    expect(classifySmsMessage('STOP?')).toEqual({ intent: 'opt-out', language: 'en', via: 'keyword' });
    expect(classifySmsMessage('s.t.o.p')).toEqual({ intent: 'opt-out', language: 'en', via: 'keyword' });
    expect(classifySmsMessage('stop,please')).toEqual({ intent: 'opt-out', language: 'en', via: 'phrase' });
    expect(classifySmsMessage('opt—out')).toEqual({ intent: 'opt-out', language: 'en', via: 'keyword' });
  });
});

describe('free text that asks to stop is read as a phrase (R-SMS-2)', () => {
  const PHRASES: Record<string, string[]> = {
    en: [
      'hey stop all texts',
      'hey stop texting',
      'hey stop txt',
      'hey stop txting me',
      'hey stop messaging',
      'hey stop sending',
      'hey stop send',
      'hey stop contact',
      'hey stop calling',
      'hey stop spamming',
      'hey stop these',
      'hey stop this',
      'hey stop it',
      'hey stop now',
      'hey stop please',
      'hey stop pls',
      'hey stop plz',
      'hey no more texts',
      'hey dont text',
      "hey don't text",
      'hey do not text',
      'never messages',
      'hey no more msgs',
      'hey no sms',
      'hey no contact',
      'hey no message',
      'hey no txts',
      'i said no more',
      'remove me',
      'delete my number',
      'take my phone',
      'take my info',
      'please take me off',
      'hey unsubscribe',
      'hey unsub',
      'hey opt out',
      'hey opt-out',
      'hey opt - out',
      'hey optout',
      'hey revoke',
      'hey cancel my subscription',
      'hey end texts',
      'hey cancel messages',
      'hey end alerts',
      'hey cancel this',
      'leave me alone',
      'hey dont message',
      "hey don't contact",
      'hey do not send',
      'not interested',
      'wrong number',
      'i want out',
      'hey quit texting',
      'hey quit messaging',
      'hey quit sending',
    ],
    fr: [
      "bon arrete de m'écrire",
      'bon arrête les messages',
      'bon arrêtez les textos',
      'bon arreter les sms',
      'bon arrete svp',
      'bon arret svp',
      "bon arrete s'il vous plait",
      "ne m'envoyez plus rien",
      "ne m'écrivez plus",
      'ne me textez plus',
      'ne texte plus',
      'ne contactez plus',
      'je ne veux plus',
      'plus de messages',
      'plus de textos',
      'plus de sms',
      "plus d'texto",
      'je veux me désabonner',
      'je me désabonne',
      'désabonnez moi',
      'je veux me désinscrire',
      'désinscrivez moi',
      'désinscris moi',
      'mon désabonnement svp',
      'ma désinscription svp',
      'retirez-moi',
      'retire moi',
      'retirez - moi',
      'supprimer moi',
      'supprime-moi',
      'enlève-moi',
      'enlevez-moi',
      'foutez-moi la paix',
      'foutez - moi la paix',
      'pas intéressé',
    ],
    es: [
      'no me envíen',
      'no me envíe',
      'no me mande',
      'no me manden',
      'no me escriba',
      'no me contacte',
      'no me contacten',
      'no me escriban más',
      'no más mensajes',
      'no mas textos',
      'no mas sms',
      'ya no quiero',
      'darme de baja por favor',
      'quiero darse de baja',
      'quiero dar de baja mi número',
      'desuscribirse porfa',
      'quiero desinscribirme',
      'bórrame',
      'elimíname',
      'quítame',
      'sácame',
      'bórrenme',
      'sáqueme',
      'borradme',
      'dejen de enviar',
      'deja de mandar',
      'deje de escribir',
      'no estoy interesado',
      'no interesada',
      'número equivocado',
      'alto ya',
      'baja por favor',
      'alto porfa',
      'alto a esto',
      'baja a los mensajes',
      'alto ahí',
      'cancelar mi suscripción',
      'cancela mensajes',
      'cancelad alertas',
    ],
  };
  for (const [language, phrases] of Object.entries(PHRASES)) {
    it.each(phrases)(`${language}: %j`, (body) => {
      expect(classifySmsMessage(body)).toEqual({ intent: 'opt-out', language, via: 'phrase' });
    });
  }

  it.each([
    'nonstop texting fun',
    'casino more fun',
    'pásame la sal',
    'saquen la basura',
    'the show will end on friday',
    'see you at the store',
    'pas de souci à demain',
    'el precio es alto',
    'el precio es alto ya',
  ])('an ordinary sentence is not an opt-out: %j', (body) => {
    expect(classifySmsMessage(body)).toEqual({ intent: 'none', via: 'none' });
  });
});

describe('an opt-out word at the edge of a longer message (R-SMS-2, R-SMS-9)', () => {
  it.each([
    ['stop who is this', 'en'],
    ['ok whatever stop', 'en'],
    ['stopall who is this', 'en'],
    ['quit bugging everyone ok', 'en'],
    ['arrêt qui est-ce que vous êtes', 'fr'],
    ['bon alors arrete', 'fr'],
    ['arrêter tout de suite merci', 'fr'],
    ['arrêtez tout de suite merci', 'fr'],
    ['parar quien es usted', 'es'],
    ['quien es usted detener', 'es'],
  ])('%j', (body, language) => {
    expect(classifySmsMessage(body)).toEqual({ intent: 'opt-out', language, via: 'word' });
  });

  it('inside a short message, or one slip from it', () => {
    expect(classifySmsMessage('please stop thanks')).toEqual({
      intent: 'opt-out',
      language: 'en',
      via: 'word',
    });
    expect(classifySmsMessage('stopp now ok')).toEqual({
      intent: 'opt-out',
      language: 'en',
      via: 'misspelling',
    });
    expect(classifySmsMessage('STPO!! pls')).toEqual({
      intent: 'opt-out',
      language: 'en',
      via: 'misspelling',
    });
    expect(classifySmsMessage('ok ok stpo')).toEqual({
      intent: 'opt-out',
      language: 'en',
      via: 'misspelling',
    });
    // Every anchor counts here, also those a phrase catches when spelt right.
    for (const [body, language] of [
      ['unsubscrbe now', 'en'],
      ['unsbu pls', 'en'],
      ['optuot pls', 'en'],
      ['revoek it', 'en'],
      ['desabonnr svp', 'fr'],
      ['désabonnemnt merci', 'fr'],
      ['désinscrir merci', 'fr'],
      ['desuscrbir ya', 'es'],
      ['desuscrbirme ya', 'es'],
    ]) {
      expect(classifySmsMessage(body!), body).toEqual({ intent: 'opt-out', language, via: 'misspelling' });
    }
    // Four words: no longer short, and an anchor inside is not enough.
    expect(classifySmsMessage('yes please stop by')).toEqual({ intent: 'none', via: 'none' });
  });

  it('a question before the request does not make it one', () => {
    expect(classifySmsMessage('who is this? STOP')).toEqual({
      intent: 'opt-out',
      language: 'en',
      via: 'word',
    });
  });

  it('a question that uses the word is not a request', () => {
    expect(classifySmsMessage('when does the sale stop?')).toEqual({ intent: 'none', via: 'none' });
    expect(classifySmsMessage('¿cuándo van a parar')).toEqual({ intent: 'none', via: 'none' });
    expect(classifySmsMessage(' ¿cuándo van a parar')).toEqual({ intent: 'none', via: 'none' });
    expect(classifySmsMessage('stop by the store? ')).toEqual({ intent: 'none', via: 'none' });
  });
});

describe('the pieces', () => {
  it('normalizeBody folds case, accents, ligatures, apostrophes and spelled-out words', () => {
    expect(normalizeBody('  ARRÊT  ')).toBe('arret');
    expect(normalizeBody('Cœur ÆSIR Straße')).toBe('coeur aesir strasse');
    expect(normalizeBody('don’t ‘x` `y')).toBe("don't 'x' 'y");
    expect(normalizeBody('S T O P please')).toBe('stop please');
    expect(normalizeBody('E N D')).toBe('end');
    expect(normalizeBody('a b stop')).toBe('a b stop');
    expect(normalizeBody('st0p qu1t 4ll 5a7e3 2024')).toBe('stop quit all satee 2024');
    expect(normalizeBody('🙂🙂')).toBe('');
  });

  it('editDistance counts one slip as one and gives up past the bound', () => {
    expect(editDistance('stop', 'stop')).toBe(0);
    expect(editDistance('stpo', 'stop')).toBe(1);
    expect(editDistance('sotp', 'stop')).toBe(1);
    expect(editDistance('stopp', 'stop')).toBe(1);
    expect(editDistance('sop', 'stop')).toBe(1);
    expect(editDistance('tops', 'stop', 2)).toBe(2);
    expect(editDistance('abcd', 'stop')).toBe(2);
    expect(editDistance('abcdefgh', 'stop', 1)).toBe(2);
    expect(editDistance('xyzw', 'stop', 3)).toBe(4);
    // Past the bound by length alone: the bound plus one, not the whole distance.
    expect(editDistance('st', 'stopxx')).toBe(2);
    // A swap needs both letters to match crosswise, not one.
    expect(editDistance('ab', 'ca', 2)).toBe(2);
    expect(editDistance('ba', 'ac', 2)).toBe(2);
  });

  it('an empty or emoji-only message asks nothing', () => {
    expect(classifySmsMessage('')).toEqual({ intent: 'none', via: 'none' });
    expect(classifySmsMessage(' 🙂 ')).toEqual({ intent: 'none', via: 'none' });
  });

  it('a one-word near miss of HELP gets help; of nothing, nothing', () => {
    expect(classifySmsMessage('hepl')).toEqual({ intent: 'help', language: 'en', via: 'misspelling' });
    expect(classifySmsMessage('banana')).toEqual({ intent: 'none', via: 'none' });
    expect(classifySmsMessage('so')).toEqual({ intent: 'none', via: 'none' });
  });

  it('mergeLanguages adds opt-out, help and anchors, replaces opt-in, and adds a new language', () => {
    const merged = mergeLanguages(DEFAULT_LANGUAGES, {
      en: { optOut: ['halt', "c'est fini"], optIn: ['resume'], help: ['support'], anchors: ['halt'] },
      de: { optOut: ['stopp', 'stop'], help: ['hilfe'] },
      it: {},
    });
    expect(merged.en?.optOut).toEqual([...DEFAULT_LANGUAGES.en!.optOut, 'halt', "c'est fini"]);
    expect(merged.en?.optIn).toEqual(['resume']);
    expect(merged.en?.help).toEqual([...DEFAULT_LANGUAGES.en!.help, 'support']);
    expect(merged.en?.anchors).toEqual([...DEFAULT_LANGUAGES.en!.anchors, 'halt']);
    expect(merged.fr).toBe(DEFAULT_LANGUAGES.fr);
    expect(merged.de).toEqual({ optOut: ['stopp', 'stop'], optIn: [], help: ['hilfe'], anchors: [] });
    expect(merged.it).toEqual({ optOut: [], optIn: [], help: [], anchors: [] });
    const compiled = compileKeywords(merged);
    expect(classifySmsMessage('halt', compiled)).toEqual({
      intent: 'opt-out',
      language: 'en',
      via: 'keyword',
    });
    expect(classifySmsMessage('halt now you', compiled)).toEqual({
      intent: 'opt-out',
      language: 'en',
      via: 'word',
    });
    expect(classifySmsMessage('start', compiled)).toEqual({ intent: 'none', via: 'none' });
    expect(classifySmsMessage('resume', compiled)).toEqual({
      intent: 'opt-in',
      language: 'en',
      via: 'keyword',
    });
    expect(classifySmsMessage('hilfe', compiled)).toEqual({ intent: 'help', language: 'de', via: 'keyword' });
    // A keyword another language already has keeps its first owner's name.
    expect(classifySmsMessage('STOP', compiled)).toEqual({
      intent: 'opt-out',
      language: 'en',
      via: 'keyword',
    });
    // A configured keyword with an apostrophe matches however the apostrophe is typed, or left out.
    for (const body of ['C’EST FINI', 'cest fini']) {
      expect(classifySmsMessage(body, compiled), body).toEqual({
        intent: 'opt-out',
        language: 'en',
        via: 'keyword',
      });
    }
  });

  it('refuses a keyword that is both, naming it', () => {
    expect(() => compileKeywords({ en: { optOut: ['Go'], optIn: ['go'], help: [], anchors: [] } })).toThrow(
      'SMS keyword "go" is both an opt-out and an opt-in keyword',
    );
  });
});
