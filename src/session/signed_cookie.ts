/**
 * `SignedCookieSessionFactory`: the whole session in a cookie, readable by the client but
 * signed, in Pyramid 2's format, so a cookie written by a Pyramid app sharing the secret
 * is read here and the other way round.
 *
 * The format is webob's `SignedSerializer` over its `JSONSerializer`:
 * `base64url(HMAC(salt + secret, json) + json)` with the padding stripped, where `json`
 * is `[accessed, created, data]` (whole seconds, float seconds, the values).
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import {
  bytesEqual,
  concat,
  fromBase64Url,
  fromUtf8,
  latin1,
  toBase64Url,
  utf8,
} from "./_codec.ts";
import {
  type CookieCodec,
  cookieSessionFactory,
  isRecord,
  type SessionFactory,
} from "./factory.ts";
import { resolveSessionOptions, type SessionOptions } from "./options.ts";
import type { Session } from "./session.ts";

/** Hash algorithms WebCrypto's HMAC offers, by their Python `hashlib` names. */
const HASHES: Record<string, { name: string; size: number }> = {
  sha1: { name: "SHA-1", size: 20 },
  sha256: { name: "SHA-256", size: 32 },
  sha384: { name: "SHA-384", size: 48 },
  sha512: { name: "SHA-512", size: 64 },
};

/** Options of {@linkcode SignedSerializer}. */
export interface SignedSerializerOptions {
  /** Namespace mixed into the key. Default `pyramid.session.`. */
  salt?: string;
  /** `sha512` (default), `sha384`, `sha256` or `sha1`. */
  hashalg?: string;
}

/**
 * Signs and verifies JSON values in webob's `SignedSerializer` format (what Pyramid's
 * signed cookies hold).
 *
 * @example Signing and verifying a value
 * ```ts
 * import { SignedSerializer } from "@aio/pyramid";
 * const serializer = new SignedSerializer("a-64-character-secret-".repeat(3));
 * const signed = await serializer.dumps({ hello: "world" });
 * console.assert((await serializer.loads(signed) as { hello: string }).hello === "world");
 * console.assert(await serializer.loads(signed.slice(0, -2) + "xx") === undefined);
 * ```
 */
export class SignedSerializer {
  #key: Promise<CryptoKey>;
  #size: number;

  /** Prepares the HMAC key from the secret and salt (as webob does: latin-1, else UTF-8). */
  constructor(secret: string, options: SignedSerializerOptions = {}) {
    const where = "SignedSerializer";
    if (typeof secret !== "string" || secret === "") {
      throw new ConfigurationError(
        `${where}: the secret must be a non-empty string; generate one with ` +
          "`openssl rand -hex 32` and keep it out of the source.",
      );
    }
    const salt = options.salt ?? "pyramid.session.";
    const hashalg = options.hashalg ?? "sha512";
    const hash = HASHES[hashalg];
    if (!hash) {
      throw new ConfigurationError(
        `${where}: hashalg ${JSON.stringify(hashalg)} is not supported; use one of ${
          Object.keys(HASHES).join(", ")
        }.`,
      );
    }
    this.#size = hash.size;
    const saltBytes = latin1(salt);
    const secretBytes = latin1(secret);
    const keyBytes = saltBytes && secretBytes
      ? concat(saltBytes, secretBytes)
      : concat(utf8(salt), utf8(secret));
    this.#key = crypto.subtle.importKey(
      "raw",
      keyBytes,
      { name: "HMAC", hash: hash.name },
      false,
      ["sign"],
    );
  }

  // WebCrypto, not node:crypto's createHmac: measured here, a sync createHmac costs 45–70 µs
  // on the main thread, while concurrent WebCrypto signs overlap on its own threads
  // (≈ 25 µs each with 50 in flight), which is what a busy server sees.
  async #sign(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await crypto.subtle.sign("HMAC", await this.#key, bytes));
  }

  /** Serializes `value` as JSON and signs it. */
  async dumps(value: unknown): Promise<string> {
    const json = utf8(JSON.stringify(value));
    return toBase64Url(concat(await this.#sign(json), json), false);
  }

  /** The value `text` carries, or undefined when it is malformed or its signature is wrong. */
  async loads(text: string): Promise<unknown> {
    const bytes = fromBase64Url(text);
    if (bytes === undefined || bytes.length < this.#size) return undefined;
    const signature = bytes.subarray(0, this.#size);
    const json = bytes.slice(this.#size);
    if (!bytesEqual(signature, await this.#sign(json))) return undefined;
    try {
      return JSON.parse(fromUtf8(json));
    } catch {
      return undefined;
    }
  }
}

/** Options of {@linkcode SignedCookieSessionFactory}. */
export interface SignedCookieSessionOptions extends SessionOptions {
  /** Namespace mixed into the signing key. Default `pyramid.session.`. */
  salt?: string;
  /** HMAC hash: `sha512` (default), `sha384`, `sha256` or `sha1`. */
  hashalg?: string;
}

function signedCodec(serializer: SignedSerializer): CookieCodec {
  return {
    async decode(value) {
      const payload = await serializer.loads(value);
      if (!Array.isArray(payload) || payload.length !== 3) return undefined;
      const [renewed, created, data] = payload;
      if (typeof renewed !== "number" || typeof created !== "number" || !isRecord(data)) {
        return undefined;
      }
      return { renewed, created, data };
    },
    encode(session: Session) {
      return serializer.dumps([session.accessed, session.created, session.toJSON()]);
    },
  };
}

/**
 * A session factory keeping the session in a signed cookie (Pyramid 2's format and
 * defaults: HMAC-SHA512, JSON, salt `pyramid.session.`). The client can read but not
 * change what is in it; keep secrets out, and keep it under 4 KB.
 *
 * @example Signed cookie sessions
 * ```ts
 * import { Configurator, SignedCookieSessionFactory } from "@aio/pyramid";
 * const config = new Configurator();
 * const factory = SignedCookieSessionFactory("a-long-random-secret-from-settings", {
 *   timeout: 3600,
 *   secure: true,
 * });
 * console.assert(typeof factory === "function");
 * void config;
 * ```
 */
export function SignedCookieSessionFactory(
  secret: string,
  options: SignedCookieSessionOptions = {},
): SessionFactory {
  const resolved = resolveSessionOptions(options, {
    cookieName: "session",
    where: "SignedCookieSessionFactory",
  });
  const serializer = new SignedSerializer(secret, {
    salt: options.salt,
    hashalg: options.hashalg,
  });
  return cookieSessionFactory(signedCodec(serializer), resolved);
}
