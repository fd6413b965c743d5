// Signed proof reports (issue 15): an Ed25519 signature over the canonical JSON of the report, and
// over the printable HTML page, so either can be shown later to be unaltered. The API signs, the
// `suppress verify` command checks; both use these functions (node:crypto only).
//
// Canonical JSON: objects with their keys sorted by UTF-16 code units, no whitespace, strings and
// numbers as JSON.stringify writes them (for the strings, integers and booleans a report holds this
// is RFC 8785's form); `undefined` members are left out, as JSON.stringify does.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';

export const PROOF_ALGORITHM = 'Ed25519';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const ProofSignature = z.object({
  alg: z.literal(PROOF_ALGORITHM),
  keyId: z.string(),
  /** base64 of the 64-byte signature over canonicalJson(report), UTF-8. */
  value: z.string(),
});
export type ProofSignature = z.infer<typeof ProofSignature>;

/** A signed document: what the API answers and what `suppress verify` reads. */
export const SignedProof = z.object({
  report: z.record(z.string(), z.unknown()),
  signature: ProofSignature,
});
export type SignedProof = z.infer<typeof SignedProof>;

// PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface ProofSigner {
  keyId: string;
  /** SPKI PEM of the public key (served by the API, given to `suppress verify --public-key`). */
  publicKeyPem: string;
  signJson(report: Record<string, unknown>): SignedProof;
  /** Signs an HTML page holding one empty `data-proof-signature=""` attribute, and fills it. */
  signHtml(html: string): string;
}

export function createProofSigner(opts: { keyId: string; seed: Buffer }): ProofSigner {
  if (opts.seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const key = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, opts.seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKeyPem = createPublicKey(key).export({ format: 'pem', type: 'spki' }).toString();
  return {
    keyId: opts.keyId,
    publicKeyPem,
    signJson: (report) => ({
      report,
      signature: {
        alg: PROOF_ALGORITHM,
        keyId: opts.keyId,
        value: sign(null, Buffer.from(canonicalJson(report), 'utf8'), key).toString('base64'),
      },
    }),
    signHtml: (html) => {
      if (!html.includes(HTML_SIGNATURE_EMPTY)) throw new Error('the page has no signature slot');
      const value = sign(null, Buffer.from(html, 'utf8'), key).toString('base64');
      return html.replace(HTML_SIGNATURE_EMPTY, `${HTML_SIGNATURE_ATTR}="${opts.keyId}:${value}"`);
    },
  };
}

export const HTML_SIGNATURE_ATTR = 'data-proof-signature';
const HTML_SIGNATURE_EMPTY = `${HTML_SIGNATURE_ATTR}=""`;
const HTML_SIGNATURE = new RegExp(`${HTML_SIGNATURE_ATTR}="([^":]+):([A-Za-z0-9+/=]+)"`);

export type VerifyResult = { ok: true; keyId: string } | { ok: false; reason: string };

function publicKeyOf(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** Checks a signed JSON document (the bytes as stored) against the public key. */
export function verifySignedJson(text: string, publicKeyPem: string): VerifyResult {
  let doc: SignedProof;
  try {
    const parsed = SignedProof.safeParse(JSON.parse(text));
    if (!parsed.success) return { ok: false, reason: 'not a signed proof document' };
    doc = parsed.data;
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const good = verify(
    null,
    Buffer.from(canonicalJson(doc.report), 'utf8'),
    publicKeyOf(publicKeyPem),
    Buffer.from(doc.signature.value, 'base64'),
  );
  return good
    ? { ok: true, keyId: doc.signature.keyId }
    : { ok: false, reason: 'the signature does not match the report' };
}

/** Checks a signed HTML page (every byte but the signature's own value is signed). */
export function verifySignedHtml(html: string, publicKeyPem: string): VerifyResult {
  const m = HTML_SIGNATURE.exec(html);
  if (!m) return { ok: false, reason: 'the page carries no signature' };
  const unsigned = html.replace(m[0], HTML_SIGNATURE_EMPTY);
  const good = verify(
    null,
    Buffer.from(unsigned, 'utf8'),
    publicKeyOf(publicKeyPem),
    Buffer.from(m[2]!, 'base64'),
  );
  return good ? { ok: true, keyId: m[1]! } : { ok: false, reason: 'the signature does not match the page' };
}
