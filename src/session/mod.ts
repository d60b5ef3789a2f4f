/**
 * Sessions: `request.session`, Pyramid's `ISession` with JSON values, flash messages and
 * a CSRF token, kept by one of three stores: a signed cookie (Pyramid 2's format), an
 * encrypted cookie (Fernet, aiohttp_session's format) or Redis (only a signed id in the
 * cookie). Set one with `config.setSessionFactory(factory)`.
 *
 * @example Choosing a store
 * ```ts
 * import { SignedCookieSessionFactory } from "@aio/pyramid";
 * const factory = SignedCookieSessionFactory("a-long-random-secret-from-settings");
 * const session = await factory({ cookies: {}, addResponseCallback() {} });
 * console.assert(session.new && session.keys().length === 0);
 * ```
 *
 * @module
 */

export {
  type FlashOptions,
  type ISession,
  type JsonValue,
  Session,
  type SessionInit,
} from "./session.ts";
export type {
  CookieCodec,
  CookiePayload,
  SessionFactory,
  SessionRequest,
  SessionResponseCallback,
} from "./factory.ts";
export { type ResolvedSessionOptions, type SessionOptions } from "./options.ts";
export {
  SignedCookieSessionFactory,
  type SignedCookieSessionOptions,
  SignedSerializer,
  type SignedSerializerOptions,
} from "./signed_cookie.ts";
export { Fernet, type FernetMessage } from "./fernet.ts";
export { EncryptedCookieSessionFactory } from "./encrypted_cookie.ts";
export { RedisSessionFactory, type RedisSessionOptions } from "./redis.ts";
export {
  loadedSession,
  loadSession,
  type RequestSession,
  type SessionfulRequest,
} from "./request_session.ts";
export { requestSession, WorkerSession } from "./worker_session.ts";
