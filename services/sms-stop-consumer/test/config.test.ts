// SMS_KEYWORDS_FILE (R-SMS-9: keyword sets are configurable per language) adds to the defaults,
// can add a language, and cannot take STOP or ARRET away.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifySmsMessage, compileKeywords, DEFAULT_LANGUAGES } from '../src/classify';
import { loadConfig } from '../src/config';

const BASE = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: 'postgres://x@127.0.0.1/x',
  SUBJECT_PEPPERS: `p1:${'x'.repeat(32)}`,
};

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sp-keywords-')), 'keywords.json');
  writeFileSync(path, content);
  return path;
}

describe('SMS_KEYWORDS_FILE', () => {
  it('unset: the defaults (en, fr, es)', () => {
    expect(loadConfig(BASE).SMS_KEYWORDS_FILE).toEqual(DEFAULT_LANGUAGES);
  });

  it('adds keywords and languages; opt-out keywords are only ever added', () => {
    const path = file(
      JSON.stringify({
        fr: { optOut: ['ARRÊTEZ TOUT'], optIn: ['REPRENDRE'] },
        pt: { optOut: ['PARE', 'SAIR'], optIn: ['VOLTAR'], help: ['AJUDA'], anchors: ['sair'] },
      }),
    );
    const table = loadConfig({ ...BASE, SMS_KEYWORDS_FILE: path }).SMS_KEYWORDS_FILE;
    const keywords = compileKeywords(table);
    expect(classifySmsMessage('arrêtez tout', keywords)).toMatchObject({ intent: 'opt-out', language: 'fr' });
    expect(classifySmsMessage('ARRET', keywords)).toMatchObject({ intent: 'opt-out', language: 'fr' });
    expect(classifySmsMessage('reprendre', keywords)).toMatchObject({ intent: 'opt-in', language: 'fr' });
    // The opt-in list given replaces the default one: fewer ways back in is the safe side.
    expect(classifySmsMessage('début', keywords).intent).toBe('none');
    expect(classifySmsMessage('SAIR', keywords)).toMatchObject({ intent: 'opt-out', language: 'pt' });
    expect(classifySmsMessage('ajuda', keywords)).toMatchObject({ intent: 'help', language: 'pt' });
    expect(classifySmsMessage('STOP', keywords)).toMatchObject({ intent: 'opt-out', language: 'en' });
  });

  it('a file that cannot be read, is not JSON, has an unknown field or a conflicting keyword is a config error naming the file', () => {
    const missing = join(tmpdir(), 'sp-no-such-keywords.json');
    expect(() => loadConfig({ ...BASE, SMS_KEYWORDS_FILE: missing })).toThrow(/sp-no-such-keywords/);
    expect(() => loadConfig({ ...BASE, SMS_KEYWORDS_FILE: file('{nope') })).toThrow(/SMS_KEYWORDS_FILE/);
    expect(() => loadConfig({ ...BASE, SMS_KEYWORDS_FILE: file('{"fr": {"stop": ["x"]}}') })).toThrow(/stop/);
    expect(() => loadConfig({ ...BASE, SMS_KEYWORDS_FILE: file('{"French": {}}') })).toThrow(
      /French: Invalid key/,
    );
    expect(() => loadConfig({ ...BASE, SMS_KEYWORDS_FILE: file('{"en": {"optIn": ["stop"]}}') })).toThrow(
      /both an opt-out and an opt-in/,
    );
  });
});
