// The HTML pages the public sees: small, accessible (labels, fieldsets, `lang`, one h1, a visible
// language switch), no external assets but the brand's logo, plain forms that work without
// JavaScript. Every interpolated value goes through `esc`; every text comes from i18n.ts.
import type { Brand } from '@sp/config';
import { blockReasonOf, LANG_NAMES, LANGS, type Lang, MESSAGES, type Messages } from './i18n';

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** What every page is rendered with. */
export interface PageEnv {
  brand: Brand;
  lang: Lang;
  nonce: string;
  /** The path (and query, without `lang`) the language switch links to; absent: no switch (a POST answer). */
  path?: string;
}

const DEFAULT_PRIMARY = '#1f4e79';

/** Black or white, whichever reads best on `hex` (WCAG relative luminance). */
function textOn(hex: string): '#000000' | '#ffffff' {
  const full = hex.length === 4 ? `#${hex[1]}${hex[1]}${hex[2]}${hex[2]}${hex[3]}${hex[3]}` : hex;
  const channel = (i: number) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast with white: 1.05/(l+0.05); with black: (l+0.05)/0.05.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

function style(brand: Brand): string {
  const primary = brand.primaryColor ?? DEFAULT_PRIMARY;
  const on = textOn(primary);
  return `body{font-family:system-ui,sans-serif;margin:0;line-height:1.5;color:#1a1a1a;background:#fff}
.brand{background:${primary};color:${on};padding:.75rem 1rem}
.brand div{max-width:40rem;margin:0 auto;display:flex;align-items:center;gap:.75rem;font-size:1.25rem;font-weight:600}
.brand img{height:2.5rem;width:auto}
nav.lang{max-width:40rem;margin:.5rem auto 0;padding:0 1rem;text-align:right;font-size:.95rem}
nav.lang ul{list-style:none;margin:0;padding:0;display:inline}nav.lang li{display:inline;margin-left:.75rem}
main{max-width:40rem;margin:0 auto;padding:0 1rem 1rem}
footer{max-width:40rem;margin:2rem auto;padding:1rem;border-top:1px solid #ccc;font-size:.9rem;color:#333}
a{color:#0645ad}a:focus,button:focus,input:focus{outline:3px solid #b35900;outline-offset:2px}
fieldset{border:1px solid #767676;padding:1rem;margin:1rem 0}legend{font-weight:600;padding:0 .25rem}
label{display:block;margin:.5rem 0}
input[type=email],input[type=tel]{width:100%;box-sizing:border-box;padding:.4rem;font-size:1rem}
.choice{display:grid;grid-template-columns:auto 1fr;column-gap:.75rem;align-items:start;padding:.5rem 0;border-bottom:1px solid #ddd}
.choice:last-child{border-bottom:0}.choice input{width:1.4rem;height:1.4rem;margin:.2rem 0 0}
.choice label{margin:0;font-weight:600}.choice p{grid-column:2;margin:.1rem 0}
.hint{color:#444;font-size:.95rem}.locked{color:#333}.locked strong{display:block}
button{font-size:1rem;padding:.6rem 1.2rem;margin-top:1rem;cursor:pointer;background:${primary};color:${on};border:2px solid ${primary};border-radius:4px}
.notice{background:#eef6ee;border-left:4px solid #2a7a2a;padding:.5rem 1rem}
.error{background:#fbeaea;border-left:4px solid #a12;padding:.5rem 1rem}
.masked{font-weight:600;overflow-wrap:anywhere}a[href^="tel:"]{white-space:nowrap}`;
}

function withLang(path: string, lang: Lang): string {
  return `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

function contact(brand: Brand, m: Messages): string {
  if (!brand.supportEmail && !brand.supportPhone) return esc(m.contactNone);
  const parts: string[] = [];
  if (brand.supportEmail) {
    parts.push(
      esc(m.contactEmail('\u0000')).replace(
        '\u0000',
        `<a href="mailto:${esc(brand.supportEmail)}">${esc(brand.supportEmail)}</a>`,
      ),
    );
  }
  if (brand.supportPhone) {
    const tel = brand.supportPhone.replace(/[^0-9+]/g, '');
    const link = `<a href="tel:${esc(tel)}">${esc(brand.supportPhone)}</a>`;
    parts.push(
      brand.supportEmail
        ? esc(m.contactPhone('\u0000')).replace('\u0000', link)
        : esc(m.contactEmail('\u0000')).replace('\u0000', link),
    );
  }
  return `${parts.join(' ')}.`;
}

function layout(env: PageEnv, title: string, body: string): string {
  const { brand, lang, nonce } = env;
  const m = MESSAGES[lang];
  const header =
    brand.name || brand.logoUrl
      ? `<header class="brand"><div>${brand.logoUrl ? `<img src="${esc(brand.logoUrl)}" alt="${brand.name ? '' : 'Logo'}">` : ''}${brand.name ? `<span>${esc(brand.name)}</span>` : ''}</div></header>`
      : '';
  const switcher = env.path
    ? `<nav class="lang" aria-label="${esc(m.language)}"><ul>${LANGS.map((l) =>
        l === lang
          ? `<li><a href="${esc(withLang(env.path!, l))}" lang="${l}" hreflang="${l}" aria-current="true"><strong>${esc(LANG_NAMES[l])}</strong></a></li>`
          : `<li><a href="${esc(withLang(env.path!, l))}" lang="${l}" hreflang="${l}">${esc(LANG_NAMES[l])}</a></li>`,
      ).join('')}</ul></nav>`
    : '';
  const footer = `<footer><p>${contact(brand, m)}</p>${brand.privacyPolicyUrl ? `<p><a href="${esc(brand.privacyPolicyUrl)}">${esc(m.privacyPolicy)}</a></p>` : ''}${brand.postalAddress ? `<p>${esc(brand.postalAddress)}</p>` : ''}</footer>`;
  const fullTitle = brand.name ? `${title} – ${brand.name}` : title;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(fullTitle)}</title><style nonce="${nonce}">${style(brand)}</style></head>
<body>${header}${switcher}<main>${body}</main>${footer}</body></html>`;
}

// --- the preference page (issue 13) ------------------------------------------------------

/** "jane@example.com" -> "j•••@example.com": enough to recognise it, not to learn it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

export interface PageTopic {
  id: string;
  name: string;
  description: string;
  /** The person may receive it now. */
  subscribed: boolean;
  /** Why it is stopped when the page cannot restart it (complaint, hard-bounce, ...); else undefined. */
  lockedBy?: string;
}

