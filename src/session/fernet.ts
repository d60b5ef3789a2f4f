/**
 * Fernet tokens (the format of Python `cryptography`'s `Fernet`): AES-128-CBC to hide the
 * message, HMAC-SHA256 to authenticate it. Both run with node:crypto on the calling
 * thread: WebCrypto would hop to another thread and back twice per session read.
 *
 * Token: `base64url(0x80 ‖ timestamp (8 bytes, big-endian seconds) ‖ IV (16) ‖
 * ciphertext ‖ HMAC-SHA256(signing key, everything before))`, padded. The 32-byte key is
 * the signing key (first 16 bytes) followed by the encryption key (last 16).
 *
 * @module
 */

import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
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
  #signing: Uint8Array;
  #encryption: Uint8Array;

  /** Takes 32 raw bytes or their URL-safe base64. */
  constructor(key: string | Uint8Array) {
    const bytes = fernetKeyBytes(key, "Fernet");
    this.#signing = bytes.slice(0, 16);
    this.#encryption = bytes.slice(16);
  }

  #mac(bytes: Uint8Array): Uint8Array {
    return createHmac("sha256", this.#signing).update(bytes).digest();
  }

  /** A token for `data`, stamped with `now` (seconds; default the current time). */
  async encrypt(data: Uint8Array, now: number = Math.floor(Date.now() / 1000)): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(16));
    const cipher = createCipheriv("aes-128-cbc", this.#encryption, iv);
    const ciphertext = concat(cipher.update(data), cipher.final());
    const header = new Uint8Array(HEADER);
    header[0] = VERSION;
    new DataView(header.buffer).setBigUint64(1, BigInt(now));
    header.set(iv, 9);
    const signed = concat(header, ciphertext);
    return toBase64Url(concat(signed, this.#mac(signed)));
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
    if (!bytesEqual(bytes.subarray(bytes.length - MAC), this.#mac(signed))) return undefined;
    try {
      const decipher = createDecipheriv("aes-128-cbc", this.#encryption, bytes.slice(9, HEADER));
      const data = concat(
        decipher.update(bytes.subarray(HEADER, bytes.length - MAC)),
        decipher.final(),
      );
      return { data, timestamp };
    } catch {
      return undefined; // bad padding: cannot happen with a valid MAC, but never throw
    }
  }
}
