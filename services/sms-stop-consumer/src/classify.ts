// What an inbound text asks for. Opt-out keywords count as the whole message in any case with
// spaces and punctuation ignored (R-SMS-1); free text that asks to stop counts too (R-SMS-2),
// and when a message plausibly asks to stop, it is an opt-out: the safe side.

export type SmsIntent = 'opt-out' | 'opt-in' | 'help' | 'none';

const OPT_OUT_KEYWORDS = new Set([
  'stop',
  'stopall',
  'stop all',
  'unsubscribe',
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
]);
const OPT_IN_KEYWORDS = new Set(['start', 'unstop', 'yes']);
const HELP_KEYWORDS = new Set(['help', 'info']);

/** Phrases that ask to stop however they are wrapped ("please stop texting me", "no more messages"). */
const REVOCATION_PATTERNS: RegExp[] = [
  /\bstop\s+(?:all\s+)?(?:text|texting|txt|txting|messag|sending|send|contact|calling|spamm|these|this|it|now|please|pls|plz)/,
  /\b(?:no|dont|don't|do not|never)\s+(?:more\s+)?(?:text|texts|txts|messages|msgs|sms|contact|message)/,
  /\bno\s+more\b/,
  /\b(?:remove|delete|take)\s+(?:me|my\s+(?:number|phone|info))\b/,
  /\btake\s+me\s+off\b/,
  /\b(?:unsubscribe|unsub|opt\s*-?\s*out|optout|revoke)\b/,
  /\b(?:cancel|end)\s+(?:my\s+)?(?:subscription|texts|messages|alerts|this)\b/,
  /\bleave\s+me\s+alone\b/,
  /\b(?:dont|don't|do not)\s+(?:text|message|contact|send)\b/,
  /\bnot\s+interested\b/,
  /\bwrong\s+number\b/,
  /\bi\s+want\s+out\b/,
  /\bquit\s+(?:texting|messaging|sending)\b/,
];

/** Reduces a message to lower-case words: punctuation, emoji and extra spaces dropped. */
export function normalizeBody(body: string): string {
  return body
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{N}' -]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function classifySms(body: string): SmsIntent {
  const text = normalizeBody(body);
  if (text === '') return 'none';
  const bare = text.replace(/'/g, '');
  if (OPT_OUT_KEYWORDS.has(bare)) return 'opt-out';
  if (OPT_IN_KEYWORDS.has(bare)) return 'opt-in';
  if (HELP_KEYWORDS.has(bare)) return 'help';
  if (REVOCATION_PATTERNS.some((p) => p.test(text))) return 'opt-out';
  const words = bare.split(' ');
  const first = words[0] ?? '';
  const isQuestion = /\?\s*$/.test(body.trim());
  // A keyword that leads a short message ("STOP it", "Stop!! who is this") is a request to stop;
  // a question that merely uses the word ("when does the sale stop?") is not.
  if (!isQuestion && ['stop', 'stopall', 'unsubscribe', 'quit', 'optout', 'revoke'].includes(first)) {
    return 'opt-out';
  }
  if (!isQuestion && words.length <= 3 && words.some((w) => w === 'stop' || w === 'unsubscribe'))
    return 'opt-out';
  return 'none';
}