export interface PreferenceView {
  maskedEmail: string;
  topics: PageTopic[];
  /** Unsubscribed from all marketing email (topic *). */
  allOff: boolean;
  /** The reason when "all" is stopped by something the page cannot lift. */
  allLockedBy?: string;
  error?: string;
}

export function preferencePage(env: PageEnv, action: string, v: PreferenceView): string {
  const m = MESSAGES[env.lang];
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${esc(value)}">`;
  const topics = v.topics
    .map((t, i) => {
      const id = `t${i}`;
      const desc = t.description ? `<p id="${id}-d" class="hint">${esc(t.description)}</p>` : '';
      if (t.lockedBy) {
        return `<div class="choice locked"><span aria-hidden="true"></span><p><strong>${esc(t.name)}</strong></p>${desc}<p>${esc(m.prefsBlocked[blockReasonOf(t.lockedBy)])} ${esc(m.prefsBlockedTail)}</p></div>`;
      }
      const described = [t.description ? `${id}-d` : '', `${id}-s`].filter(Boolean).join(' ');
      return `<div class="choice">${hidden('shown', t.id)}${t.subscribed ? hidden('was', t.id) : ''}<input type="checkbox" id="${id}" name="topic" value="${esc(t.id)}"${t.subscribed ? ' checked' : ''} aria-describedby="${described}"><label for="${id}">${esc(t.name)}</label>${desc}<p id="${id}-s" class="hint">${esc(t.subscribed ? m.prefsTopicOn : m.prefsTopicOff)}</p></div>`;
    })
    .join('\n');
  const all = v.allLockedBy
    ? `<p class="locked">${esc(m.prefsAllBlocked)} ${esc(m.prefsBlocked[blockReasonOf(v.allLockedBy)])} ${esc(m.prefsBlockedTail)}</p>`
    : `${hidden('was_all', v.allOff ? '1' : '0')}<div class="choice"><input type="checkbox" id="all" name="all" value="1"${v.allOff ? ' checked' : ''} aria-describedby="all-h"><label for="all">${esc(m.prefsAllLabel)}</label><p id="all-h" class="hint">${esc(v.allOff ? m.prefsAllIsOn : m.prefsAllHint)}</p></div>`;
  const error = v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : '';
  // Nothing the person may change (everything held by a complaint, a bounce...): no button.
  const changeable = !v.allLockedBy || v.topics.some((t) => !t.lockedBy);
  const body = `<h1>${esc(m.prefsHeading)}</h1>
<p>${esc(m.prefsFor)} <span class="masked">${esc(v.maskedEmail)}</span>.</p>
<p>${esc(m.prefsIntro)}</p>
${error}
<form method="post" action="${esc(action)}">
${hidden('lang', env.lang)}${hidden('action', 'save')}
<fieldset><legend>${esc(m.prefsTopicsLegend)}</legend>
${topics || `<p>${esc(m.prefsNoTopics)}</p>`}
</fieldset>
<fieldset><legend>${esc(m.prefsAllLegend)}</legend>
${all}
</fieldset>
${changeable ? `<button type="submit">${esc(m.prefsSave)}</button>` : ''}
</form>
<p>${esc(m.transactionalStill)}</p>
<p class="hint">${esc(m.prefsResubscribeNote)}</p>`;
  return layout(env, m.prefsTitle, body);
}

