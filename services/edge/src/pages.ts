// The few HTML pages the public sees: small, accessible (labels, fieldsets, lang, one h1),
// no external assets. Every interpolated value goes through `esc`.

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
fieldset{border:1px solid #999;padding:1rem}label{display:block;margin:.5rem 0}
input[type=email],input[type=tel]{width:100%;padding:.4rem;font-size:1rem}
button{font-size:1rem;padding:.5rem 1.2rem;margin-top:1rem;cursor:pointer}
.notice{background:#eef6ee;border-left:4px solid #2a7a2a;padding:.5rem 1rem}
.error{background:#fbeaea;border-left:4px solid #a12;padding:.5rem 1rem}`;

function layout(title: string, body: string, nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export interface BrandInfo {
  brandName: string;
  supportEmail: string;
}

/** R-OC-3: the page a GET shows; it never opts out by itself, its button POSTs. */
export function unsubscribeChoicePage(
  brand: BrandInfo,
  action: string,
  topic: string | undefined,
  nonce: string,
) {
  const topicChoice = topic
    ? `<label><input type="radio" name="scope" value="topic" checked> Only the <strong>${esc(topic)}</strong> emails</label>`
    : '';
  const body = `<h1>Unsubscribe</h1>
<form method="post" action="${esc(action)}">
<fieldset><legend>Which emails from ${esc(brand.brandName)} do you no longer want?</legend>
${topicChoice}
<label><input type="radio" name="scope" value="all"${topic ? '' : ' checked'}> All marketing email</label>
</fieldset>
<button type="submit">Unsubscribe</button>
</form>
<p>Emails about your orders and your account will still reach you.</p>`;
  return layout('Unsubscribe', body, nonce);
}

export function unsubscribeDonePage(brand: BrandInfo, topic: string | undefined, nonce: string) {
  const what = topic ? `the <strong>${esc(topic)}</strong> emails` : 'all marketing email';
  const body = `<h1>You are unsubscribed</h1>
<p role="status" class="notice">You will no longer receive ${what} from ${esc(brand.brandName)}.</p>
<p>Changed your mind, or still getting mail? Write to <a href="mailto:${esc(brand.supportEmail)}">${esc(brand.supportEmail)}</a>.</p>`;
  return layout('Unsubscribed', body, nonce);
}

/** R-OC-4: a bad, tampered or expired link gets a clear page with the other ways to opt out. */
export function invalidLinkPage(brand: BrandInfo, nonce: string) {
  const body = `<h1>This unsubscribe link is not valid</h1>
<p class="error" role="alert">We could not read this link. It may have been cut or changed when it was copied.</p>
<p>You can still unsubscribe:</p>
<ul>
<li>use the unsubscribe button of your mail program, or the link in a more recent email from us;</li>
<li>or write to <a href="mailto:${esc(brand.supportEmail)}?subject=Unsubscribe">${esc(brand.supportEmail)}</a> with the word "unsubscribe" and we will remove your address.</li>
</ul>`;
  return layout('Link not valid', body, nonce);
}

export function oneClickDonePage(brand: BrandInfo, nonce: string) {
  return layout(
    'Unsubscribed',
    `<h1>You are unsubscribed</h1><p role="status">${esc(brand.brandName)} will not send you this marketing email any more.</p>`,
    nonce,
  );
}

/** Where the Do-Not-Sell page's script posts navigator.globalPrivacyControl (the header's twin). */
export const GPC_PATH = '/privacy/gpc';

export interface DnsFormState {
  gpcHonored: boolean;
  error?: string;
  email?: string;
  phone?: string;
}

/**
 * R-DNS-8: the reference form promises both, stop selling/sharing AND stop marketing email.
 * R-DNS-2: a Sec-GPC request was already honored when this page renders. When the browser only
 * reports navigator.globalPrivacyControl, the script posts it and shows the notice only once the
 * edge answered 2xx (the event is then in the ledger); a refusal shows a neutral line instead.
 */
export function doNotSellPage(brand: BrandInfo, action: string, state: DnsFormState, nonce: string) {
  const gpcNotice = `<p id="gpc-notice" class="notice" role="status"${state.gpcHonored ? '' : ' hidden'}>Your browser's Global Privacy Control signal was honored: we have stopped selling or sharing the information linked to this browser. You do not need to do anything else for this browser.</p>`;
  const gpcFailed = `<p id="gpc-failed" role="status" hidden>Your browser sends a Global Privacy Control signal, but we could not record it just now. Reload this page to try again, or use the form below.</p>`;
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
  const body = `<h1>Do Not Sell or Share My Personal Information</h1>
${gpcNotice}
${gpcFailed}
<p>When you send this form, ${esc(brand.brandName)} will:</p>
<ul>
<li>stop selling or sharing your personal information, and</li>
<li>stop sending you all marketing email.</li>
</ul>
<p>We do not ask you to prove who you are. Give the email address and/or phone number you use with us, so we can find your records.</p>
${error}
<form method="post" action="${esc(action)}">
<input type="hidden" name="gpc" id="gpc-field" value="${state.gpcHonored ? '1' : '0'}">
<label for="email">Email address</label>
<input type="email" id="email" name="email" autocomplete="email" value="${esc(state.email ?? '')}">
<label for="phone">Phone number</label>
<input type="tel" id="phone" name="phone" autocomplete="tel" value="${esc(state.phone ?? '')}">
<button type="submit">Do not sell or share my information</button>
</form>
<p>You can also ask by phone or by writing to <a href="mailto:${esc(brand.supportEmail)}">${esc(brand.supportEmail)}</a>, yourself or through an authorized agent.</p>
${gpcScript}`;
  return layout('Do Not Sell or Share', body, nonce);
}

export function doNotSellDonePage(
  brand: BrandInfo,
  r: { requestId: string; email: boolean; phone: boolean; gpc: boolean },
  nonce: string,
) {
  const gpc = r.gpc
    ? `<p class="notice">Your browser's Global Privacy Control signal was honored as well.</p>`
    : '';
  const ids = [r.email ? 'your email address' : '', r.phone ? 'your phone number' : '', 'this browser']
    .filter(Boolean)
    .join(', ');
  const body = `<h1>Your request is recorded</h1>
<p role="status" class="notice">${esc(brand.brandName)} has stopped selling or sharing the personal information linked to ${esc(ids)}${r.email ? ', and will send no more marketing email to your address' : ''}.</p>
${gpc}
<p>Your request number is <code>${esc(r.requestId)}</code>.</p>`;
  return layout('Request recorded', body, nonce);
}

/** The opt-out box (issue 19): the page, its snippet for the brand's site, and their POST target. */
export const OPT_OUT_PATH = '/privacy/opt-out';

/**
 * The form the brand places at the bottom of any page (CAN-SPAM 316.5: nothing but the address,
 * no login, no fee). Plain HTML without script or style of its own: it posts cross-origin to the
 * edge, which answers with its result page, so it works without JavaScript on any site.
 */
export function optOutSnippet(brand: BrandInfo, action: string): string {
  return `<form method="post" action="${esc(action)}" class="sp-optout">
  <label for="sp-optout-email">Opt out of all marketing email from ${esc(brand.brandName)}: your email address</label>
  <input type="email" id="sp-optout-email" name="email" autocomplete="email" required>
  <button type="submit">Opt out</button>
  <p>Emails about your orders and your account will still reach you.</p>
</form>`;
}

export interface OptOutFormState {
  error?: string;
  email?: string;
}

export function optOutPage(brand: BrandInfo, action: string, state: OptOutFormState, nonce: string) {
  const error = state.error ? `<p class="error" role="alert">${esc(state.error)}</p>` : '';
  const body = `<h1>Opt out of marketing email</h1>
<p>Enter your email address and ${esc(brand.brandName)} will stop sending it all marketing email: newsletters, offers and promotions. Nothing else is asked.</p>
${error}
<form method="post" action="${esc(action)}">
<label for="email">Email address</label>
<input type="email" id="email" name="email" autocomplete="email" required value="${esc(state.email ?? '')}">
<button type="submit">Opt out</button>
</form>
<p>Emails about your orders and your account will still reach you. You can also write to <a href="mailto:${esc(brand.supportEmail)}">${esc(brand.supportEmail)}</a> or call our customer service.</p>`;
  return layout('Opt out of marketing email', body, nonce);
}

export function optOutDonePage(
  brand: BrandInfo,
  r: { email: string; confirmationEmail: boolean },
  nonce: string,
) {
  const confirmation = r.confirmationEmail
    ? `<p>We will send one email to this address to confirm it (at most one every 30 days); it carries no marketing.</p>`
    : '';
  const body = `<h1>You are opted out</h1>
<p role="status" class="notice">${esc(brand.brandName)} will send no more marketing email to <strong>${esc(r.email)}</strong>.</p>
<p>Emails about your orders and your account (order confirmations, shipping updates, password resets) will still arrive.</p>
${confirmation}
<p>Changed your mind, or still getting marketing email? Write to <a href="mailto:${esc(brand.supportEmail)}">${esc(brand.supportEmail)}</a>.</p>`;
  return layout('Opted out', body, nonce);
}
