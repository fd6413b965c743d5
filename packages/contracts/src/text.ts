// Text as it arrives from the outside world, made safe to publish and to store. PostgreSQL's
// text and jsonb cannot hold U+0000 (nor a lone UTF-16 surrogate in jsonb), so one such
// character in a Twilio body or a mail header would fail every write of the event downstream.
// Free text is cleaned at every edge; identifiers with control characters are refused there.

// C0 controls except tab, line feed and carriage return, and DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const STRIPPED_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// Any control character at all (tab and newlines included): none belongs in an identifier.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ANY_CONTROL = /[\u0000-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Free text with NUL and other control characters (but tab and newlines) removed, and lone surrogates replaced by U+FFFD. */
export function cleanText(text: string): string {
  return text.replace(STRIPPED_CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** True when an identifier (address, phone number, id) holds a control character or a lone surrogate. */
export function hasControlChars(text: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return ANY_CONTROL.test(text) || LONE_SURROGATE.test(text);
}

/** Every string inside a JSON-like value cleaned with cleanText (keys included). */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[cleanText(k)] = cleanDeep(v);
    return out as T;
  }
  return value;
}

// Every parser of ours reads bodies as UTF-8 (ASCII is a subset of it).
const READABLE_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/**
 * The charset a Content-Type header declares when our UTF-8 parsers cannot read it (UTF-16,
 * Latin-1, ...), lower-cased; null when it declares none or a readable one. Such a body would be
 * read as garbage (NULs, U+FFFD in addresses), so HTTP ingresses refuse it with a 415.
 */
export function unreadableCharset(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType);
  if (!m) return null;
  const charset = (m[1] ?? '').toLowerCase();
  return READABLE_CHARSETS.has(charset) ? null : charset;
}

/**
 * The path ("data.body", "evidence.userAgent") of the first string, key or value, inside a
 * JSON-like value that PostgreSQL's jsonb cannot store (U+0000, a lone surrogate); null when
 * every string is storable. Other controls are storable and are not reported here.
 */
export function unstorablePath(value: unknown, path = ''): string | null {
  const bad = (s: string) => {
    LONE_SURROGATE.lastIndex = 0;
    return s.includes('\u0000') || LONE_SURROGATE.test(s);
  };
  if (typeof value === 'string') return bad(value) ? path || '(value)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = unstorablePath(value[i], path ? `${path}.${i}` : String(i));
      if (p !== null) return p;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${bad(k) ? '(key)' : k}` : bad(k) ? '(key)' : k;
      if (bad(k)) return at;
      const p = unstorablePath(v, at);
      if (p !== null) return p;
    }
  }
  return null;
}
