import { describe, expect, it } from 'vitest';
import { cleanDeep, cleanText, hasControlChars } from '../src/text';

describe('text from the outside world', () => {
  it('removes NUL and other C0 controls from free text, keeps tab and newlines', () => {
    expect(cleanText('stop\u0000')).toBe('stop');
    expect(cleanText('a\u0001b\u001Fc\u007Fd')).toBe('abcd');
    expect(cleanText('line one\r\n\tline two')).toBe('line one\r\n\tline two');
  });

  it('replaces lone surrogates, keeps real pairs', () => {
    expect(cleanText('x\uD800y')).toBe('x\uFFFDy');
    expect(cleanText('\uDC00')).toBe('\uFFFD');
    expect(cleanText('ok 😀')).toBe('ok 😀');
  });

  it('cleans strings at any depth, keys included', () => {
    expect(cleanDeep({ 'a\u0000': ['b\u0000', { c: 'd\u0002' }], n: 1, z: null })).toEqual({
      a: ['b', { c: 'd' }],
      n: 1,
      z: null,
    });
  });

  it('flags identifiers holding any control character or lone surrogate', () => {
    expect(hasControlChars('+15551234567')).toBe(false);
    expect(hasControlChars('ann@example.com')).toBe(false);
    expect(hasControlChars('+1555\u00001234567')).toBe(true);
    expect(hasControlChars('ann@example.com\n')).toBe(true);
    expect(hasControlChars('ann\uD800@example.com')).toBe(true);
  });
});
