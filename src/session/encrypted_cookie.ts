/**
 * `EncryptedCookieSessionFactory`: the whole session in a cookie the client can neither
 * read nor change: a Fernet token (AES-128-CBC + HMAC-SHA256) of
 * `{"created": <seconds>, "session": {...}}`, the format of aiohttp_session's
 * `EncryptedCookieStorage`, so the two can share sessions given the same key.
 *
 * Fernet rather than AES-GCM because it is what the Python side already speaks: the
 * asyncio stack this framework follows sets up `EncryptedCookieStorage`, and a cookie
 * either side can open keeps a migration painless. (AES-GCM would be one primitive
 * instead of two, but no Python peer reads it.)
 *
 * @module
 */

import { fromUtf8, utf8 } from "./_codec.ts";
import {
  type CookieCodec,
  cookieSessionFactory,
  isRecord,
  type SessionFactory,
} from "./factory.ts";
import { Fernet, fernetKeyBytes } from "./fernet.ts";
import { resolveSessionOptions, type SessionOptions } from "./options.ts";

function fernetCodec(fernet: Fernet, maxAge: number | null): CookieCodec {
  return {
    async decode(value) {
      // aiohttp_session refuses tokens older than max_age; so do we.
      const message = await fernet.decrypt(value, maxAge === null ? {} : { ttl: maxAge });
      if (message === undefined) return undefined;
      const payload = JSON.parse(fromUtf8(message.data));
      if (!isRecord(payload)) return undefined;
      const { created, session } = payload;
      if (created !== undefined && typeof created !== "number") return undefined;
      if (session !== undefined && session !== null && !isRecord(session)) return undefined;
      return {
        data: session ?? {},
        created: created ?? message.timestamp,
        renewed: message.timestamp,
      };
    },
    encode(session) {
      const payload = { created: Math.floor(session.created), session: session.toJSON() };
      return fernet.encrypt(utf8(JSON.stringify(payload)), session.accessed);
    },
  };
}

/**
 * A session factory keeping the session in an encrypted, authenticated cookie. `key` is
 * 32 random bytes, or those bytes in URL-safe base64 (what Python's
 * `Fernet.generate_key()` prints). The cookie name defaults to aiohttp_session's
 * `AIOHTTP_SESSION`.
 *
 * @example Encrypted cookie sessions with a key from the settings
 * ```ts
 * import { EncryptedCookieSessionFactory } from "@aio/pyramid";
 * const key = "6GkqCEW0K4vOVNDsz1dqJS3cBmtcYLbZvkiaDRb2kj4="; // from settings, not source
 * const factory = EncryptedCookieSessionFactory(key, { maxAge: 86400 });
 * console.assert(typeof factory === "function");
 * ```
 */
export function EncryptedCookieSessionFactory(
  key: string | Uint8Array,
  options: SessionOptions = {},
): SessionFactory {
  const resolved = resolveSessionOptions(options, {
    cookieName: "AIOHTTP_SESSION",
    where: "EncryptedCookieSessionFactory",
  });
  fernetKeyBytes(key, "EncryptedCookieSessionFactory");
  return cookieSessionFactory(fernetCodec(new Fernet(key), resolved.maxAge), resolved);
}
