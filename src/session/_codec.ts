// Bytes, base64url and constant-time comparison for the session stores and CSRF tokens.

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** A string from UTF-8 bytes; throws on malformed UTF-8 (callers treat that as a bad cookie). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Python's `bytes_(s)` as webob uses it: latin-1 when every code unit fits, else undefined. */
export function latin1(text: string): Uint8Array<ArrayBuffer> | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return undefined;
    out[i] = code;
  }
  return out;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** URL-safe base64, with `=` padding unless `pad` is false. */
export function toBase64Url(bytes: Uint8Array, pad = true): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  const text = btoa(binary).replaceAll("+", "-").replaceAll("/", "_");
  return pad ? text : text.replace(/=+$/, "");
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Decodes URL-safe base64, padded or not. Returns undefined for anything else, so a
 * mangled cookie becomes "no cookie" rather than an error.
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bare = text.replace(/=+$/, "");
  if (bare.length % 4 === 1) return undefined;
  try {
    const binary = atob(
      bare.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - bare.length % 4) % 4),
    );
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Compares two strings without an early exit on the first difference. */
export function stringsEqual(a: string, b: string): boolean {
  return bytesEqual(utf8(a), utf8(b));
}

/** `count` random bytes as lowercase hex. */
export function randomHex(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
