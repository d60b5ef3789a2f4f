// Pyramid 2's security policy, and the adapter that makes one of a Pyramid 1
// authentication + authorization policy pair (Pyramid's LegacySecurityPolicy).

import type { PyramidRequest } from "../request/request.ts";
import type { AuthorizationPolicy, MaybePromise } from "./acl.ts";
import type { AuthenticationPolicy, HeaderList } from "./callback_policy.ts";
import { chain } from "./_maybe.ts";

/** What `permits` may answer: a result with `allowed` (and `msg`), or a plain boolean. */
export type PermitsAnswer = { readonly allowed: boolean; readonly msg?: string } | boolean;

/**
 * A Pyramid 2 security policy: one object that identifies the user, decides permissions and
 * writes/forgets credentials. Every method may be async (return a Promise); the framework
 * awaits it on the main isolate, and blocking views receive plain values.
 *
 * @example A policy over a session-less API token header
 * ```ts
 * import {
 *   ACLHelper,
 *   Authenticated,
 *   Configurator,
 *   Everyone,
 *   type PyramidRequest,
 *   type SecurityPolicy,
 * } from "@aio/pyramid";
 *
 * const tokens = new Map([["t0ken", { id: "ann", groups: ["group:editors"] }]]);
 * const acl = new ACLHelper();
 * const policy: SecurityPolicy = {
 *   async identity(request: PyramidRequest) {
 *     return tokens.get(request.headers.get("x-token") ?? "") ?? null;
 *   },
 *   async authenticatedUserid(request) {
 *     return (await this.identity(request) as { id: string } | null)?.id ?? null;
 *   },
 *   async permits(request, context, permission) {
 *     const user = await this.identity(request) as { id: string; groups: string[] } | null;
 *     const principals = user ? [Everyone, Authenticated, user.id, ...user.groups] : [Everyone];
 *     return acl.permits(context, principals, permission);
 *   },
 *   remember: () => [],
 *   forget: () => [],
 * };
 * new Configurator().setSecurityPolicy(policy);
 * ```
 */
export interface SecurityPolicy {
  /** An object for the current user (or null when anonymous). */
  identity(request: PyramidRequest): MaybePromise<unknown>;
  /** The current user's id (or null). */
  authenticatedUserid(request: PyramidRequest): MaybePromise<unknown>;
  /** Whether the request holds `permission` on `context`. */
  permits(
    request: PyramidRequest,
    context: unknown,
    permission: string,
  ): MaybePromise<PermitsAnswer>;
  /** Headers that remember `userid`. */
  remember(
    request: PyramidRequest,
    userid: unknown,
    options?: Record<string, unknown>,
  ): MaybePromise<HeaderList>;
  /** Headers that forget the current user. */
  forget(request: PyramidRequest, options?: Record<string, unknown>): MaybePromise<HeaderList>;
}

/**
 * The security policy `config.setAuthenticationPolicy` + `config.setAuthorizationPolicy`
 * make (Pyramid's `LegacySecurityPolicy`): identity is the authenticated userid; `permits`
 * asks the authorization policy about the authentication policy's effective principals.
 *
 * @example Adapting a policy pair by hand
 * ```ts
 * import {
 *   ACLAuthorizationPolicy,
 *   AuthTktAuthenticationPolicy,
 *   LegacySecurityPolicy,
 * } from "@aio/pyramid";
 * const policy = new LegacySecurityPolicy(
 *   new AuthTktAuthenticationPolicy("a-secret-of-at-least-32-bytes!!!!!"),
 *   new ACLAuthorizationPolicy(),
 * );
 * console.assert(typeof policy.permits === "function");
 * ```
 */
export class LegacySecurityPolicy implements SecurityPolicy {
  /** The authentication policy. */
  readonly authenticationPolicy: AuthenticationPolicy;
  /** The authorization policy. */
  readonly authorizationPolicy: AuthorizationPolicy;

  /** Pairs the two policies. */
  constructor(authentication: AuthenticationPolicy, authorization: AuthorizationPolicy) {
    this.authenticationPolicy = authentication;
    this.authorizationPolicy = authorization;
  }

  /** The authenticated userid. */
  identity(request: PyramidRequest): MaybePromise<unknown> {
    return this.authenticatedUserid(request);
  }

  /** The authentication policy's authenticated userid. */
  authenticatedUserid(request: PyramidRequest): MaybePromise<unknown> {
    return this.authenticationPolicy.authenticatedUserid(request);
  }

  /** The authorization policy's decision for the effective principals. */
  permits(
    request: PyramidRequest,
    context: unknown,
    permission: string,
  ): MaybePromise<PermitsAnswer> {
    return chain(
      this.authenticationPolicy.effectivePrincipals(request),
      (principals) => this.authorizationPolicy.permits(context, principals, permission),
    );
  }

  /** The authentication policy's remember headers. */
  remember(
    request: PyramidRequest,
    userid: unknown,
    options?: Record<string, unknown>,
  ): MaybePromise<HeaderList> {
    return this.authenticationPolicy.remember(request, userid, options);
  }

  /** The authentication policy's forget headers; options are refused as in Pyramid. */
  forget(request: PyramidRequest, options?: Record<string, unknown>): MaybePromise<HeaderList> {
    if (options && Object.keys(options).length) {
      throw new TypeError(
        "Authentication policies do not take options in forget(request); drop them, " +
          "or use a Pyramid 2 security policy (config.setSecurityPolicy) that does.",
      );
    }
    return this.authenticationPolicy.forget(request);
  }
}
