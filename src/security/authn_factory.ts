// aiopyramid's authn_policy_factory: a callback policy whose callback may be async and whose
// methods all return Promises, so views await them the same way whatever the callback does.

import type { PyramidRequest } from "../request/request.ts";
import { ConfigurationError } from "../errors.ts";
import {
  type AuthenticationPolicy,
  CallbackAuthenticationPolicy,
  type HeaderList,
  type PrincipalsCallback,
} from "./callback_policy.ts";

/** A policy made by {@linkcode authnPolicyFactory}: every method returns a Promise. */
export interface AsyncAuthenticationPolicy extends AuthenticationPolicy {
  /** The callback the factory installed. */
  callback: PrincipalsCallback | undefined;
  /** The verified userid, or null. */
  authenticatedUserid(request: PyramidRequest): Promise<unknown>;
  /** The claimed userid, or null. */
  unauthenticatedUserid(request: PyramidRequest): Promise<unknown>;
  /** The request's principals. */
  effectivePrincipals(request: PyramidRequest): Promise<string[]>;
  /** Headers remembering `userid`. */
  remember(
    request: PyramidRequest,
    userid: unknown,
    options?: Record<string, unknown>,
  ): Promise<HeaderList>;
  /** Headers forgetting the user. */
  forget(request: PyramidRequest): Promise<HeaderList>;
}

/** `P` with every authentication method returning a Promise. */
export type AsyncPolicy<P> =
  & Omit<P, keyof AsyncAuthenticationPolicy>
  & AsyncAuthenticationPolicy;

/**
 * Builds `new PolicyClass(...args)` with `callback` (sync or async) as its principals
 * callback, and makes its methods return Promises (aiopyramid's `authn_policy_factory`). In a
 * blocking view, `request.authenticatedUserid` and friends give plain values: the framework
 * runs the policy on the main isolate and hands the result over.
 *
 * @example An AuthTkt policy with an async groupfinder
 * ```ts
 * import { AuthTktAuthenticationPolicy, authnPolicyFactory, Configurator } from "@aio/pyramid";
 * async function getPrincipals(userid: unknown) {
 *   await new Promise((resolve) => setTimeout(resolve, 1)); // a database lookup
 *   return userid === "george" ? ["group:editors"] : null;
 * }
 * const policy = authnPolicyFactory(
 *   AuthTktAuthenticationPolicy,
 *   getPrincipals,
 *   "a-secret-of-at-least-32-bytes!!!!!",
 *   { hashalg: "sha512" },
 * );
 * const config = new Configurator();
 * config.setAuthenticationPolicy(policy);
 * ```
 */
export function authnPolicyFactory<A extends unknown[], P extends CallbackAuthenticationPolicy>(
  PolicyClass: new (...args: A) => P,
  callback: PrincipalsCallback,
  ...args: A
): AsyncPolicy<P> {
  if (typeof callback !== "function") {
    throw new ConfigurationError(
      `authnPolicyFactory(${PolicyClass?.name}, callback, ...) needs a callback function ` +
        `(userid, request) => principals or null; got ${typeof callback}.`,
    );
  }
  if (!(PolicyClass?.prototype instanceof CallbackAuthenticationPolicy)) {
    throw new ConfigurationError(
      `authnPolicyFactory needs a CallbackAuthenticationPolicy subclass (such as ` +
        `AuthTktAuthenticationPolicy); ${PolicyClass?.name} is not one. Pass its callback yourself.`,
    );
  }
  const Base = PolicyClass as unknown as new (
    ...args: unknown[]
  ) => AuthenticationPolicy & { callback: PrincipalsCallback | undefined };
  class Wrapped extends Base {
    override async authenticatedUserid(request: PyramidRequest): Promise<unknown> {
      return await super.authenticatedUserid(request);
    }
    override async unauthenticatedUserid(request: PyramidRequest): Promise<unknown> {
      return await super.unauthenticatedUserid(request);
    }
    override async effectivePrincipals(request: PyramidRequest): Promise<string[]> {
      return await super.effectivePrincipals(request);
    }
    override async remember(
      request: PyramidRequest,
      userid: unknown,
      options?: Record<string, unknown>,
    ): Promise<HeaderList> {
      return await super.remember(request, userid, options);
    }
    override async forget(request: PyramidRequest): Promise<HeaderList> {
      return await super.forget(request);
    }
  }
  Object.defineProperty(Wrapped, "name", { value: `Async${PolicyClass.name}` });
  const policy = new Wrapped(...args);
  policy.callback = callback;
  return policy as unknown as AsyncPolicy<P>;
}
