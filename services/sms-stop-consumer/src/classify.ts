// What an inbound text asks for, and in which language. A pure module: a table of languages in,
// an intent and a language out; the service's config decides the table (SMS_KEYWORDS_FILE).
//
// Opt-out keywords count as the whole message in any case with spaces and punctuation ignored
// (R-SMS-1), in the keyword sets of every configured language at once (R-SMS-9: a Canadian
// number honours ARRET beside STOP, whatever the program's language). Free text that asks to
// stop counts too (R-SMS-2), and so do an obvious misspelling of an opt-out keyword and a message
// that starts or ends with one: when a message plausibly asks to stop it is an opt-out, the safe
// side, and the single confirmation tells the person how to come back. The other way is
// guarded as carefully: only an exact opt-in keyword re-subscribes (R-SMS-4), a near miss of
// START does nothing.

export type SmsIntent = 'opt-out' | 'opt-in' | 'help' | 'none';

/** One language's keyword sets, written as people type them (any case, accents or not). */
interface LanguageKeywords {
  /** Whole-message opt-out keywords (R-SMS-1, R-SMS-9). */
  optOut: string[];
  /** Whole-message opt-in keywords: exact only, never fuzzy (R-SMS-4). */
  optIn: string[];
  /** Whole-message help keywords (R-SMS-4). */
  help: string[];
  /**
   * Opt-out words that also count as the first or last word of a longer message ("STOP texting
   * this number", "ok whatever, STOP"). Only words with no everyday meaning belong here: "end",
   * "cancel", Spanish "alto" (high) and "baja" (low) end ordinary sentences.
   */
  anchors: string[];
}

/** Language code (ISO 639-1, e.g. "fr") to its keywords; the first language is the default. */
export type LanguageTable = Record<string, LanguageKeywords>;

export interface SmsClassification {
  intent: SmsIntent;
  /** The language of the keyword or phrase that decided; undefined when nothing matched. */
  language?: string;
  /**
   * How it was decided: a whole-message keyword, a free-text phrase, a misspelt keyword, or an
   * opt-out word that starts or ends a longer message (or sits inside a short one).
   */
  via: 'keyword' | 'phrase' | 'misspelling' | 'word' | 'none';
}

/**
 * The defaults: English (R-SMS-1 and the FCC's seven), French for Canadian numbers (CWTA's
 * mandatory ARRET and AIDE; Twilio's own filter also knows ARRETE and ARRETT), Spanish (the
 * CTIA-style Spanish programs' ALTO and AYUDA, and the PARAR, CANCELAR, BAJA people send).
 */
export const DEFAULT_LANGUAGES: LanguageTable = {
  en: {
    optOut: [
      'stop',
      'stopall',
      'stop all',
      'unsubscribe',
      'unsub',
      'cancel',
      'end',
      'quit',
      'revoke',
      'optout',
      'opt out',
      'opt-out',
      'remove',
      'stop texting',
      'stop messages',
    ],
    optIn: ['start', 'unstop', 'yes'],
    help: ['help', 'info'],
    anchors: ['stop', 'stopall', 'unsubscribe', 'unsub', 'optout', 'revoke', 'quit'],
  },
  fr: {
    optOut: [
      'arrêt',
      // Also "ARRÊTÉ": accents are folded, and each folded form is listed once.
      'arrete',
      'arrett',
      'arrêter',
      'arrêtez',
      'désabonner',
      'désabonnement',
      'désinscrire',
      'désinscription',
      'annuler',
    ],
    optIn: ['début', 'commencer', 'réabonner'],
    // INFO is English's (the first language claims a keyword), and means the same here.
    help: ['aide'],
    anchors: ['arrêt', 'arrete', 'arrêter', 'arrêtez', 'désabonner', 'désabonnement', 'désinscrire'],
  },
  es: {
    optOut: [
      'parar',
      'alto',
      'cancelar',
      'baja',
      'detener',
      'desuscribir',
      'desuscribirme',
      'darme de baja',
      'dar de baja',
      'fin',
    ],
    optIn: ['inicio', 'comenzar', 'reanudar'],
    help: ['ayuda', 'información'],
    anchors: ['parar', 'detener', 'desuscribir', 'desuscribirme'],
  },
};

export type LanguageOverrides = Record<string, Partial<LanguageKeywords>>;

/**
 * The defaults with an operator's additions (SMS_KEYWORDS_FILE). A language not in the defaults
 * is added. Opt-out, anchor and help keywords are added to a language's defaults, never taken
 * away: a configuration must not be able to drop STOP or ARRET (R-SMS-1, R-SMS-9). Opt-in
 * keywords given replace the defaults, since fewer ways back in is the safe side.
 */
export function mergeLanguages(base: LanguageTable, overrides: LanguageOverrides): LanguageTable {
  const merged: LanguageTable = { ...base };
  for (const [language, o] of Object.entries(overrides)) {
    const b = base[language] ?? { optOut: [], optIn: [], help: [], anchors: [] };
    merged[language] = {
      optOut: [...b.optOut, ...(o.optOut ?? [])],
      optIn: o.optIn ?? b.optIn,
      help: [...b.help, ...(o.help ?? [])],
      anchors: [...b.anchors, ...(o.anchors ?? [])],
    };
  }
  return merged;
}

