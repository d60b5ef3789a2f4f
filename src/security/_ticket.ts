// The auth_tkt ticket format (mod_auth_tkt, as Paste and Pyramid write it):
//   hexdigest(hashalg) + %08x timestamp + quote(userid) + "!" + tokens + "!" + user_data
// where digest = H(H(ip_timestamp + secret + userid + \0 + tokens + \0 + user_data) + secret).
// Written here from the format, byte for byte, so Pyramid and this module accept each
// other's cookies. Parsing answers null for anything wrong and never throws.

import { createHash } from "node:crypto";

/** A hash algorithm name accepted for auth_tkt tickets (Pyramid's `hashalg`). */
export type TicketHashAlgorithm = "md5" | "sha1" | "sha256" | "sha384" | "sha512";

/** Hash algorithms a ticket may be signed with, and their hex digest lengths. */
export const DIGEST_HEX_LENGTH: Readonly<Record<TicketHashAlgorithm, number>> = {
  md5: 32,
  sha1: 40,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Writes `text` as UTF-8 at `offset` (ASCII by hand: TextEncoder calls cost more than the
// hashing for strings this short); returns the new offset.
function writeUtf8(text: string, buffer: Uint8Array, offset: number): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) {
      return offset + encoder.encodeInto(text.slice(i), buffer.subarray(offset)).written;
    }
    buffer[offset++] = code;
  }
  return offset;
}

// Pyramid's encode_ip_timestamp: the four IPv4 octets, then the big-endian 32-bit timestamp,
// as bytes; an IPv6 address is its text followed by the decimal timestamp (Latin-1).
function writeIpTimestamp(ip: string, timestamp: number, buffer: Uint8Array): number {
  const t = Math.trunc(timestamp);
  if (ip.includes(":")) {
    const text = ip + String(t);
    for (let i = 0; i < text.length; i++) buffer[i] = text.charCodeAt(i) & 0xff;
    return text.length;
  }
  const octets = ip.split(".");
  if (octets.length !== 4) throw new TypeError(`'${ip}' is not an IPv4 address.`);
  for (let i = 0; i < 4; i++) {
    const octet = Number(octets[i]);
    if (!/^\d{1,3}$/.test(octets[i]) || octet > 255) {
      throw new TypeError(`'${ip}' is not an IPv4 address.`);
    }
    buffer[i] = octet;
  }
  const u = t >>> 0;
  buffer[4] = u >>> 24;
  buffer[5] = (u >>> 16) & 0xff;
  buffer[6] = (u >>> 8) & 0xff;
  buffer[7] = u & 0xff;
  return 8;
}

/** The ticket digest for these fields (hex, lowercase). */
export function calculateDigest(
  fields: { ip: string; timestamp: number; userid: string; tokens: string; userData: string },
  secret: Uint8Array,
  hashalg: TicketHashAlgorithm,
): string {
  const { ip, userid, tokens, userData } = fields;
  // One update per piece, from one reused buffer: each node:crypto call crosses into Rust,
  // and allocating a fresh ArrayBuffer per ticket cost more than the hashing itself.
  const size = ip.length + 24 + secret.length +
    3 * (userid.length + tokens.length + userData.length) + 2 + 128;
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
  const inner = scratch;
  let n = writeIpTimestamp(ip, fields.timestamp, inner);
  inner.set(secret, n);
  n = writeUtf8(userid, inner, n + secret.length);
  inner[n++] = 0;
  n = writeUtf8(tokens, inner, n);
  inner[n++] = 0;
  n = writeUtf8(userData, inner, n);
  const innerHex = createHash(hashalg).update(inner.subarray(0, n)).digest("hex");
  // The second pass hashes the hex text then the secret; string updates are slower here.
  for (let i = 0; i < innerHex.length; i++) inner[i] = innerHex.charCodeAt(i);
  inner.set(secret, innerHex.length);
  return createHash(hashalg).update(inner.subarray(0, innerHex.length + secret.length))
    .digest("hex");
}

