// SNS as a test sees it: a certificate made for the test and served over HTTPS on loopback (the
// SigningCertURL), messages signed with it the way SNS signs them (SignatureVersion 1 or 2).
import { execFileSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Sns = Record<string, string>;

export interface SnsSigner {
  certPem: string;
  certUrl: string;
  sign(m: Sns, version?: '1' | '2'): Sns;
  notification(message: object, topicArn: string, extra?: Sns): Sns;
  close(): void;
}

export function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port)),
  );
}

export async function startSnsSigner(): Promise<SnsSigner> {
  const dir = mkdtempSync(join(tmpdir(), 'sp-sns-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
  const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  // One self-signed certificate plays both parts: the HTTPS server's and SNS's signing cert.
  const certServer = createHttpsServer({ key: keyPem, cert: certPem }, (req, res) => {
    if (req.url === '/SimpleNotificationService-test.pem') res.writeHead(200).end(certPem);
    else res.writeHead(404).end();
  });
  const certUrl = `https://localhost:${await listen(certServer, 'localhost')}/SimpleNotificationService-test.pem`;

  function sign(m: Sns, version: '1' | '2' = '2'): Sns {
    const keys =
      m.Type === 'Notification'
        ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
        : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
    const canonical = keys
      .filter((k) => m[k] !== undefined)
      .map((k) => `${k}\n${m[k]}\n`)
      .join('');
    const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
      .update(canonical)
      .sign(keyPem, 'base64');
    return {
      ...m,
      SignatureVersion: version,
      Signature: signature,
      SigningCertURL: m.SigningCertURL ?? certUrl,
    };
  }

  function notification(message: object, topicArn: string, extra: Sns = {}): Sns {
    return {
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: topicArn,
      Message: JSON.stringify(message),
      Timestamp: new Date().toISOString(),
      SigningCertURL: certUrl,
      ...extra,
    };
  }

  return {
    certPem,
    certUrl,
    sign,
    notification,
    close: () => {
      certServer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