/** What a save changed, for the confirmation and its undo form. */
export interface SavedChanges {
  stopped: string[];
  resumed: string[];
  allStopped: boolean;
  allResumed: boolean;
  /** The form that puts everything back as it was (a save with the old state as the wish). */
  undo?: { shown: string[]; was: string[]; topic: string[]; wasAll?: boolean; all?: boolean };
  undone?: boolean;
}

export function preferencesSavedPage(env: PageEnv, action: string, back: string, c: SavedChanges): string {
  const m = MESSAGES[env.lang];
  const list = (label: string, names: string[]) =>
    names.length === 0
      ? ''
      : `<p>${esc(label)}</p><ul>${names.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
  const nothing = c.stopped.length + c.resumed.length === 0 && !c.allStopped && !c.allResumed;
  const summary = nothing
    ? `<p>${esc(m.savedNothing)}</p>`
    : `${c.allStopped ? `<p><strong>${esc(m.savedAllStopped)}</strong></p>` : ''}${c.allResumed ? `<p><strong>${esc(m.savedAllResumed)}</strong></p>` : ''}${list(m.savedStopped, c.stopped)}${list(m.savedResumed, c.resumed)}`;
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${esc(value)}">`;
  const undo =
    c.undo && !nothing
      ? `<form method="post" action="${esc(action)}">${hidden('lang', env.lang)}${hidden('action', 'undo')}${c.undo.shown.map((s) => hidden('shown', s)).join('')}${c.undo.was.map((s) => hidden('was', s)).join('')}${c.undo.topic.map((s) => hidden('topic', s)).join('')}${c.undo.wasAll !== undefined ? hidden('was_all', c.undo.wasAll ? '1' : '0') : ''}${c.undo.all ? hidden('all', '1') : ''}<button type="submit">${esc(m.savedUndo)}</button></form>`
      : '';
  const body = `<h1>${esc(c.undone ? m.undoneHeading : m.savedHeading)}</h1>
<div role="status" class="notice">${summary}</div>
${undo}
<p><a href="${esc(back)}">${esc(m.savedBack)}</a></p>
<p>${esc(m.transactionalStill)}</p>`;
  return layout(env, m.savedTitle, body);
}

/** R-OC-2: what a one-click POST answers (a person who opens it in a browser reads it). */
export function oneClickDonePage(env: PageEnv) {
  const m = MESSAGES[env.lang];
  return layout(
    env,
    m.oneClickTitle,
    `<h1>${esc(m.oneClickTitle)}</h1><p role="status">${esc(m.oneClickDone)}</p>`,
  );
}

