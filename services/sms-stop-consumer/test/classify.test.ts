// R-SMS-1 (keywords, whole message, any case, punctuation ignored) and R-SMS-2 (free-text
// revocation by any reasonable means; when unsure, opt out) — and ordinary replies that must not.
import { describe, expect, it } from 'vitest';
import { classifySms } from '../src/classify';

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
