// AuthTktAuthenticationPolicy: a callback policy over the auth_tkt cookie.

import type { PyramidRequest } from "../request/request.ts";
import {
  CallbackAuthenticationPolicy,
  type HeaderList,
  type PrincipalsCallback,
} from "./callback_policy.ts";
import {
  AuthTktCookieHelper,
  type AuthTktCookieOptions,
  type RememberOptions,
} from "./cookie_helper.ts";

/** Options of {@linkcode AuthTktAuthenticationPolicy}. */
export interface AuthTktPolicyOptions extends AuthTktCookieOptions {
  /** The principals callback (may be async); none means every ticket's user exists. */
  callback?: PrincipalsCallback;
}

/**
 * Authentication from a signed `auth_tkt` cookie, compatible with Pyramid's policy of the same
 * name: cookies either one writes, the other accepts (same secret and `hashalg`).
 *
 * @example Logging in and reading the user back
 * ```ts
 * import { AuthTktAuthenticationPolicy } from "@aio/pyramid";
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const policy = new AuthTktAuthenticationPolicy("a-secret-of-at-least-32-bytes!!!!!", {
 *   callback: async (userid) => userid === "ann" ? ["group:editors"] : null,
 *   timeout: 3600,
 *   reissueTime: 360,
 * });
 * const [[, setCookie]] = policy.remember(new DummyRequest(), "ann");
 * const request = new DummyRequest({
 *   headers: { cookie: setCookie.slice(0, setCookie.indexOf(";")) },
 * });
 * console.assert(await policy.authenticatedUserid(request) === "ann");
 * ```
 */
export class AuthTktAuthenticationPolicy extends CallbackAuthenticationPolicy {
  /** The cookie helper doing the reading and writing. */
  readonly cookie: AuthTktCookieHelper;

  /** Creates the policy; `secret` signs the tickets (at least 32 bytes). */
  constructor(secret: string | Uint8Array, options: AuthTktPolicyOptions = {}) {
    super();
    const { callback, ...cookieOptions } = options;
    this.cookie = new AuthTktCookieHelper(secret, cookieOptions);
    this.callback = callback;
  }

  /** The ticket's userid, or null. */
  unauthenticatedUserid(request: PyramidRequest): unknown {
    return this.cookie.identify(request)?.userid ?? null;
  }

  /** `Set-Cookie` headers with a ticket for `userid` (options: `maxAge`, `tokens`). */
  remember(request: PyramidRequest, userid: unknown, options?: RememberOptions): HeaderList {
    return this.cookie.remember(request, userid, options);
  }

  /** `Set-Cookie` headers deleting the ticket. */
  forget(request: PyramidRequest): HeaderList {
    return this.cookie.forget(request);
  }
}
