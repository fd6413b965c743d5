// The printable page of a proof report: brand, generation time, the person, the timeline (UTC and
// local time) and the current state, with the signed JSON document embedded so the page alone is
// enough to verify. Every value is HTML-escaped; the page loads nothing from elsewhere.
import type { SignedProof } from '@sp/contracts';
import type { ProofEntry, ProofReport } from './schemas';

const esc = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function evidenceList(e: Record<string, unknown> | null): string {
  if (!e) return '';
  const items = Object.entries(e)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</li>`);
  return items.length > 0 ? `<ul class="ev">${items.join('')}</ul>` : '';
}

function entryRow(e: ProofEntry): string {
  const changes = e.stateChanges
    .map(
      (c) =>
        `<li>${esc(`${c.channel}/${c.purpose}/${c.topic}`)}: ${esc(c.from)} → ${esc(c.to)} (${esc(c.reason)})${
          c.effective ? '' : ' — no effect, a newer event decided this scope'
        }</li>`,
    )
    .join('');
  const check = e.check
    ? `<div>Check asked: ${esc(e.check.asked.channel)} / ${esc(e.check.asked.kind)} → <b>${esc(e.check.answer)}</b></div>`
    : '';
  const message = e.message
    ? `<div>Template ${esc(e.message.templateId)} (category ${esc(e.message.category)}), status ${esc(e.message.status)}${
        e.message.providerMessageId ? `, provider id ${esc(e.message.providerMessageId)}` : ''
      }</div>`
    : '';
  const request = e.request
    ? `<div>Asked: ${esc(e.request.asked.join(', '))}; response ${esc(e.request.response)}${
        e.request.respondedAt ? ` at ${esc(e.request.respondedAt)}` : ''
      }</div>`
    : '';
  return `<tr>
<td class="t">${esc(e.at)}${e.atLocal ? `<br><span class="l">${esc(e.atLocal)}</span>` : ''}</td>
<td><b>${esc(e.title)}</b><div class="ref">${esc(e.reference)}</div>${e.actor ? `<div>By: ${esc(e.actor)}</div>` : ''}${
    e.reason ? `<div>Reason: ${esc(e.reason)}</div>` : ''
  }${check}${message}${request}${changes ? `<ul>${changes}</ul>` : ''}${evidenceList(e.evidence)}</td>
</tr>`;
}

/** The page with an empty signature slot (the signer fills it). */
export function renderProofHtml(signed: SignedProof & { report: ProofReport }): string {
  const r = signed.report;
  const embedded = JSON.stringify(signed).replace(/</g, '\\u003c');
  const state = r.currentState
    .map(
      (s) =>
        `<tr><td>${esc(`${s.channel}/${s.purpose}/${s.topic}`)}</td><td>${s.suppressed ? 'suppressed' : 'allowed'}</td><td>${esc(
          s.reason,
        )}</td><td>${esc(s.since ?? '')}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="proof-signature" data-proof-signature="">
<title>${esc(r.brand)} — suppression record of ${esc(r.subject.value)}</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:4px 6px;vertical-align:top;text-align:left}
.t{white-space:nowrap;font-family:monospace}.l{color:#555}.ref{font-family:monospace;color:#555;font-size:11px}
ul{margin:2px 0 2px 1.2em;padding:0}.ev{color:#333;font-size:12px}
@media print{body{margin:1cm}tr{page-break-inside:avoid}}
</style>
</head>
<body>
<h1>${esc(r.brand)}: suppression record</h1>
<p>Person: <b>${esc(r.subject.type)} ${esc(r.subject.value)}</b> (subject key ${esc(r.subject.keys[0] ?? '')})<br>
Generated: ${esc(r.generatedAt)} (UTC)${r.timeZones.length > 0 ? `; local times in ${esc(r.timeZones.join(', '))}` : '; local time zone unknown'}<br>
Signed: Ed25519, key ${esc(signed.signature.keyId)}. ${esc(r.checksRecorded)}</p>
<h2>Timeline</h2>
<table><thead><tr><th>When (UTC / local)</th><th>What</th></tr></thead><tbody>
${r.timeline.map(entryRow).join('\n')}
</tbody></table>
<h2>Current state</h2>
<table><thead><tr><th>Scope</th><th>State</th><th>Reason</th><th>Since</th></tr></thead><tbody>${state}</tbody></table>
<script type="application/json" id="signed-proof">${embedded}</script>
</body>
</html>
`;
}