// Shared by calculateDigest calls, which are synchronous and so never overlap.
let scratch = new Uint8Array(1024);

const SAFE = /[A-Za-z0-9_.\-~/]/;

/** Python's `urllib.parse.quote(text)` (safe `/`): UTF-8 bytes, %XX in upper case. */
export function pyQuote(text: string): string {
  let out = "";
  for (const char of text) {
    if (char.length === 1 && SAFE.test(char)) {
      out += char;
      continue;
    }
    for (const byte of encoder.encode(char)) {
      out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
    }
  }
  return out;
}

/**
 * Python's `urllib.parse.unquote(text)`: runs of %XX become UTF-8 text, invalid sequences
 * become U+FFFD, malformed escapes stay as they are.
 */
export function pyUnquote(text: string): string {
  if (!text.includes("%")) return text;
  try {
    // Agrees with Python whenever every escape is well-formed UTF-8; otherwise it throws
    // and the byte-wise path below does what Python does.
    return decodeURIComponent(text);
  } catch { /* malformed: decode by hand */ }
  let out = "";
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length) out += decoder.decode(Uint8Array.from(bytes));
    bytes = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "%" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (char.charCodeAt(0) < 0x80) {
      bytes.push(char.charCodeAt(0));
    } else {
      flush();
      out += char;
    }
  }
  flush();
  return out;
}

/** The fields of a ticket. */
export interface TicketFields {
  /** Seconds since the epoch when the ticket was issued. */
  timestamp: number;
  /** The userid as stored (encoded, not yet decoded by its `userid_type`). */
  userid: string;
  /** Tokens (split on `,`; `[""]` when there were none, as in Pyramid). */
  tokens: string[];
  /** The user data field. */
  userData: string;
}

/** The cookie value of a ticket. */
export function createTicket(
  fields: {
    ip: string;
    timestamp: number;
    userid: string;
    tokens: readonly string[];
    userData: string;
  },
  secret: Uint8Array,
  hashalg: TicketHashAlgorithm,
): string {
  const tokens = fields.tokens.join(",");
  const digest = calculateDigest({ ...fields, tokens }, secret, hashalg);
  const time = (Math.trunc(fields.timestamp) >>> 0).toString(16).padStart(8, "0");
  let value = `${digest}${time}${pyQuote(fields.userid)}!`;
  if (tokens) value += tokens + "!";
  return value + fields.userData;
}

const HEX8 = /^[0-9A-Fa-f]{8}$/;

/**
 * The fields of a well-signed ticket, or null: wrong length, bad timestamp, missing `!`,
 * or a digest that does not match (compared in constant time).
 */
export function parseTicket(
  ticket: string,
  secret: Uint8Array,
  ip: string,
  hashalg: TicketHashAlgorithm,
): TicketFields | null {
  try {
    ticket = ticket.replace(/^"+|"+$/g, "");
    const size = DIGEST_HEX_LENGTH[hashalg];
    const digest = ticket.slice(0, size);
    const time = ticket.slice(size, size + 8);
    if (digest.length !== size || !HEX8.test(time)) return null;
    const timestamp = parseInt(time, 16);
    const rest = ticket.slice(size + 8);
    const bang = rest.indexOf("!");
    if (bang < 0) return null;
    const userid = pyUnquote(rest.slice(0, bang));
    const data = rest.slice(bang + 1);
    const second = data.indexOf("!");
    const tokens = second < 0 ? "" : data.slice(0, second);
    const userData = second < 0 ? data : data.slice(second + 1);
    const expected = calculateDigest({ ip, timestamp, userid, tokens, userData }, secret, hashalg);
    if (!constantTimeEqual(expected, digest)) return null;
    return { timestamp, userid, tokens: tokens.split(","), userData };
  } catch {
    // An address that is not IPv4/IPv6 text, or anything else unexpected: not a valid ticket.
    return null;
  }
}

// Compares two hex digests without an early exit, so the time does not say where they differ.
function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i % (b.length || 1));
  return diff === 0;
}
