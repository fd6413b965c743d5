// A DNS of the test's own for mailauth (DKIM keys, DMARC and SPF records of made-up domains),
// never the real one, and DKIM signing with a key generated here.
import { generateKeyPairSync } from 'node:crypto';
import { type DNSResolver, dkimSign } from 'mailauth';

export interface TestDomain {
  domain: string;
  selector: string;
  privateKey: string;
}

export interface TestDns {
  resolver: DNSResolver;
  /** A domain with a DKIM key, an SPF record and a DMARC policy of `p=reject`. */
  addDomain(domain: string, opts?: { dmarc?: string; spf?: string }): TestDomain;
  /** Every name the resolver was asked for, e.g. to show nothing went to the real DNS. */
  asked: string[];
}

function noRecord(name: string, type: string): Error {
  return Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
}

export function testDns(): TestDns {
  const records = new Map<string, string[][]>();
  const hosts = new Set<string>();
  const asked: string[] = [];
  const resolver: DNSResolver = async (name, type) => {
    const n = name.toLowerCase().replace(/\.$/, '');
    asked.push(`${type} ${n}`);
    if (type === 'TXT') {
      const txt = records.get(n);
      if (txt) return txt;
    }
    if ((type === 'A' || type === 'AAAA') && hosts.has(n))
      return [type === 'A' ? '192.0.2.10' : '2001:db8::10'];
    throw noRecord(n, type);
  };
  return {
    resolver,
    asked,
    addDomain(domain, opts = {}) {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const selector = 'test2026';
      const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      hosts.add(domain);
      records.set(`${selector}._domainkey.${domain}`, [[`v=DKIM1; k=rsa; p=${p}`]]);
      records.set(`_dmarc.${domain}`, [[opts.dmarc ?? 'v=DMARC1; p=reject; adkim=r; aspf=r']]);
      records.set(domain, [[opts.spf ?? 'v=spf1 -all']]);
      return {
        domain,
        selector,
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      };
    },
  };
}

/** The mail with a DKIM-Signature of `by` on top (relaxed/relaxed, rsa-sha256). */
export async function dkimSigned(raw: string, by: TestDomain): Promise<string> {
  const crlf = raw.replace(/\r?\n/g, '\r\n');
  const key = { signingDomain: by.domain, selector: by.selector, privateKey: by.privateKey };
  // mailauth 4.x signs what signatureData lists; its bundled type also asks for the top-level fields.
  const signed = await dkimSign(crlf, { ...key, signatureData: [key] });
  if (!signed.signatures.trim() || signed.errors.length > 0)
    throw new Error(`DKIM signing failed: ${signed.errors.map((e) => String(e))}`);
  return signed.signatures + crlf;
}
