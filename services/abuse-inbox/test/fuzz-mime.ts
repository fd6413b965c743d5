// Random mails for the abuse-inbox fuzz test: random headers (folded, with NUL and any code
// point), random boundaries (odd characters, unclosed, mismatched), nested multiparts, broken
// base64 and quoted-printable, huge lines, random bytes, random ARF fields and SES notifications
// (in every wrapping SNS mail uses), and our own sealed evidence so that some of them attribute.
import fc from 'fast-check';

interface Claims {
  email: string;
  topic?: string;
  campaignId?: string;
}

type Body =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'arf'; fields: [string, string][] }
  | {
      kind: 'ses';
      key: 'notificationType' | 'eventType';
      type: string;
      bounceType: string;
      emails: string[];
      envelope: boolean;
      footer: boolean;
      wrap: 'none' | 'sendmail' | 'fold';
      timestamp: string;
    }
  | { kind: 'base64'; text: string }
  | { kind: 'qp'; text: string }
  | { kind: 'huge'; char: string; length: number }
  | {
      kind: 'ours';
      claims: Claims;
      where: 'token-header' | 'cfbl' | 'link' | 'mailto';
      headers: [string, string][];
    };

type Node =
  | { kind: 'leaf'; type: string; cte: string | null; headers: [string, string][]; body: Body }
  | {
      kind: 'multi';
      subtype: string;
      reportType: string | null;
      boundary: string;
      close: boolean;
      preamble: string;
      headers: [string, string][];
      parts: Node[];
    };

export interface FuzzMail {
  headers: [string, string][];
  root: Node;
  eol: '\r\n' | '\n';
}

/** Any text: every code point, NUL and the other C0 controls included. */
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });

export const emailish: fc.Arbitrary<string> = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom(
    'redacted',
    'redacted@example.com',
    'hashed@example.com',
    'Undisclosed Recipients',
    'undisclosed-recipients:;',
    'xxxxx@example.net',
    '<>',
    '@',
    'a@b',
    'abuse@ink.example',
    'rfc822; <person@example.org>',
  ),
  fc.tuple(anyText(24), fc.constantFrom('example.com', 'example.net', '')).map(([l, d]) => `${l}@${d}`),
);

const headerName = fc.oneof(
  fc.constantFrom(
    'Subject',
    'From',
    'To',
    'Delivered-To',
    'X-Original-To',
    'X-HmXmrOriginalRecipient',
    'Message-ID',
    'Content-Type',
    'Content-Transfer-Encoding',
    'MIME-Version',
    'X-SP-Recipient-Token',
    'CFBL-Feedback-ID',
    'List-Unsubscribe',
  ),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,24}$/),
);

const headerValue = fc.oneof(
  anyText(80),
  emailish,
  // A long value folded with a line break and white space, as MTAs fold.
  fc.array(fc.stringMatching(/^[ -~]{1,60}$/), { minLength: 2, maxLength: 5 }).map((xs) => xs.join('\n\t')),
);

const headers = (max: number) => fc.array(fc.tuple(headerName, headerValue), { maxLength: max });

const claims: fc.Arbitrary<Claims> = fc.record(
  {
    email: fc.emailAddress(),
    topic: fc.constantFrom('Printer tips', 'Deals'),
    campaignId: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  },
  { requiredKeys: ['email'] },
);

const feedbackType = fc.oneof(
  fc.constantFrom('abuse', 'fraud', 'virus', 'other', 'opt-out', 'opt-out-list', 'auth-failure', 'not-spam'),
  anyText(20),
);

const arfFields: fc.Arbitrary<[string, string][]> = fc.array(
  fc.oneof(
    feedbackType.map((v): [string, string] => ['Feedback-Type', v]),
    emailish.map((v): [string, string] => ['Original-Rcpt-To', v]),
    emailish.map((v): [string, string] => ['Removal-Recipient', v]),
    fc
      .oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
        anyText(30),
      )
      .map((v): [string, string] => ['Arrival-Date', v]),
    fc.tuple(
      fc.constantFrom('User-Agent', 'Version', 'Reported-Domain', 'Source-IP', 'Original-Mail-From'),
      anyText(40),
    ),
  ),
  { maxLength: 8 },
);

const body: fc.Arbitrary<Body> = fc.oneof(
  anyText(300).map((text): Body => ({ kind: 'text', text })),
  fc.uint8Array({ maxLength: 300 }).map((bytes): Body => ({ kind: 'bytes', bytes })),
  arfFields.map((fields): Body => ({ kind: 'arf', fields })),
  fc.record({
    kind: fc.constant('ses' as const),
    key: fc.constantFrom('notificationType' as const, 'eventType' as const),
    type: fc.oneof(fc.constantFrom('Bounce', 'Complaint', 'Delivery'), anyText(10)),
    bounceType: fc.oneof(fc.constantFrom('Permanent', 'Transient', 'Undetermined'), anyText(10)),
    emails: fc.array(emailish, { maxLength: 3 }),
    envelope: fc.boolean(),
    footer: fc.boolean(),
    wrap: fc.constantFrom('none' as const, 'sendmail' as const, 'fold' as const),
    timestamp: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      anyText(12),
    ),
  }),
  fc
    .string({ unit: fc.constantFrom(...'ABCDEFGHabcdefgh0123456789+/=\n\r!*'.split('')), maxLength: 400 })
    .map((text): Body => ({ kind: 'base64', text })),
  fc
    .string({ unit: fc.constantFrom(...'=0AaFfZz \n\r\t3D=\u0000'.split('')), maxLength: 300 })
    .map((text): Body => ({ kind: 'qp', text })),
  fc
    .record({
      char: fc.constantFrom('a', '{', '=', ' ', '\u0000', 'é'),
      length: fc.integer({ min: 998, max: 40_000 }),
    })
    .map(({ char, length }): Body => ({ kind: 'huge', char, length })),
  fc
    .record({
      claims,
      where: fc.constantFrom('token-header' as const, 'cfbl' as const, 'link' as const, 'mailto' as const),
      headers: headers(4),
    })
    .map((o): Body => ({ kind: 'ours', ...o })),
);

