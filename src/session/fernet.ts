/**
 * Fernet tokens (the format of Python `cryptography`'s `Fernet`) with WebCrypto:
 * AES-128-CBC to hide the message, HMAC-SHA256 to authenticate it.
 *
 * Token: `base64url(0x80 ‖ timestamp (8 bytes, big-endian seconds) ‖ IV (16) ‖
 * ciphertext ‖ HMAC-SHA256(signing key, everything before))`, padded. The 32-byte key is
 * the signing key (first 16 bytes) followed by the encryption key (last 16).
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { bytesEqual, concat, fromBase64Url, toBase64Url } from "./_codec.ts";

const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const MAC = 32;
// cryptography refuses tokens stamped more than this far in the future.
const MAX_CLOCK_SKEW = 60;

/** A decrypted token: its message and when it was made. */
export interface FernetMessage {
  /** The plaintext. */
  data: Uint8Array<ArrayBuffer>;
  /** The token's timestamp, seconds since the epoch. */
  timestamp: number;
}

/** Reads a Fernet key given as 32 raw bytes or their URL-safe base64 (44 characters). */
export function fernetKeyBytes(key: string | Uint8Array, where: string): Uint8Array<ArrayBuffer> {
  const bytes = typeof key === "string" ? fromBase64Url(key) : new Uint8Array(key);
  if (bytes === undefined || bytes.length !== 32) {
    throw new ConfigurationError(
      `${where}: the key must be 32 random bytes, or those bytes in URL-safe base64 ` +
        `(44 characters, what Python's Fernet.generate_key() prints); got ${
          typeof key === "string" ? `a ${key.length}-character string` : `${key.length} bytes`
        }. Make one with: deno eval "console.log(btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))).replaceAll('+','-').replaceAll('/','_'))"`,
    );
  }
  return bytes as Uint8Array<ArrayBuffer>;
}

/**
 * Encrypts and decrypts Fernet tokens, compatible with Python `cryptography`'s `Fernet`
 * (and so with aiohttp_session's `EncryptedCookieStorage`).
 *
 * @example A round trip
 * ```ts
 * import { Fernet } from "@aio/pyramid";
 * const fernet = new Fernet(crypto.getRandomValues(new Uint8Array(32)));
 * const token = await fernet.encrypt(new TextEncoder().encode("secret"));
 * const message = await fernet.decrypt(token);
 * console.assert(new TextDecoder().decode(message!.data) === "secret");
 * ```
 */
export class Fernet {
  #signing: Promise<CryptoKey>;
  #encryption: Promise<CryptoKey>;

  /** Takes 32 raw bytes or their URL-safe base64. */
  constructor(key: string | Uint8Array) {
    const bytes = fernetKeyBytes(key, "Fernet");
    this.#signing = crypto.subtle.importKey(
      "raw",
      bytes.slice(0, 16),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    this.#encryption = crypto.subtle.importKey("raw", bytes.slice(16), "AES-CBC", false, [
      "encrypt",
      "decrypt",
    ]);
  }

  /** A token for `data`, stamped with `now` (seconds; default the current time). */
  async encrypt(data: Uint8Array, now: number = Math.floor(Date.now() / 1000)): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(16));
    const ciphertext = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: "AES-CBC", iv },
        await this.#encryption,
        data as Uint8Array<ArrayBuffer>,
      ),
    );
    const header = new Uint8Array(HEADER);
    header[0] = VERSION;
    new DataView(header.buffer).setBigUint64(1, BigInt(now));
    header.set(iv, 9);
    const signed = concat(header, ciphertext);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await this.#signing, signed));
    return toBase64Url(concat(signed, mac));
  }

  /**
   * The message in `token`, or undefined when it is malformed, forged, from the future,
   * or (with `ttl` seconds) older than `ttl`.
   */
  async decrypt(token: string, options: { ttl?: number } = {}): Promise<FernetMessage | undefined> {
    const bytes = fromBase64Url(token);
    if (bytes === undefined || bytes.length < HEADER + 16 + MAC || bytes[0] !== VERSION) {
      return undefined;
    }
    if ((bytes.length - HEADER - MAC) % 16 !== 0) return undefined;
    const timestamp = Number(new DataView(bytes.buffer).getBigUint64(1));
    const now = Math.floor(Date.now() / 1000);
    if (timestamp > now + MAX_CLOCK_SKEW) return undefined;
    if (options.ttl !== undefined && timestamp + options.ttl < now) return undefined;
    const signed = bytes.subarray(0, bytes.length - MAC);
    const expected = new Uint8Array(
      await crypto.subtle.sign("HMAC", await this.#signing, signed),
    );
    if (!bytesEqual(bytes.subarray(bytes.length - MAC), expected)) return undefined;
    try {
      const data = await crypto.subtle.decrypt(
        { name: "AES-CBC", iv: bytes.slice(9, HEADER) },
        await this.#encryption,
        bytes.slice(HEADER, bytes.length - MAC),
      );
      return { data: new Uint8Array(data), timestamp };
    } catch {
      return undefined; // bad padding: cannot happen with a valid MAC, but never throw
    }
  }
}
