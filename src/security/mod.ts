/**
 * Security: who the user is (authentication) and what they may do (authorization), in both
 * of Pyramid's styles. Pyramid 1 / aiopyramid: an authentication policy
 * ({@linkcode AuthTktAuthenticationPolicy}, {@linkcode BasicAuthAuthenticationPolicy}, or a
 * {@linkcode CallbackAuthenticationPolicy} of your own, optionally made with
 * {@linkcode authnPolicyFactory} for an async callback) paired with an authorization policy
 * ({@linkcode ACLAuthorizationPolicy}). Pyramid 2: one {@linkcode SecurityPolicy}, which
 * {@linkcode AuthTktCookieHelper} and {@linkcode ACLHelper} help build. Everything may be
 * async: `__acl__`, callbacks and policy methods are awaited on the main isolate.
 *
 * @example An AuthTkt policy with ACLs, an editors-only view and a login view
 * ```ts
 * import {
 *   ACLAuthorizationPolicy,
 *   Allow,
 *   AuthTktAuthenticationPolicy,
 *   Configurator,
 *   Everyone,
 *   HTTPSeeOther,
 *   type PyramidRequest,
 *   remember,
 * } from "@aio/pyramid";
 *
 * const config = new Configurator({
 *   rootFactory: () => ({ __acl__: [[Allow, Everyone, "view"], [Allow, "group:editors", "edit"]] }),
 * });
 * config.setAuthenticationPolicy(
 *   new AuthTktAuthenticationPolicy("a-secret-of-at-least-32-bytes!!!!!", {
 *     callback: async (userid) => userid === "ann" ? ["group:editors"] : [],
 *   }),
 * );
 * config.setAuthorizationPolicy(new ACLAuthorizationPolicy());
 * config.addRoute("edit", "/edit");
 * config.addRoute("login", "/login");
 * config.addView(async () => "editing", { routeName: "edit", permission: "edit", renderer: "string" });
 * config.addView(async (request: PyramidRequest) => {
 *   return new HTTPSeeOther({ location: "/edit", headers: await remember(request, "ann") });
 * }, { routeName: "login" });
 * ```
 *
 * @module
 */

export {
  type ACE,
  type AceAction,
  type AcePermissions,
  type ACL,
  ALL_PERMISSIONS,
  Allow,
  AllPermissionsList,
  Authenticated,
  Deny,
  DENY_ALL,
  Everyone,
  NO_PERMISSION_REQUIRED,
} from "./constants.ts";
export { ACLAllowed, type ACLCheck, ACLDenied, Allowed, Denied, PermitsResult } from "./results.ts";
export {
  ACLAuthorizationPolicy,
  ACLHelper,
  type AuthorizationPolicy,
  type MaybePromise,
} from "./acl.ts";
export {
  type AuthenticationPolicy,
  CallbackAuthenticationPolicy,
  type HeaderList,
  type PrincipalsCallback,
} from "./callback_policy.ts";
export {
  BasicAuthAuthenticationPolicy,
  type BasicAuthCheck,
  type BasicAuthOptions,
  type BasicCredentials,
  extractHttpBasicCredentials,
} from "./basic_auth.ts";
export {
  AuthTktCookieHelper,
  type AuthTktCookieOptions,
  type AuthTktIdentity,
  type RememberOptions,
  type TicketHashAlgorithm,
} from "./cookie_helper.ts";
export { AuthTktAuthenticationPolicy, type AuthTktPolicyOptions } from "./auth_tkt_policy.ts";
export {
  type AsyncAuthenticationPolicy,
  type AsyncPolicy,
  authnPolicyFactory,
} from "./authn_factory.ts";
export {
  LegacySecurityPolicy,
  type PermitsAnswer,
  type SecurityPolicy,
} from "./security_policy.ts";
export { forget, remember } from "./request_api.ts";
export { securedView, type SecuredViewInfo } from "./secured_view.ts";