/**
 * Free text that asks to stop (R-SMS-2), per language, matched on the normalized text (lower
 * case, accents removed, punctuation gone). Built in; the keyword sets are what is configurable.
 * normalizeBody() joins words with exactly one space, so a space here is a word break; and as the
 * patterns match prefixes ("stop text" covers "stop texting"), no longer form is listed beside
 * its prefix.
 */
const REVOCATION_PATTERNS: Record<string, RegExp[]> = {
  en: [
    /\bstop (?:all )?(?:text|txt|messag|send|contact|calling|spamm|these|this|it|now|please|pls|plz)/,
    /\b(?:no|dont|don't|do not|never) (?:more )?(?:text|txts|message|msgs|sms|contact)/,
    /\bno more\b/,
    /\b(?:remove|delete|take) (?:me|my (?:number|phone|info))\b/,
    /\b(?:unsubscribe|unsub|opt ?-? ?out|revoke)\b/,
    /\b(?:cancel|end) (?:my )?(?:subscription|texts|messages|alerts|this)\b/,
    /\bleave me alone\b/,
    /\b(?:dont|don't|do not) send\b/,
    /\bnot interested\b/,
    /\bwrong number\b/,
    /\bi want out\b/,
    /\bquit (?:texting|messaging|sending)\b/,
  ],
  fr: [
    /\barret(?:e|ez|er)? (?:de m|les (?:messages|textos|sms)|svp|s'il)/,
    /\bne (?:m'|me )?(?:envoyez|ecrivez|texte[sz]?|contactez) plus\b/,
    /\bje ne veux plus\b/,
    /\bplus (?:de|d') ?(?:messages|textos|sms|texto)\b/,
    /\b(?:desabonne[rz]?|desinscri(?:re|vez|s)|desabonnement|desinscription)\b/,
    /\b(?:retire[rz]?|supprime[rz]?|enleve[rz]?)[ -]+moi\b/,
    /\bfoutez[ -]+moi la paix\b/,
    /\bpas interesse/,
  ],
  es: [
    /\bno (?:me )?(?:(?:envie[ns]?|mande[ns]?|escriba[ns]?|contacte[ns]?)\b|mas (?:mensajes|textos|sms))/,
    /\bya no quiero\b/,
    /\bdar(?:me|se)? de baja\b/,
    /\b(?:desuscrib\w*|desinscrib\w*)\b/,
    /\b(?:borr|elimin|quit|sac|saqu)(?:a(?:me|dme|rme)|e(?:me|nme))\b/,
    /\b(?:dejen?|deja) de (?:enviar|mandar|escribir)/,
    /\bno (?:estoy )?interesad[oa]\b/,
    /\bnumero equivocado\b/,
    /^(?:alto|baja) (?:ya|ahi|por favor|porfa|a (?:esto|los mensajes))\b/,
    /\bcancela(?:r|d)? (?:mi )?(?:suscripcion|mensajes|alertas|textos)\b/,
  ],
};

/** The table, normalized once: keyword -> language, per set. */
export interface CompiledKeywords {
  languages: string[];
  optOut: Map<string, string>;
  optIn: Map<string, string>;
  help: Map<string, string>;
  anchors: Map<string, string>;
  patterns: [string, RegExp][];
}

/** Lower case, accents and ligatures folded ("ARRÊT" -> "arret"), apostrophes unified. */
function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/** Digits typed for letters inside a word ("st0p", "qu1t"); a number alone stays a number. */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };
const deLeet = (word: string) =>
  /\p{L}/u.test(word) ? word.replace(/[013457]/g, (d) => LEET[d] ?? d) : word;

/**
 * Reduces a message to lower-case words: accents, punctuation, emoji and extra spaces dropped,
 * digits inside words read as letters, a spelled-out "S T O P" joined.
 */
export function normalizeBody(body: string): string {
  // Every other character, whitespace of any kind included, becomes a space: words are split on it.
  const words = fold(body)
    .replace(/[^\p{L}\p{N}' -]/gu, ' ')
    .split(' ')
    .filter(Boolean)
    .map(deLeet);
  // "S T O P", "s.t.o.p please": a run of three or more single letters is one spelled-out word.
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 3) out.push(run.join(''));
    else out.push(...run);
    run = [];
  };
  for (const w of words) {
    if (/^\p{L}$/u.test(w)) run.push(w);
    else {
      flush();
      out.push(w);
    }
  }
  flush();
  return out.join(' ');
}

const keywordForm = (k: string) => normalizeBody(k).replace(/'/g, '');

export function compileKeywords(table: LanguageTable = DEFAULT_LANGUAGES): CompiledKeywords {
  const compiled: CompiledKeywords = {
    languages: Object.keys(table),
    optOut: new Map(),
    optIn: new Map(),
    help: new Map(),
    anchors: new Map(),
    patterns: [],
  };
  for (const [language, sets] of Object.entries(table)) {
    for (const set of ['optOut', 'optIn', 'help', 'anchors'] as const) {
      for (const k of sets[set]) {
        const form = keywordForm(k);
        // The first language to claim a keyword names it ("info" is English before French).
        if (form && !compiled[set].has(form)) compiled[set].set(form, language);
      }
    }
    for (const p of REVOCATION_PATTERNS[language] ?? []) compiled.patterns.push([language, p]);
  }
  for (const form of compiled.optIn.keys()) {
    if (compiled.optOut.has(form)) {
      throw new Error(`SMS keyword "${form}" is both an opt-out and an opt-in keyword`);
    }
  }
  return compiled;
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), stopping early once
 * it exceeds `max`: "stpo", "sotp" (swapped), "stopp" (doubled), "sop" (dropped) are all 1.
 */
export function editDistance(a: string, b: string, max = 1): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let prev2 = prev;
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      // A swap of the last two letters; in the first row or column a[-1] or b[-1] is undefined,
      // which equals no letter, so the test needs no bounds of its own.
      if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Fuzzy matching only against keywords of four letters or more, at distance 1: one slip in a
 * four-letter word still leaves three right letters in place, while one slip in "end" or "fin"
 * reaches ordinary words ("and", "fun", "fan", "ens") that would opt people out of a reply.
 */
const FUZZY_MIN_LENGTH = 4;

function nearest(word: string, keywords: Map<string, string>): string | undefined {
  for (const [k, language] of keywords) {
    if (k.length >= FUZZY_MIN_LENGTH && !k.includes(' ') && editDistance(word, k) <= 1) return language;
  }
  return undefined;
}

let defaultCompiled: CompiledKeywords | undefined;
/** The defaults, compiled on first use. */
const defaults = () => {
  defaultCompiled ??= compileKeywords(DEFAULT_LANGUAGES);
  return defaultCompiled;
};

export function classifySmsMessage(body: string, keywords: CompiledKeywords = defaults()): SmsClassification {
  // An empty text ('' or emoji only) matches no keyword or phrase and is no near miss: 'none' below.
  const text = normalizeBody(body);
  const bare = text.replace(/'/g, '');
  const exact = (set: Map<string, string>, intent: SmsIntent): SmsClassification | undefined => {
    const language = set.get(bare);
    return language === undefined ? undefined : { intent, language, via: 'keyword' };
  };
  const byKeyword =
    exact(keywords.optOut, 'opt-out') ?? exact(keywords.optIn, 'opt-in') ?? exact(keywords.help, 'help');
  if (byKeyword) return byKeyword;

  for (const [language, p] of keywords.patterns) {
    if (p.test(text)) return { intent: 'opt-out', language, via: 'phrase' };
  }

  const words = bare.split(' ');
  // One word that is one slip away from an opt-out keyword: "Stopp", "stpo", "arrte", "prar".
  // Never towards an opt-in keyword (a misspelt START must not re-subscribe); a near miss of
  // HELP gets the help text, which is harmless.
  if (words.length === 1) {
    const out = nearest(bare, keywords.optOut);
    if (out) return { intent: 'opt-out', language: out, via: 'misspelling' };
    const help = nearest(bare, keywords.help);
    if (help) return { intent: 'help', language: help, via: 'misspelling' };
    return { intent: 'none', via: 'none' };
  }

  // A longer message that starts or ends with an opt-out word ("STOP who is this", "I said
  // STOP", "Stop by our store" too: when unsure, opt out and let the confirmation say how to
  // come back, R-SMS-2). A question that merely uses the word ("when does the sale stop?") is
  // not a request.
  const isQuestion = /[?¿]/.test(body.trim().slice(-1)) || body.trim().startsWith('¿');
  if (!isQuestion) {
    // split() always gives at least one (here two or more) words.
    const first = words[0]!;
    const last = words[words.length - 1]!;
    const edge = keywords.anchors.get(first) ?? keywords.anchors.get(last);
    if (edge) return { intent: 'opt-out', language: edge, via: 'word' };
    // A short message with an opt-out word inside ("please STOP thanks"), or around a misspelt
    // one ("stopp now", "STPO!! pls").
    if (words.length <= 3) {
      const inside = words.map((w) => keywords.anchors.get(w)).find((l) => l !== undefined);
      if (inside) return { intent: 'opt-out', language: inside, via: 'word' };
      const near = nearest(first, keywords.anchors) ?? nearest(last, keywords.anchors);
      if (near) return { intent: 'opt-out', language: near, via: 'misspelling' };
    }
  }
  return { intent: 'none', via: 'none' };
}

/** The intent alone, on the default languages or a compiled table. */
export function classifySms(body: string, keywords: CompiledKeywords = defaults()): SmsIntent {
  return classifySmsMessage(body, keywords).intent;
}
