import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@sp/contracts';
import { describe, expect, it } from 'vitest';
import { kindOf, loadTemplates, passesSmsStop, render, TemplateFileError } from '../src/index';

function dirWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sp-templates-'));
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  }
  return dir;
}

const news = {
  id: 'news',
  channel: 'email',
  category: 'marketing',
  topic: 'newsletter',
  subject: 'Hi {{name}}',
  text: 'Hello {{name}}',
  html: '<p>Hello {{name}}</p>',
};
const order = {
  id: 'order',
  channel: 'email',
  category: 'transaction',
  subject: 'Order',
  text: 'Order {{n}}',
};
const stop = {
  id: 'stop-ok',
  channel: 'sms',
  category: 'sms-optout-confirmation',
  defaults: { brand: 'Ink' },
  text: '{{brand}}: unsubscribed',
};

describe('template registry (R-EM-5: the category comes from the template file)', () => {
  it('loads files and answers category and kind', () => {
    const reg = loadTemplates([dirWith({ 'a.json': news, 'b.json': [order, stop] })]);
    expect(reg.require('news', 'email').category).toBe('marketing');
    expect(kindOf(reg.require('order', 'email'))).toBe('transactional');
    expect(kindOf(reg.require('news', 'email'))).toBe('marketing');
    expect(passesSmsStop(reg.require('stop-ok', 'sms'))).toBe(true);
    expect(passesSmsStop(reg.require('news', 'email'))).toBe(false);
  });

  it('an unknown template or one of the other channel is a ValidationError naming it', () => {
    const reg = loadTemplates([dirWith({ 'a.json': news })]);
    expect(() => reg.require('nope', 'email')).toThrow(ValidationError);
    expect(() => reg.require('nope', 'email')).toThrow(/unknown template: nope/);
    expect(() => reg.require('news', 'sms')).toThrow(/email template/);
  });

  it('refuses a bad file at load time: unknown category, email without subject, duplicate id', () => {
    expect(() => loadTemplates([dirWith({ 'a.json': { ...order, category: 'newsletter' } })])).toThrow(
      TemplateFileError,
    );
    expect(() => loadTemplates([dirWith({ 'a.json': { ...order, subject: undefined } })])).toThrow(/subject/);
    expect(() => loadTemplates([dirWith({ 'a.json': news, 'b.json': news })])).toThrow(/twice/);
    expect(() => loadTemplates([dirWith({ 'a.json': '{nope' })])).toThrow(/not JSON/);
  });

  it('renders variables, escapes them in HTML, uses defaults, and refuses a missing one', () => {
    const reg = loadTemplates([dirWith({ 'a.json': [news, stop] })]);
    expect(render(reg.require('news', 'email'), { name: '<b>Ann</b>' })).toEqual({
      subject: 'Hi <b>Ann</b>',
      text: 'Hello <b>Ann</b>',
      html: '<p>Hello &lt;b&gt;Ann&lt;/b&gt;</p>',
    });
    expect(render(reg.require('stop-ok', 'sms'), {}).text).toBe('Ink: unsubscribed');
    expect(() => render(reg.require('news', 'email'), {})).toThrow(/variable name is missing/);
  });
});

describe('language variants (R-SMS-9: a French keyword is answered in French)', () => {
  const stopFr = { ...stop, locale: 'fr', text: '{{brand}} : désabonné' };
  const stopEs = { ...stop, locale: 'es', text: '{{brand}}: dado de baja' };

  it('picks the variant of the locale asked, its base language, or the default', () => {
    const reg = loadTemplates([dirWith({ 'a.json': stop, 'a.fr.json': stopFr, 'a.es.json': stopEs })]);
    expect(render(reg.require('stop-ok', 'sms', 'fr'), {}).text).toBe('Ink : désabonné');
    expect(render(reg.require('stop-ok', 'sms', 'es-MX'), {}).text).toBe('Ink: dado de baja');
    expect(render(reg.require('stop-ok', 'sms', 'de'), {}).text).toBe('Ink: unsubscribed');
    expect(render(reg.require('stop-ok', 'sms'), {}).text).toBe('Ink: unsubscribed');
  });

  it('refuses a variant without a default, one that changes the category, or a duplicate', () => {
    expect(() => loadTemplates([dirWith({ 'a.fr.json': stopFr })])).toThrow(/no default-language/);
    expect(() =>
      loadTemplates([dirWith({ 'a.json': stop, 'b.json': { ...stopFr, category: 'marketing' } })]),
    ).toThrow(/differs from its default/);
    expect(() => loadTemplates([dirWith({ 'a.json': [stop, stopFr], 'b.json': stopFr })])).toThrow(/twice/);
    expect(() => loadTemplates([dirWith({ 'a.json': { ...stopFr, locale: 'French' } })])).toThrow(
      TemplateFileError,
    );
  });
});