/** R-OC-4: a bad, tampered or expired link gets a clear page with the other ways to opt out. */
export function invalidLinkPage(env: PageEnv) {
  const m = MESSAGES[env.lang];
  const { brand } = env;
  const write = brand.supportEmail
    ? `<li>${esc(m.invalidWrite('\u0000')).replace('\u0000', `<a href="mailto:${esc(brand.supportEmail)}?subject=Unsubscribe">${esc(brand.supportEmail)}</a>`)}</li>`
    : '';
  const call = brand.supportPhone ? `<li>${esc(m.invalidCall(brand.supportPhone))}</li>` : '';
  const body = `<h1>${esc(m.invalidHeading)}</h1>
<p class="error" role="alert">${esc(m.invalidWhy)}</p>
<p>${esc(m.invalidStill)}</p>
<ul>
<li>${esc(m.invalidButton)}</li>
${write}${call}
</ul>
<p><a href="${esc(OPT_OUT_PATH)}?lang=${env.lang}">${esc(m.optOutTitle)}</a></p>`;
  return layout(env, m.invalidTitle, body);
}

// --- Do-Not-Sell ----------------------------------------------------------------------------

/** Where the Do-Not-Sell page's script posts navigator.globalPrivacyControl (the header's twin). */
export const GPC_PATH = '/privacy/gpc';

export interface DnsFormState {
  gpcHonored: boolean;
  error?: string;
  email?: string;
  phone?: string;
  keepNewsletters?: boolean;
}

/**
 * R-DNS-8: the reference form promises both, stop selling/sharing AND stop marketing email; only a
 * brand whose policy allows it (doNotSellKeepsNewslettersChoice) offers to keep the newsletters.
 * R-DNS-2: a Sec-GPC request was already honored when this page renders. When the browser only
 * reports navigator.globalPrivacyControl, the script posts it and shows the notice only once the
 * edge answered 2xx (the event is then in the ledger); a refusal shows a neutral line instead.
 */
export function doNotSellPage(env: PageEnv, action: string, state: DnsFormState) {
  const m = MESSAGES[env.lang];
  const { brand, nonce } = env;
  const gpcNotice = `<p id="gpc-notice" class="notice" role="status"${state.gpcHonored ? '' : ' hidden'}>${esc(m.dnsGpcHonored)}</p>`;
  const gpcFailed = `<p id="gpc-failed" role="status" hidden>${esc(m.dnsGpcFailed)}</p>`;
  const error = state.error ? `<p class="error" role="alert">${esc(state.error)}</p>` : '';
  const gpcScript = !state.gpcHonored
    ? `<script nonce="${nonce}">(function () {
if (navigator.globalPrivacyControl !== true) return;
var failed = function () { document.getElementById('gpc-failed').hidden = false; };
fetch(${JSON.stringify(GPC_PATH)}, { method: 'POST', credentials: 'same-origin' }).then(function (r) {
  if (!r.ok) return failed();
  document.getElementById('gpc-notice').hidden = false;
  document.getElementById('gpc-field').value = '1';
}, failed);
})();</script>`
    : '';
  const choice = brand.doNotSellKeepsNewslettersChoice
    ? `<div class="choice"><input type="checkbox" id="keep" name="keep_newsletters" value="1"${state.keepNewsletters ? ' checked' : ''}><label for="keep">${esc(m.dnsKeepNewsletters)}</label></div>`
    : '';
  const ways = [
    brand.supportPhone
      ? esc(m.dnsByPhone('\u0000')).replace(
          '\u0000',
          `<a href="tel:${esc(brand.supportPhone.replace(/[^0-9+]/g, ''))}">${esc(brand.supportPhone)}</a>`,
        )
      : '',
    brand.supportEmail
      ? esc(m.dnsByEmail('\u0000')).replace(
          '\u0000',
          `<a href="mailto:${esc(brand.supportEmail)}">${esc(brand.supportEmail)}</a>`,
        )
      : '',
  ].filter(Boolean);
  const other = esc(m.dnsAskOther('\u0000')).replace(
    '\u0000',
    ways.length > 0
      ? ways.join(env.lang === 'en' ? ' or ' : env.lang === 'es' ? ' o ' : ' ou ')
      : esc(m.dnsAgent),
  );
  const body = `<h1>${esc(m.dnsHeading)}</h1>
${gpcNotice}
${gpcFailed}
<p>${esc(m.dnsWhenSent)}</p>
<ul>
<li>${esc(m.dnsStopSelling)}</li>
<li>${esc(m.dnsStopMarketing)}</li>
</ul>
<p>${esc(m.dnsNoProof)}</p>
${error}
<form method="post" action="${esc(action)}">
<input type="hidden" name="gpc" id="gpc-field" value="${state.gpcHonored ? '1' : '0'}">
<input type="hidden" name="lang" value="${env.lang}">
<label for="email">${esc(m.dnsEmail)}</label>
<input type="email" id="email" name="email" autocomplete="email" value="${esc(state.email ?? '')}">
<label for="phone">${esc(m.dnsPhone)}</label>
<input type="tel" id="phone" name="phone" autocomplete="tel" value="${esc(state.phone ?? '')}">
${choice}
<button type="submit">${esc(m.dnsSubmit)}</button>
</form>
<p>${other}</p>
${gpcScript}`;
  return layout(env, m.dnsTitle, body);
}

