// The `secured_view` view deriver: enforces a view's permission (or the default permission)
// with the app's security policy before the view runs. Exception views are exempt from the
// default permission, as in Pyramid; a denial raises HTTPForbidden carrying the result.

import type { PyramidRequest } from "../request/request.ts";
import type { DerivedView, ViewDeriverInfo } from "../views/derivers.ts";
import { HTTPForbidden } from "../httpexceptions.ts";
import { NO_PERMISSION_REQUIRED } from "./constants.ts";
import { chain } from "./_maybe.ts";
import { toPermitsResult } from "./request_api.ts";

/** What `secured_view` reads of the deriver info (`where` only for its warning). */
export type SecuredViewInfo =
  & Pick<ViewDeriverInfo, "options" | "registry" | "name" | "isExceptionView">
  & Partial<Pick<ViewDeriverInfo, "where">>;

/** The permission a view requires, or undefined when it requires none. */
export function viewPermission(info: SecuredViewInfo): string | undefined {
  const explicit = info.options.permission as string | undefined;
  if (explicit === undefined && info.isExceptionView) return undefined;
  const permission = explicit ?? info.registry.defaultPermission;
  return permission === NO_PERMISSION_REQUIRED ? undefined : permission;
}

/**
 * Pyramid's `secured_view` deriver: wraps `view` so the security policy's
 * `permits(request, context, permission)` must allow it; otherwise `HTTPForbidden` with
 * `result` set to the denial. Views needing no permission, and apps without a security
 * policy, get `view` back unchanged.
 *
 * @example Deriving a protected view by hand
 * ```ts
 * import { Configurator, Denied, HTTPForbidden, securedView } from "@aio/pyramid";
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const config = new Configurator();
 * config.setSecurityPolicy({
 *   identity: () => null,
 *   authenticatedUserid: () => null,
 *   permits: () => new Denied("Nobody may."),
 *   remember: () => [],
 *   forget: () => [],
 * });
 * const view = securedView(() => new Response("secret"), {
 *   options: { permission: "view" },
 *   registry: config.registry,
 *   name: "secret",
 *   isExceptionView: false,
 * });
 * try {
 *   await view(undefined, new DummyRequest());
 * } catch (error) {
 *   console.assert(error instanceof HTTPForbidden && error.result instanceof Denied);
 * }
 * ```
 */
export function securedView(view: DerivedView, info: SecuredViewInfo): DerivedView {
  const permission = viewPermission(info);
  const policy = info.registry.securityPolicy;
  if (permission === undefined) return view;
  if (!policy) {
    // Pyramid's rule: without a security policy permissions are not enforced. Say so for a
    // view's own permission, since it is usually a forgotten setSecurityPolicy (a default
    // permission alone would repeat the same warning for every view).
    if (info.options.permission === undefined) return view;
    console.warn(
      `The view ${info.name}${info.where ? ` (at ${info.where})` : ""} asks for the ` +
        `permission '${permission}', but no security policy is set, so nothing enforces it. ` +
        "Set one with config.setSecurityPolicy(), or config.setAuthenticationPolicy() + " +
        "config.setAuthorizationPolicy().",
    );
    return view;
  }
  const label = info.name;
  const debug = info.registry.aio?.debug === true;
  return function securedView(context: unknown, request: PyramidRequest) {
    return chain(policy.permits(request, context, permission), (answer) => {
      const allowed = typeof answer === "boolean" ? answer : answer?.allowed === true;
      if (allowed) return view(context, request);
      const result = toPermitsResult(answer, `the permission '${permission}'`);
      // With aio.debug the page says which ACE decided (Pyramid's debug_authorization).
      throw new HTTPForbidden({
        detail: `Unauthorized: ${label} failed permission check` +
          (debug ? ` (${result.msg})` : ""),
        result,
      });
    });
  };
}

/** The view options `secured_view` reads. */
securedView.options = ["permission"] as readonly string[];
