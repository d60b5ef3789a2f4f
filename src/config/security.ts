/**
 * The Configurator's security methods as functions of the registry: security policies
 * (Pyramid 2), authentication + authorization policies (Pyramid 1, paired into one security
 * policy as Pyramid 2 does) and the default permission.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import type { Registry } from "./registry.ts";
import { LegacySecurityPolicy, type SecurityPolicy } from "../security/security_policy.ts";
import type { AuthenticationPolicy } from "../security/callback_policy.ts";
import type { AuthorizationPolicy } from "../security/acl.ts";
import type { AppExtension } from "../extension.ts";

function requireMethods(what: string, policy: unknown, methods: string[], example: string): void {
  const missing = policy === null || typeof policy !== "object"
    ? methods
    : methods.filter((m) => typeof (policy as Record<string, unknown>)[m] !== "function");
  if (missing.length) {
    throw new ConfigurationError(
      `${what} must be an object with the methods ${methods.join(", ")}; ` +
        `${
          policy === null || typeof policy !== "object"
            ? `got ${typeof policy}`
            : `it lacks ${missing.join(", ")}`
        }. ` +
        `For example: ${example}.`,
    );
  }
}

function refuseMixedStyles(registry: Registry): void {
  if (
    registry.securityPolicy && !(registry.securityPolicy instanceof LegacySecurityPolicy) &&
    (registry.authenticationPolicy || registry.authorizationPolicy)
  ) {
    throw new ConfigurationError(
      "Both a security policy (setSecurityPolicy) and an authentication/authorization policy " +
        "(setAuthenticationPolicy/setAuthorizationPolicy) are set. Use one style: a Pyramid 2 " +
        "security policy, or the Pyramid 1 pair (which is adapted into one security policy).",
    );
  }
}

function pair(registry: Registry): void {
  const { authenticationPolicy, authorizationPolicy } = registry;
  registry.securityPolicy = authenticationPolicy && authorizationPolicy
    ? new LegacySecurityPolicy(authenticationPolicy, authorizationPolicy)
    : undefined;
}

/** `config.setSecurityPolicy(policy)`: a Pyramid 2 security policy. */
export function setSecurityPolicy(registry: Registry, policy: SecurityPolicy): void {
  requireMethods(
    "setSecurityPolicy(policy): the policy",
    policy,
    ["identity", "authenticatedUserid", "permits", "remember", "forget"],
    "a class with identity(request), authenticatedUserid(request), permits(request, context, permission), remember(request, userid), forget(request)",
  );
  registry.securityPolicy = policy;
  refuseMixedStyles(registry);
}

/** `config.setAuthenticationPolicy(policy)`: pairs with the authorization policy. */
export function setAuthenticationPolicy(registry: Registry, policy: AuthenticationPolicy): void {
  requireMethods(
    "setAuthenticationPolicy(policy): the policy",
    policy,
    ["authenticatedUserid", "unauthenticatedUserid", "effectivePrincipals", "remember", "forget"],
    "new AuthTktAuthenticationPolicy(secret, { callback })",
  );
  registry.authenticationPolicy = policy;
  refuseMixedStyles(registry);
  pair(registry);
}

/** `config.setAuthorizationPolicy(policy)`: pairs with the authentication policy. */
export function setAuthorizationPolicy(registry: Registry, policy: AuthorizationPolicy): void {
  requireMethods(
    "setAuthorizationPolicy(policy): the policy",
    policy,
    ["permits"],
    "new ACLAuthorizationPolicy()",
  );
  registry.authorizationPolicy = policy;
  refuseMixedStyles(registry);
  pair(registry);
}

/** `config.setDefaultPermission(permission)`: what views registered without one require. */
export function setDefaultPermission(registry: Registry, permission: string): void {
  if (typeof permission !== "string" || permission === "") {
    throw new ConfigurationError(
      `setDefaultPermission(permission) takes a permission name such as "view"; got ${
        JSON.stringify(permission)
      }.`,
    );
  }
  registry.defaultPermission = permission;
}

/**
 * Checks, when the app is made, that a Pyramid 1 policy is not left without its partner:
 * Pyramid refuses that too, because permissions would then protect nothing.
 */
export function checkSecurity(registry: Registry): void {
  const { authenticationPolicy, authorizationPolicy } = registry;
  if (authenticationPolicy && !authorizationPolicy) {
    throw new ConfigurationError(
      "An authentication policy is set without an authorization policy. Add " +
        "config.setAuthorizationPolicy(new ACLAuthorizationPolicy()).",
    );
  }
  if (authorizationPolicy && !authenticationPolicy) {
    throw new ConfigurationError(
      "An authorization policy is set without an authentication policy. Add one, e.g. " +
        "config.setAuthenticationPolicy(new AuthTktAuthenticationPolicy(secret)).",
    );
  }
}

/** Runs {@linkcode checkSecurity} when the app is made (added by the Pyramid 1 setters). */
export const SECURITY_CHECK: AppExtension = Object.freeze({
  name: "security-check",
  install(host: { registry: Registry }) {
    checkSecurity(host.registry);
  },
});
