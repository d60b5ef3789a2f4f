// The request-level security API: what `request.identity`, `request.authenticatedUserid`, ...
// and `remember`/`forget` answer. On the main isolate they return Promises, so async
// policies, ACLs and callbacks are awaited natively. Inside an executor worker (a blocking
// view) they return plain values: the same computation runs on the main isolate, with the
// main request, through the "aio.security" service, and only cloneable data comes back.

import type { PyramidRequest } from "../request/request.ts";
import { callService, inExecutorWorker, registerService } from "../executor/channel.ts";
import type { MaybePromise } from "./acl.ts";
import type { HeaderList } from "./callback_policy.ts";
import { type ACE, type ACL, Everyone } from "./constants.ts";
import { ACLAllowed, ACLDenied, Allowed, Denied, type PermitsResult } from "./results.ts";
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

async function rememberOnMain(
  request: PyramidRequest,
  userid: unknown,
  options?: Record<string, unknown>,
): Promise<HeaderList> {
  const policy = request.registry.securityPolicy;
  return policy ? [...await policy.remember(request, userid, options)] : [];
}

async function forgetOnMain(
  request: PyramidRequest,
  options?: Record<string, unknown>,
): Promise<HeaderList> {
  const policy = request.registry.securityPolicy;
  return policy ? [...await policy.forget(request, options)] : [];
}

/**
 * Headers that remember `userid` with the app's security policy (e.g. the auth_tkt
 * `Set-Cookie`); empty without a policy. Send them with the response. A Promise in async
 * code; the headers themselves in a blocking view.
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
export function remember(
  request: PyramidRequest,
  userid: unknown,
  options?: Record<string, unknown>,
): MaybePromise<HeaderList> {
  if (inExecutorWorker()) return callService(SERVICE, "remember", userid, options) as HeaderList;
  return rememberOnMain(request, userid, options);
}

/**
 * Headers that forget the current user (e.g. an expired auth_tkt `Set-Cookie`); empty
 * without a policy. A Promise in async code; the headers themselves in a blocking view.
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
export function forget(
  request: PyramidRequest,
  options?: Record<string, unknown>,
): MaybePromise<HeaderList> {
  if (inExecutorWorker()) return callService(SERVICE, "forget", options) as HeaderList;
  return forgetOnMain(request, options);
}

// --------------------------------------------------------------- both worlds

const SERVICE = "aio.security";

/** The request's security members by name: the main-isolate implementation of each. */
const MEMBERS = {
  identity,
  authenticatedUserid,
  unauthenticatedUserid,
  effectivePrincipals,
  isAuthenticated,
} as const;

/** The name of a request security property. */
export type SecurityProperty = keyof typeof MEMBERS;

/** A security property of `request`: a Promise on the main isolate, the value in a worker. */
export function securityProperty(
  request: PyramidRequest,
  name: SecurityProperty,
): MaybePromise<unknown> {
  if (inExecutorWorker()) return callService(SERVICE, name);
  return MEMBERS[name](request);
}

// What crosses from the main isolate for hasPermission: the result without its context
// (a resource may hold functions and cycles); the worker puts its own context back.
interface PermitsWire {
  kind: "ACLAllowed" | "ACLDenied" | "Allowed" | "Denied";
  msg: string;
  ace?: ACE | "<default deny>";
  acl?: ACL | string;
  permission?: string;
  principals?: string[];
}

function toWire(result: PermitsResult): PermitsWire {
  const kind = result instanceof ACLAllowed
    ? "ACLAllowed"
    : result instanceof ACLDenied
    ? "ACLDenied"
    : result.allowed
    ? "Allowed"
    : "Denied";
  if (!(result instanceof ACLAllowed || result instanceof ACLDenied)) {
    return { kind, msg: result.msg };
  }
  let acl: ACL | string = result.acl;
  try {
    acl = structuredClone(acl);
  } catch {
    acl = String(acl);
  }
  return {
    kind,
    msg: result.msg,
    ace: result.ace,
    acl,
    permission: result.permission,
    principals: [...result.principals],
  };
}

function fromWire(wire: PermitsWire, context: unknown): PermitsResult {
  if (wire.kind === "Allowed") return new Allowed(wire.msg);
  if (wire.kind === "Denied") return new Denied(wire.msg);
  const check = {
    ace: wire.ace!,
    acl: wire.acl!,
    permission: wire.permission!,
    principals: wire.principals!,
    context,
  };
  return wire.kind === "ACLAllowed" ? new ACLAllowed(check) : new ACLDenied(check);
}

/** `request.hasPermission(permission, context?)`: a Promise on the main isolate, the result in a worker. */
export function requestHasPermission(
  request: PyramidRequest,
  permission: string,
  context?: unknown,
): MaybePromise<PermitsResult> {
  if (!inExecutorWorker()) return hasPermission(request, permission, context);
  // The worker's context is a copy; without an explicit one the main request's own is used.
  const explicit = context !== undefined && context !== request.context;
  const wire = callService(
    SERVICE,
    "hasPermission",
    permission,
    explicit,
    explicit ? context : undefined,
  );
  return fromWire(wire as PermitsWire, context ?? request.context);
}

function mainRequest(call: { context: unknown }): PyramidRequest {
  const request = (call.context as { request?: PyramidRequest } | undefined)?.request;
  if (!request) {
    throw new Error(
      "Security members (request.authenticatedUserid, remember(), ...) called from the " +
        "executor work only while a blocking view runs, with its request.",
    );
  }
  return request;
}

// One handler per isolate; it finds the app through the calling view's request.
registerService(SERVICE, async function securityService(args, call) {
  const request = mainRequest(call);
  const [op, ...rest] = args as [string, ...unknown[]];
  switch (op) {
    case "remember":
      return await rememberOnMain(request, rest[0], rest[1] as Record<string, unknown>);
    case "forget":
      return await forgetOnMain(request, rest[0] as Record<string, unknown>);
    case "hasPermission": {
      const [permission, explicit, context] = rest as [string, boolean, unknown];
      return toWire(await hasPermission(request, permission, explicit ? context : undefined));
    }
    default:
      if (op in MEMBERS) return await MEMBERS[op as SecurityProperty](request);
      throw new Error(`Unknown security request member '${op}'.`);
  }
}, { describe: (args) => `request.${args[0]}` });
