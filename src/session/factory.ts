/**
 * What a session factory is, what it needs from a request, and the machinery shared by
 * the two cookie stores: read the cookie once, drop it when it is bad or timed out, and
 * write it back through a response callback when the session changed.
 *
 * @module
 */

import { nowSeconds, Session } from "./session.ts";
import type { JsonValue } from "./session.ts";
import { MAX_COOKIE_BYTES, type ResolvedSessionOptions, sessionCookieHeader } from "./options.ts";

/** Runs after the view, before the response leaves; may be async. */
export type SessionResponseCallback = (
  request: unknown,
  response: Response,
) => void | Promise<void>;

/** What a session factory needs from a request (a `PyramidRequest` has all of it). */
export interface SessionRequest {
  /** The request's cookies. */
  readonly cookies: Readonly<Record<string, string>>;
  /** The error an exception view is rendering, if any (for `setOnException`). */
  readonly exception?: unknown;
  /** Registers a callback run with the response before it leaves. */
  addResponseCallback(callback: SessionResponseCallback): void;
}

/**
 * Makes the session of a request: what `config.setSessionFactory()` takes. The three
 * built-in stores return one; `close()` (when present) is called by `app.close()`.
 *
 * @example A factory that keeps sessions for the life of the process (tests only)
 * ```ts
 * import { Session, type SessionFactory } from "@aio/pyramid";
 * const memory: SessionFactory = async (_request) => new Session();
 * console.assert((await memory({ cookies: {}, addResponseCallback() {} })).new);
 * ```
 */
export type SessionFactory =
  & ((request: SessionRequest) => Promise<Session>)
  & { close?: () => Promise<void> };

/** What a cookie store's payload holds once verified or decrypted. */
export interface CookiePayload {
  /** The values. */
  data: Record<string, JsonValue>;
  /** Creation time, seconds since the epoch. */
  created: number;
  /** Last save, seconds since the epoch. */
  renewed: number;
}

/** How a cookie store turns a session into a cookie value and back. */
export interface CookieCodec {
  /** The payload of a cookie value, or undefined when it is not one of ours (any reason). */
  decode(value: string): Promise<CookiePayload | undefined>;
  /** The cookie value for a session about to be saved. */
  encode(session: Session): Promise<string>;
}

/** Whether a value parsed from JSON is a plain object (a session's data). */
export function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reports a session that cannot be sent as a cookie; the response goes out without it. */
export function reportOversized(options: ResolvedSessionOptions, size: number): void {
  console.error(
    `[aio.pyramid] The session cookie '${options.cookieName}' would be ${size} bytes, over the ` +
      `${MAX_COOKIE_BYTES} bytes a browser keeps, so it was not sent and this request's ` +
      "session changes are lost. Keep less in the session (ids rather than records), or use " +
      "RedisSessionFactory, which keeps only an id in the cookie.",
  );
}

/** Builds a session factory over a cookie codec (the signed and encrypted stores). */
export function cookieSessionFactory(
  codec: CookieCodec,
  options: ResolvedSessionOptions,
): SessionFactory {
  const name = options.cookieName;

  async function save(session: Session, request: SessionRequest, response: Response) {
    if (!options.setOnException && request.exception !== undefined) return;
    if (session.invalidated && Object.keys(session.toJSON()).length === 0) {
      response.headers.append("set-cookie", sessionCookieHeader(options, null));
      return;
    }
    const value = await codec.encode(session);
    const size = name.length + 1 + value.length;
    if (size > MAX_COOKIE_BYTES) return reportOversized(options, size);
    response.headers.append("set-cookie", sessionCookieHeader(options, value));
  }

  return async function cookieSession(request: SessionRequest): Promise<Session> {
    const onChanged = (session: Session) =>
      request.addResponseCallback((_request, response) => save(session, request, response));
    const cookie = request.cookies[name];
    let payload: CookiePayload | undefined;
    // A cookie too long to be ours is not even verified.
    if (cookie !== undefined && cookie.length <= MAX_COOKIE_BYTES) {
      try {
        payload = await codec.decode(cookie);
      } catch {
        payload = undefined; // never a 5xx for what a client sent
      }
    }
    if (payload === undefined) {
      return new Session({ reissueTime: options.reissueTime, onChanged });
    }
    // Pyramid keeps `new` false and `created` for a timed-out session, but empties it.
    const timedOut = options.timeout !== null && nowSeconds() - payload.renewed > options.timeout;
    return new Session({
      data: timedOut ? {} : payload.data,
      created: payload.created,
      renewed: payload.renewed,
      isNew: false,
      reissueTime: options.reissueTime,
      onChanged,
    });
  };
}