const contentType = fc.oneof(
  fc.constantFrom(
    'text/plain',
    'text/html',
    'application/json',
    'message/feedback-report',
    'message/rfc822',
    'text/rfc822-headers',
    'text/rfc822-header',
    'message/delivery-status',
    'application/octet-stream',
  ),
  anyText(20),
);

const boundary = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9'()+_,./:=? -]{1,70}$/),
  fc.constantFrom('', '--', '=_', 'a', '"quoted"'),
  anyText(20),
);

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      kind: fc.constant('leaf' as const),
      type: contentType,
      cte: fc.constantFrom(null, '7bit', '8bit', 'base64', 'quoted-printable', 'x-uuencode'),
      headers: headers(3),
      body,
    }),
    fc.record({
      kind: fc.constant('multi' as const),
      subtype: fc.constantFrom('mixed', 'report', 'alternative', 'related'),
      reportType: fc.oneof(fc.constantFrom(null, 'feedback-report', 'delivery-status'), anyText(10)),
      boundary,
      close: fc.boolean(),
      preamble: anyText(40),
      headers: headers(3),
      parts: fc.array(tie('node'), { maxLength: 4 }),
    }),
  ),
})).node;

export const fuzzMail: fc.Arbitrary<FuzzMail> = fc.record({
  headers: headers(8),
  root: node,
  eol: fc.constantFrom('\r\n' as const, '\n' as const),
});

export interface Sealing {
  token(c: Claims): string;
  cfblId(c: Claims): string;
}

const FOOTER =
  '--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\nhttps://sns.us-east-1.amazonaws.example/unsubscribe.html?SubscriptionArn=arn:aws:sns:us-east-1:123456789012:t:x\n';

function sesText(b: Extract<Body, { kind: 'ses' }>): string {
  const recipients = b.emails.map((emailAddress) => ({ emailAddress }));
  const n: Record<string, unknown> = {
    [b.key]: b.type,
    mail: { messageId: 'fuzz-0001', timestamp: b.timestamp },
    bounce: { bounceType: b.bounceType, bouncedRecipients: recipients, timestamp: b.timestamp },
    complaint: { complainedRecipients: recipients, complaintFeedbackType: 'abuse', timestamp: b.timestamp },
  };
  let json = JSON.stringify(n);
  if (b.envelope) json = JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: json }, null, 2);
  if (b.wrap === 'sendmail') json = json.replace(/(.{989})/g, '$1!\n ');
  if (b.wrap === 'fold') json = json.replace(/(.{76})/g, '$1\n ');
  return b.footer ? `${json}\n\n${FOOTER}` : json;
}

function bodyParts(b: Body, s: Sealing): (string | Uint8Array)[] {
  switch (b.kind) {
    case 'text':
    case 'base64':
    case 'qp':
      return [b.text];
    case 'bytes':
      return [b.bytes];
    case 'arf':
      return [`${b.fields.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`];
    case 'ses':
      return [sesText(b)];
    case 'huge':
      return [b.char.repeat(b.length)];
    case 'ours': {
      const extra = b.headers.map(([k, v]) => `${k}: ${v}\n`).join('');
      const token = s.token(b.claims);
      const line =
        b.where === 'token-header'
          ? `X-SP-Recipient-Token: ${token}`
          : b.where === 'cfbl'
            ? `CFBL-Feedback-ID: ${s.cfblId(b.claims)}`
            : b.where === 'link'
              ? `List-Unsubscribe: <https://ink.example/u/${token}>`
              : `List-Unsubscribe: <mailto:unsubscribe+${token}@unsub.ink.example>`;
      return [`From: Ink Corner <news@ink.example>\nTo: redacted\n${extra}${line}\n\nOur best prices.\n`];
    }
  }
}

function nodeParts(n: Node, s: Sealing): (string | Uint8Array)[] {
  const head = n.headers.map(([k, v]) => `${k}: ${v}\n`).join('');
  if (n.kind === 'leaf') {
    const ct = `Content-Type: ${n.type}\n`;
    const cte = n.cte ? `Content-Transfer-Encoding: ${n.cte}\n` : '';
    return [`${ct}${cte}${head}\n`, ...bodyParts(n.body, s)];
  }
  const params = `${n.reportType === null ? '' : `; report-type=${n.reportType}`}; boundary="${n.boundary}"`;
  const out: (string | Uint8Array)[] = [
    `Content-Type: multipart/${n.subtype}${params}\n${head}\n${n.preamble}\n`,
  ];
  for (const p of n.parts) out.push(`\n--${n.boundary}\n`, ...nodeParts(p, s));
  if (n.close) out.push(`\n--${n.boundary}--\n`);
  return out;
}

/** The mail as bytes on the wire (the chosen line end throughout, random bytes left as they are). */
export function renderMail(m: FuzzMail, s: Sealing, to: string): Buffer {
  const top = `From: someone@example.org\nTo: ${to}\n${m.headers.map(([k, v]) => `${k}: ${v}\n`).join('')}`;
  const pieces = [top, ...nodeParts(m.root, s)];
  return Buffer.concat(
    pieces.map((p) =>
      typeof p === 'string'
        ? Buffer.from(m.eol === '\n' ? p : p.replace(/\r?\n/g, '\r\n'), 'utf8')
        : Buffer.from(p),
    ),
  );
}
