// Amazon SNS message signatures (R-AB-4), per AWS "Verifying the signatures of Amazon SNS
// messages": the canonical string lists fixed keys in byte order, "Key\nValue\n" each;
// SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over the certificate at SigningCertURL,
// which must be https on an SNS host.
import { createVerify, X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { z } from 'zod';
import type { CertificateFetcher } from './deps';

export const SnsMessage = z.looseObject({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string(),
  SigningCertURL: z.string(),
  Subject: z.string().optional(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});
export type SnsMessage = z.infer<typeof SnsMessage>;

export class SnsVerificationError extends Error {
  override name = 'SnsVerificationError';
  constructor(readonly reason: 'cert-url' | 'cert-fetch' | 'signature' | 'fields') {
    super(`SNS message refused: ${reason}`);
  }
}

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

export function canonicalString(m: SnsMessage): string {
  const keys = m.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  let out = '';
  for (const k of keys) {
    const v = m[k];
    if (v === undefined) {
      // Subject is optional in a Notification; the confirmation keys are all required.
      if (k === 'Subject') continue;
      throw new SnsVerificationError('fields');
    }
    out += `${k}\n${v}\n`;
  }
  return out;
}

function certUrlAllowed(raw: string, hostPattern: RegExp): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return null;
  if (!hostPattern.test(url.hostname)) return null;
  if (!url.pathname.endsWith('.pem')) return null;
  return url;
}

/** HTTPS GET of a PEM certificate (size-capped); `ca` lets tests trust their own CA. */
export function httpsCertificateFetcher(
  opts: { ca?: string | Buffer; timeoutMs?: number } = {},
): CertificateFetcher {
  return (url) =>
    new Promise<string>((resolve, reject) => {
      const req = request(
        url,
        { method: 'GET', timeout: opts.timeoutMs ?? 5000, ...(opts.ca ? { ca: opts.ca } : {}) },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`certificate fetch: HTTP ${res.statusCode}`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > 64 * 1024) req.destroy(new Error('certificate too large'));
            else chunks.push(c);
          });
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('certificate fetch timed out')));
      req.on('error', reject);
      req.end();
    });
}

export interface SnsVerifier {
  verify(m: SnsMessage): Promise<void>;
}

export function createSnsVerifier(opts: {
  fetchCertificate: CertificateFetcher;
  certHostPattern: RegExp;
}): SnsVerifier {
  const cache = new Map<string, X509Certificate>();
  async function certificate(url: URL): Promise<X509Certificate> {
    const hit = cache.get(url.href);
    if (hit) return hit;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(await opts.fetchCertificate(url));
    } catch {
      throw new SnsVerificationError('cert-fetch');
    }
    if (cache.size > 50) cache.clear();
    cache.set(url.href, cert);
    return cert;
  }
  return {
    async verify(m) {
      const url = certUrlAllowed(m.SigningCertURL, opts.certHostPattern);
      if (!url) throw new SnsVerificationError('cert-url');
      const cert = await certificate(url);
      const now = Date.now();
      if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now)
        throw new SnsVerificationError('signature');
      const verifier = createVerify(m.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
      verifier.update(canonicalString(m), 'utf8');
      if (!verifier.verify(cert.publicKey, m.Signature, 'base64'))
        throw new SnsVerificationError('signature');
    },
  };
}
