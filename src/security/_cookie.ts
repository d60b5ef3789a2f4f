// Reading one cookie from a Cookie header and writing Set-Cookie values the way WebOb
// (Pyramid's request/response library) does, so auth_tkt cookies round-trip between the two:
// a value with characters outside RFC 6265's cookie-octets (the `,` between tokens) is sent
// double-quoted with octal escapes, and read back by undoing them. Reading never throws.

const ALLOWED = /^[A-Za-z0-9!#$%&'()*+\-./:<=>?@[\]^_`{|}~]*$/;

/** The value WebOb would put in `Set-Cookie` for `value` (quoted when needed). */
export function quoteCookieValue(value: string): string {
  if (ALLOWED.test(value)) return value;
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === " " || (code < 0x80 && ALLOWED.test(char))) out += char;
    else if (code < 256) out += "\\" + code.toString(8).padStart(3, "0");
    else {
      for (const byte of new TextEncoder().encode(char)) {
        out += "\\" + byte.toString(8).padStart(3, "0");
      }
    }
  }
  return out + '"';
}

// Undoes WebOb quoting: strips the surrounding quotes and turns `\ooo` / `\x` back into bytes.
function unquote(value: string): string {
  if (value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"') {
    value = value.slice(1, -1);
  }
  if (!value.includes("\\")) return value;
  return value.replace(
    /\\([0-3][0-7][0-7]|[\s\S])/g,
    (_, escaped: string) =>
      escaped.length === 3 ? String.fromCharCode(parseInt(escaped, 8)) : escaped,
  );
}

/**
 * The last cookie called `name` in a Cookie header (WebOb keeps the last of duplicates),
 * unquoted, as a string of byte values (Latin-1, as HTTP headers arrive); `undefined` when
 * absent. Never throws.
 */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  let i = 0;
  let found: string | undefined;
  const length = header.length;
  while (i < length) {
    while (i < length && (header[i] === " " || header[i] === "\t" || header[i] === ";")) i++;
    const eq = header.indexOf("=", i);
    const semi = header.indexOf(";", i);
    if (eq < 0 || (semi >= 0 && semi < eq)) {
      // A bare name without a value: skip it.
      i = semi < 0 ? length : semi + 1;
      continue;
    }
    const key = header.slice(i, eq).trim();
    let j = eq + 1;
    while (j < length && header[j] === " ") j++;
    let end: number;
    if (header[j] === '"') {
      // A quoted value runs to the next unescaped quote.
      end = j + 1;
      while (end < length && header[end] !== '"') end += header[end] === "\\" ? 2 : 1;
      end = Math.min(end + 1, length);
    } else {
      end = header.indexOf(";", j);
      if (end < 0) end = length;
    }
    if (key === name) found = header.slice(j, end).trim();
    const next = header.indexOf(";", end);
    i = next < 0 ? length : next + 1;
  }
  return found === undefined ? undefined : unquote(found);
}

/** Attributes of a Set-Cookie header. */
export interface SetCookieAttributes {
  domain?: string | undefined;
  path?: string | undefined;
  maxAge?: number | undefined;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: string | undefined;
}

/** One Set-Cookie header value; `value === null` deletes the cookie. */
export function formatSetCookie(
  name: string,
  value: string | null,
  attributes: SetCookieAttributes,
  now: number,
): string {
  const parts = [`${name}=${value === null ? "" : quoteCookieValue(value)}`];
  if (attributes.domain) parts.push(`Domain=${attributes.domain}`);
  const maxAge = value === null ? 0 : attributes.maxAge;
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  parts.push(`Path=${attributes.path ?? "/"}`);
  if (maxAge !== undefined) {
    const expires = value === null ? 0 : (now + maxAge) * 1000;
    parts.push(`Expires=${new Date(expires).toUTCString()}`);
  }
  if (attributes.secure) parts.push("Secure");
  if (attributes.httpOnly) parts.push("HttpOnly");
  if (attributes.sameSite) parts.push(`SameSite=${attributes.sameSite}`);
  return parts.join("; ");
}
