// Issue 13: the brand set in one place (a file and/or variables), neutral wording without one, the
// language chosen by Accept-Language or the visible switch, and the Do-Not-Sell page's choice to
// keep the newsletters only where the brand's policy offers it (R-DNS-8).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiate } from '../src/i18n';
import { maskEmail } from '../src/pages';
import { events, startEdge, type TestEdge, uniqueEmail } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'sp-brand-'));
const brandFile = join(dir, 'brand.json');
writeFileSync(
  brandFile,
  JSON.stringify({
    name: 'Harbor Paper Co.',
    logoUrl: 'https://cdn.harbor.example/logo.png',
    primaryColor: '#ffcc00',
    supportEmail: 'help@harbor.example',
    supportPhone: '(800) 551-9954',
    privacyPolicyUrl: 'https://harbor.example/privacy',
    postalAddress: 'Harbor Paper Co., 12 Pier Road, Long Beach, CA 90802, USA',
    doNotSellKeepsNewslettersChoice: true,
  }),
);

let neutral: TestEdge;
let branded: TestEdge;
beforeAll(async () => {
  // No brand at all: the helper's name and support address are unset here.
  neutral = await startEdge({ BRAND_NAME: '', SUPPORT_EMAIL: '' });
  branded = await startEdge({ BRAND_NAME: '', SUPPORT_EMAIL: '', BRAND_FILE: brandFile });
});
afterAll(async () => {
  await neutral?.close();
  await branded?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return {
    status: res.status,
    csp: res.headers.get('content-security-policy') ?? '',
    html: await res.text(),
  };
};
const visible = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('the brand', () => {
  it('issue 13: with no brand the pages say "we", show no header and no made-up name or address', async () => {
    const token = neutral.sealer.seal({ email: uniqueEmail('neutral'), topic: 'weekly-deals' });
    for (const path of [`/u/${token}`, '/u/not-a-token', '/privacy/do-not-sell', '/privacy/opt-out']) {
      const page = await get(`${neutral.url}${path}`);
      const text = visible(page.html);
      expect(page.html, path).not.toContain('class="brand"');
      expect(text, path).not.toMatch(/Our shop|support@example\.com|undefined/);
      expect(text, path).toContain('Questions? Reply to any of our emails.');
    }
    expect(visible((await get(`${neutral.url}/privacy/do-not-sell`)).html)).toContain(
      'When you send this form, we will: stop selling or sharing your personal information, and stop sending you all marketing email.',
    );
    const snippet = await (await fetch(`${neutral.url}/privacy/opt-out/snippet`)).text();
    expect(snippet).toContain('Opt out of all marketing email: your email address');
  });

  it('issue 13: the brand file gives the header, logo (allowed by the CSP), colour, contacts, privacy policy and postal address', async () => {
    const token = branded.sealer.seal({ email: uniqueEmail('branded') });
    const page = await get(`${branded.url}/u/${token}`);
    expect(page.html).toContain('<img src="https://cdn.harbor.example/logo.png" alt="">');
    expect(page.csp).toContain('img-src https://cdn.harbor.example');
    expect(page.html).toContain('<title>Email preferences – Harbor Paper Co.</title>');
    // A light brand colour gets dark text (contrast), wherever it is used.
    expect(page.html).toContain('.brand{background:#ffcc00;color:#000000;');
    const text = visible(page.html);
    expect(text).toContain('Harbor Paper Co.');
    expect(text).toContain('Questions? Write to help@harbor.example or call (800) 551-9954 .');
    expect(text).toContain('Privacy policy');
    expect(text).toContain('12 Pier Road, Long Beach, CA 90802');
    const snippet = await (await fetch(`${branded.url}/privacy/opt-out/snippet`)).text();
    expect(snippet).toContain('Opt out of all marketing email from Harbor Paper Co.: your email address');
  });
});

describe('languages', () => {
  it('issue 13: Accept-Language picks en, es or fr by weight (falling back to English); ?lang= (the switch) wins', () => {
    expect(negotiate(undefined)).toBe('en');
    expect(negotiate('de-DE,de;q=0.9')).toBe('en');
    expect(negotiate('de-DE,fr;q=0.4,es;q=0.6')).toBe('es');
    expect(negotiate('fr-CA')).toBe('fr');
    expect(negotiate('es;q=0, fr;q=0.1')).toBe('fr');
    expect(negotiate('es-MX', 'fr')).toBe('fr');
    expect(negotiate('es-MX', 'xx')).toBe('es');
  });

  it('issue 13: the page is served in the chosen language, with `lang` set and a switch to the others', async () => {
    const token = neutral.sealer.seal({ email: 'jane@example.com' });
    const es = await get(`${neutral.url}/u/${token}`, { 'accept-language': 'es-ES,es;q=0.9' });
    expect(es.html).toContain('<html lang="es">');
    expect(visible(es.html)).toMatch(/Estas opciones son para j•••@example\.com \./);
    expect(es.html).toContain(`href="/u/${token}?lang=fr" lang="fr" hreflang="fr">Français</a>`);
    const fr = await get(`${neutral.url}/u/${token}?lang=fr`, { 'accept-language': 'es-ES' });
    expect(fr.html).toContain('<html lang="fr">');
    expect(visible(fr.html)).toContain('Me désabonner de tous les e-mails marketing');
    expect(maskEmail('Jane.Doe@Example.COM')).toBe('J•••@Example.COM');
  });
});

describe('Do-Not-Sell: keeping the newsletters is a choice only where the brand allows it', () => {
  const post = (edge: TestEdge, body: Record<string, string>) =>
    fetch(`${edge.url}/privacy/do-not-sell`, {
      method: 'POST',
      headers: { 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams(body),
    });

  it('R-DNS-8: the default form promises both and ignores a "keep" field; a brand that offers the choice records the person\'s pick', async () => {
    // Default brand (the seed brand is the same): the combined form, no checkbox.
    expect((await get(`${neutral.url}/privacy/do-not-sell`)).html).not.toContain('keep_newsletters');
    const a = await post(neutral, { email: uniqueEmail('dns-default'), keep_newsletters: '1' });
    expect(a.status).toBe(200);
    expect(visible(await a.text())).toContain('and will send no more marketing email to your address');
    const [fromDefault] = await events(neutral, neutral.topics.doNotSell, 1);
    expect(fromDefault!.event.data).toMatchObject({ method: 'web-form', combinedForm: true });

    // The brand's policy offers the choice: the checkbox, and what the person picked.
    const page = await get(`${branded.url}/privacy/do-not-sell`);
    expect(visible(page.html)).toContain('Keep sending me the newsletters I subscribed to');
    expect(visible(page.html)).toContain(
      'You can also ask by phone at (800) 551-9954 or by writing to help@harbor.example',
    );
    const kept = await post(branded, { email: uniqueEmail('dns-keep'), keep_newsletters: '1' });
    expect(visible(await kept.text())).not.toContain('marketing email');
    const both = await post(branded, { email: uniqueEmail('dns-both') });
    expect(visible(await both.text())).toContain('and will send no more marketing email to your address');
    const got = await events(branded, branded.topics.doNotSell, 2);
    expect(got.map((g) => (g.event.data as { combinedForm: boolean }).combinedForm)).toEqual([false, true]);
  });
});
