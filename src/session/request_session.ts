/**
 * `request.session` underneath: the request's session, made by the configured factory on
 * first use and kept for the rest of the request, so a request that never touches the
 * session pays nothing and one that touches it twice loads it once.
 *
 * @module
 */

import type { SessionFactory, SessionRequest } from "./factory.ts";
import type { ISession, Session } from "./session.ts";

/**
 * The type of `request.session`: in async views a Promise of the session (`await` it), in
 * blocking views the session itself. (One type for both, so either use type-checks.)
 */
export type RequestSession = Promise<ISession> & ISession;

/** A request whose registry may hold a session factory (a `PyramidRequest` is one). */
export interface SessionfulRequest extends SessionRequest {
  /** The registry, where `config.setSessionFactory()` put the factory. */
  readonly registry: { readonly sessionFactory?: SessionFactory | undefined };
}

const loading = new WeakMap<object, Promise<Session>>();
const loaded = new WeakMap<object, Session>();

/**
 * The request's session (a Promise; what `request.session` returns in async views).
 * Rejects when no session factory is configured, and with a 503 when the store is away.
 *
 * @example Loading the session in an async view
 * ```ts
 * import { loadSession, SignedCookieSessionFactory } from "@aio/pyramid";
 * const request = {
 *   cookies: {},
 *   addResponseCallback() {},
 *   registry: { sessionFactory: SignedCookieSessionFactory("a-long-random-secret") },
 * };
 * const session = await loadSession(request);
 * console.assert(session === await loadSession(request), "loaded once per request");
 * ```
 */
export function loadSession(request: SessionfulRequest): Promise<Session> {
  const pending = loading.get(request);
  if (pending) return pending;
  const factory = request.registry.sessionFactory;
  if (factory === undefined) {
    return Promise.reject(
      new Error(
        "No session factory is configured, so there is no request.session. Call " +
          "config.setSessionFactory(SignedCookieSessionFactory(secret)) (or another store) " +
          "when configuring the app.",
      ),
    );
  }
  const session = factory(request).then((session) => {
    loaded.set(request, session);
    return session;
  });
  loading.set(request, session);
  return session;
}

/** The request's session if it has been loaded already, else undefined (never loads). */
export function loadedSession(request: object): Session | undefined {
  return loaded.get(request);
}
