// The request-level security API: what `request.identity`, `request.authenticatedUserid`, ...
// and `remember`/`forget` answer on the main isolate. All return Promises, so async policies,
// ACLs and callbacks are awaited natively; blocking views get the values through the
// request's forwarding to the main isolate.

import type { PyramidRequest } from "../request/request.ts";
import type { HeaderList } from "./callback_policy.ts";
import { Everyone } from "./constants.ts";
import { Allowed, Denied, type PermitsResult } from "./results.ts";
import { LegacySecurityPolicy, type PermitsAnswer } from "./security_policy.ts";

/** A permits answer as a {@linkcode PermitsResult} (a boolean or a plain object are wrapped). */
export function toPermitsResult(answer: PermitsAnswer, what: string): PermitsResult {
  if (answer instanceof Allowed || answer instanceof Denied) return answer;
  if (typeof answer === "boolean") {
    return answer
      ? new Allowed(`The security policy allowed ${what}.`)
      : new Denied(`The security policy denied ${what}.`);
  }
  const msg = answer?.msg ??
    `The security policy ${answer?.allowed ? "allowed" : "denied"} ${what}.`;
  return answer?.allowed === true ? new Allowed(msg) : new Denied(msg);
}

/** The current identity, or null (Pyramid's `request.identity`). */
export async function identity(request: PyramidRequest): Promise<unknown> {
  const policy = request.registry.securityPolicy;
  return policy ? (await policy.identity(request)) ?? null : null;
}

/** The authenticated userid, or null. */
export async function authenticatedUserid(request: PyramidRequest): Promise<unknown> {
  const policy = request.registry.securityPolicy;
  return policy ? (await policy.authenticatedUserid(request)) ?? null : null;
}

/** The claimed userid; with a Pyramid 2 policy, the authenticated one (as in Pyramid). */
export async function unauthenticatedUserid(request: PyramidRequest): Promise<unknown> {
  const policy = request.registry.securityPolicy;
  if (!policy) return null;
  if (policy instanceof LegacySecurityPolicy) {
    return (await policy.authenticationPolicy.unauthenticatedUserid(request)) ?? null;
  }
  return (await policy.authenticatedUserid(request)) ?? null;
}

/** The effective principals; `[Everyone]` without a Pyramid 1 authentication policy. */
export async function effectivePrincipals(request: PyramidRequest): Promise<string[]> {
  const policy = request.registry.securityPolicy;
  if (policy instanceof LegacySecurityPolicy) {
    return await policy.authenticationPolicy.effectivePrincipals(request);
  }
  return [Everyone];
}

/** Whether a user is authenticated. */
export async function isAuthenticated(request: PyramidRequest): Promise<boolean> {
  return (await authenticatedUserid(request)) !== null;
}

/** Whether the request holds `permission` on `context` (default: `request.context`). */
export async function hasPermission(
  request: PyramidRequest,
  permission: string,
  context?: unknown,
): Promise<PermitsResult> {
  const policy = request.registry.securityPolicy;
  if (!policy) return new Allowed("No security policy in use.");
  const answer = await policy.permits(request, context ?? request.context, permission);
  return toPermitsResult(answer, `the permission '${permission}'`);
}

/**
 * Headers that remember `userid` with the app's security policy (e.g. the auth_tkt
 * `Set-Cookie`); empty without a policy. Send them with the response.
 *
 * @example Logging in from a form
 * ```ts
 * import { HTTPSeeOther, type PyramidRequest, remember } from "@aio/pyramid";
 * async function login(request: PyramidRequest) {
 *   const headers = await remember(request, String(request.POST.get("login")));
 *   return new HTTPSeeOther({ location: "/", headers });
 * }
 * console.assert(typeof login === "function");
 * ```
 */
export async function remember(
  request: PyramidRequest,
  userid: unknown,
  options?: Record<string, unknown>,
): Promise<HeaderList> {
  const policy = request.registry.securityPolicy;
  return policy ? [...await policy.remember(request, userid, options)] : [];
}

/**
 * Headers that forget the current user (e.g. an expired auth_tkt `Set-Cookie`); empty
 * without a policy.
 *
 * @example Logging out
 * ```ts
 * import { forget, HTTPSeeOther, type PyramidRequest } from "@aio/pyramid";
 * async function logout(request: PyramidRequest) {
 *   return new HTTPSeeOther({ location: "/", headers: await forget(request) });
 * }
 * console.assert(typeof logout === "function");
 * ```
 */
export async function forget(
  request: PyramidRequest,
  options?: Record<string, unknown>,
): Promise<HeaderList> {
  const policy = request.registry.securityPolicy;
  return policy ? [...await policy.forget(request, options)] : [];
}
