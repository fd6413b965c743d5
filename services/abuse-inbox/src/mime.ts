// A small MIME walker for reports. mailparser flattens an inline message/rfc822 part into the
// outer message (ARF sends the original inline), so the report structure is read here and only
// the pieces are handed to mailparser.

export interface MimePart {
  type: string;
  params: Record<string, string>;
  headers: Map<string, string[]>;
  /** The body with its transfer encoding undone, as text. */
  body: string;
}

/** Header fields of an RFC 5322 block (folded lines joined), names lower-cased. */
export function headerFields(block: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: [string, string] | null = null;
  const flush = () => {
    if (!current) return;
    const list = out.get(current[0]) ?? [];
    list.push(current[1].trim());
    out.set(current[0], list);
    current = null;
  };
  for (const line of block.replace(/\r\n/g, '\n').split('\n')) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && current) {
      current[1] += ` ${line.trim()}`;
      continue;
    }
    flush();
    const i = line.indexOf(':');
    if (i > 0) current = [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1)];
  }
  flush();
  return out;
}

export function splitMessage(text: string): { head: string; body: string } {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return { head: text, body: '' };
  return { head: text.slice(0, m.index), body: text.slice(m.index + m[0].length) };
}

export function parseContentType(value: string | undefined): {
  type: string;
  params: Record<string, string>;
} {
  if (!value) return { type: 'text/plain', params: {} };
  const [type = 'text/plain', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const m of rest.join(';').matchAll(/([A-Za-z0-9*_.-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;\s]+)/g)) {
    params[m[1]!.toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!;
  }
  return { type: type.trim().toLowerCase(), params };
}

function decode(body: string, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = Buffer.from(
        body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
        'latin1',
      );
      return bytes.toString('utf8');
    }
    default:
      return body;
  }
}

/** Every leaf part (and message/* parts, not descended into), depth-first. */
export function mimeParts(text: string, depth = 0): MimePart[] {
  const { head, body } = splitMessage(text);
  const headers = headerFields(head);
  const { type, params } = parseContentType(headers.get('content-type')?.[0]);
  const boundary = params.boundary;
  if (type.startsWith('multipart/') && boundary && depth < 8) {
    const parts: MimePart[] = [];
    const delimiter = `--${boundary}`;
    const sections = body.split(new RegExp(`(?:^|\\r?\\n)${escapeRegExp(delimiter)}`));
    // sections[0] is the preamble; the one starting with "--" is the epilogue.
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      parts.push(...mimeParts(section.replace(/^[ \t]*\r?\n/, ''), depth + 1));
    }
    return parts;
  }
  return [{ type, params, headers, body: decode(body, headers.get('content-transfer-encoding')?.[0]) }];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