export function doNotSellDonePage(
  env: PageEnv,
  r: { requestId: string; email: boolean; phone: boolean; gpc: boolean; marketing: boolean },
) {
  const m = MESSAGES[env.lang];
  const gpc = r.gpc ? `<p class="notice">${esc(m.dnsDoneGpc)}</p>` : '';
  const ids = [r.email ? m.dnsIds.email : '', r.phone ? m.dnsIds.phone : '', m.dnsIds.browser]
    .filter(Boolean)
    .join(', ');
  const body = `<h1>${esc(m.dnsDoneHeading)}</h1>
<p role="status" class="notice">${esc(m.dnsDone(ids, r.email && r.marketing))}</p>
${gpc}
<p>${esc(m.dnsRequestNumber)} <code>${esc(r.requestId)}</code>.</p>`;
  return layout(env, m.dnsDoneTitle, body);
}

// --- the opt-out box (issue 19) ---------------------------------------------------------------

export const OPT_OUT_PATH = '/privacy/opt-out';

/**
 * The form the brand places at the bottom of any page (CAN-SPAM 316.5: nothing but the address,
 * no login, no fee). Plain HTML without script or style of its own: it posts cross-origin to the
 * edge, which answers with its result page, so it works without JavaScript on any site.
 */
export function optOutSnippet(brand: Brand, action: string): string {
  const label = brand.name
    ? `Opt out of all marketing email from ${esc(brand.name)}: your email address`
    : 'Opt out of all marketing email: your email address';
  return `<form method="post" action="${esc(action)}" class="sp-optout">
  <label for="sp-optout-email">${label}</label>
  <input type="email" id="sp-optout-email" name="email" autocomplete="email" required>
  <button type="submit">Opt out</button>
  <p>Emails about your orders and your account will still reach you.</p>
</form>`;
}

export interface OptOutFormState {
  error?: string;
  email?: string;
}

export function optOutPage(env: PageEnv, action: string, state: OptOutFormState) {
  const m = MESSAGES[env.lang];
  const error = state.error ? `<p class="error" role="alert">${esc(state.error)}</p>` : '';
  const body = `<h1>${esc(m.optOutTitle)}</h1>
<p>${esc(m.optOutIntro)}</p>
${error}
<form method="post" action="${esc(action)}">
<input type="hidden" name="lang" value="${env.lang}">
<label for="email">${esc(m.optOutLabel)}</label>
<input type="email" id="email" name="email" autocomplete="email" required value="${esc(state.email ?? '')}">
<button type="submit">${esc(m.optOutButton)}</button>
</form>
<p>${esc(m.transactionalStill)}</p>`;
  return layout(env, m.optOutTitle, body);
}

export function optOutDonePage(env: PageEnv, r: { email: string; confirmationEmail: boolean }) {
  const m = MESSAGES[env.lang];
  const confirmation = r.confirmationEmail ? `<p>${esc(m.optOutConfirmation)}</p>` : '';
  const body = `<h1>${esc(m.optOutDoneHeading)}</h1>
<p role="status" class="notice">${esc(m.optOutDone('\u0000')).replace('\u0000', `<strong>${esc(r.email)}</strong>`)}</p>
<p>${esc(m.optOutDoneKinds)}</p>
${confirmation}`;
  return layout(env, m.optOutDoneTitle, body);
}
