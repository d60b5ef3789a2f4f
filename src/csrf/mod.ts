/**
 * CSRF protection, as Pyramid's: tokens kept by a storage policy (the session's by
 * default, or a cookie), checked on unsafe methods by the `csrf_view` deriver for views
 * that require it, plus an origin check on https and for websocket upgrades.
 *
 * @example Protecting every form of an app
 * ```ts
 * import { Configurator, SignedCookieSessionFactory } from "@aio/pyramid";
 * const config = new Configurator();
 * config.setSessionFactory(SignedCookieSessionFactory("a-long-random-secret"));
 * config.setDefaultCsrfOptions({ requireCsrf: true });
 * ```
 *
 * @module
 */

export { BadCSRFOrigin, BadCSRFToken } from "./errors.ts";
export {
  type CookieCSRFStorageOptions,
  CookieCSRFStoragePolicy,
  type CsrfPolicyRequest,
  type CSRFStoragePolicy,
  LegacySessionCSRFStoragePolicy,
  SessionCSRFStoragePolicy,
} from "./policy.ts";
export {
  checkCsrfOrigin,
  type CheckCsrfOriginOptions,
  checkCsrfToken,
  type CheckCsrfTokenOptions,
  checkWebsocketOrigin,
  type CsrfOptions,
  csrfPolicy,
  type CsrfRegistry,
  type CsrfRequest,
  getCsrfToken,
  newCsrfToken,
  trustedOriginsOf,
} from "./check.ts";
export {
  type CsrfDerivedView,
  type CsrfDeriverInfo,
  csrfView,
  resolvedCsrfOptions,
} from "./deriver.ts";
export { requestCsrfToken } from "./request_token.ts";
