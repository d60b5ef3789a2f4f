// ACL checks over a resource's lineage (Pyramid's ACLHelper and ACLAuthorizationPolicy).
// `__acl__` may be an array, a function, or an async function; a check stays synchronous
// until it meets a Promise, so plain ACLs cost no microtask.

import { lineage, type Resource } from "../traversal/resource.ts";
import { type ACE, aceHasPermission, type ACL, Allow, Deny, Everyone } from "./constants.ts";
import { ACLAllowed, ACLDenied } from "./results.ts";
import { isThenable } from "./_maybe.ts";

/** A value, or a Promise of it: what a check answers when some `__acl__` may be async. */
export type MaybePromise<T> = T | Promise<T>;

const NO_ACL = "<No ACL found on any object in resource lineage>";
const MISSING = Symbol("no __acl__");

// The lineage as an array. Walks `__parent__` directly (the common, short, acyclic case);
// past a depth no real tree reaches, lineage() takes over to report a loop.
function locationsOf(context: unknown): Resource[] {
  if (context === null || (typeof context !== "object" && typeof context !== "function")) {
    return [];
  }
  const found: Resource[] = [];
  let current = context as Resource | null | undefined;
  while (current !== null && current !== undefined) {
    found.push(current);
    if (found.length > 1000) return [...lineage(context as Resource)];
    current = current.__parent__;
  }
  return found;
}

// Reads a location's ACL: MISSING when it has none, else the list (or a Promise of it).
function readAcl(location: Resource): unknown {
  const acl = (location as { __acl__?: unknown }).__acl__;
  if (acl === undefined || acl === null) return MISSING;
  return typeof acl === "function" ? acl.call(location) : acl;
}

function checkAcl(value: unknown, location: Resource): ACL {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object" || !(Symbol.iterator in value)) {
    throw new TypeError(
      `The __acl__ of resource '${location.__name__ ?? ""}' is ${typeof value}, not a list of ` +
        `[action, principal, permissions] entries. Return an array such as [[Allow, Everyone, "view"]].`,
    );
  }
  const acl = Array.isArray(value) ? value as ACL : [...value as Iterable<ACE>];
  for (const ace of acl) {
    if (!Array.isArray(ace) || ace.length !== 3 || (ace[0] !== Allow && ace[0] !== Deny)) {
      throw new TypeError(
        `The __acl__ of resource '${location.__name__ ?? ""}' holds ${JSON.stringify(ace)}, ` +
          `which is not an ACE. Each entry must be [Allow | Deny, principal, permissions].`,
      );
    }
  }
  return acl;
}

/**
 * Decides permissions from the `__acl__` of a context and its parents (Pyramid's `ACLHelper`).
 * The first ACE, from the context up, whose principal the request has and whose permissions
 * include the one asked for decides; none → a default deny.
 *
 * @example An editors-only permission with an async ACL
 * ```ts
 * import { ACLHelper, Allow, Authenticated, Everyone } from "@aio/pyramid";
 * const root = { __name__: "", __parent__: null, __acl__: [[Allow, Everyone, "view"]] as const };
 * const page = {
 *   __name__: "page",
 *   __parent__: root,
 *   async __acl__() {
 *     return [[Allow, "group:editors", "edit"]] as const;
 *   },
 * };
 * const helper = new ACLHelper();
 * console.assert((await helper.permits(page, [Everyone], "view")).allowed);
 * console.assert(!(await helper.permits(page, [Everyone, Authenticated], "edit")).allowed);
 * ```
 */
export class ACLHelper {
  /**
   * The ACL decision for `principals` asking `permission` on `context`. Synchronous unless an
   * `__acl__` in the lineage returns a Promise.
   */
  permits(
    context: unknown,
    principals: readonly string[],
    permission: string,
  ): MaybePromise<ACLAllowed | ACLDenied> {
    return walk(locationsOf(context), 0, principals, permission, context, NO_ACL);
  }

  /**
   * The principals explicitly granted `permission` on `context` by the ACLs of its lineage,
   * walked from the root down; a Deny for a principal removes it, a Deny for Everyone clears
   * everything granted above (Pyramid's `principals_allowed_by_permission`).
   */
  principalsAllowedByPermission(context: unknown, permission: string): MaybePromise<Set<string>> {
    const locations = locationsOf(context).reverse();
    const acls: unknown[] = locations.map(readAcl);
    if (!acls.some(isThenable)) {
      return allowedBy(locations, acls, permission);
    }
    return Promise.all(acls).then((resolved) => allowedBy(locations, resolved, permission));
  }
}

function walk(
  locations: Resource[],
  start: number,
  principals: readonly string[],
  permission: string,
  context: unknown,
  lastAcl: ACL | string,
): MaybePromise<ACLAllowed | ACLDenied> {
  for (let i = start; i < locations.length; i++) {
    const location = locations[i];
    const raw = readAcl(location);
    if (raw === MISSING) continue;
    if (isThenable(raw)) {
      return Promise.resolve(raw).then((value) => {
        const acl = checkAcl(value, location);
        return decide(acl, location, principals, permission) ??
          walk(locations, i + 1, principals, permission, context, acl);
      });
    }
    const acl = checkAcl(raw, location);
    lastAcl = acl;
    const decided = decide(acl, location, principals, permission);
    if (decided) return decided;
  }
  return new ACLDenied({ ace: "<default deny>", acl: lastAcl, permission, principals, context });
}

function decide(
  acl: ACL,
  location: Resource,
  principals: readonly string[],
  permission: string,
): ACLAllowed | ACLDenied | undefined {
  for (const ace of acl) {
    if (!principals.includes(ace[1]) || !aceHasPermission(ace[2], permission)) continue;
    const check = { ace, acl, permission, principals, context: location };
    return ace[0] === Allow ? new ACLAllowed(check) : new ACLDenied(check);
  }
  return undefined;
}

function allowedBy(locations: Resource[], acls: unknown[], permission: string): Set<string> {
  let allowed = new Set<string>();
  for (let i = 0; i < locations.length; i++) {
    if (acls[i] === MISSING) continue;
    const acl = checkAcl(acls[i], locations[i]);
    const allowedHere = new Set<string>();
    const deniedHere = new Set<string>();
    for (const [action, principal, permissions] of acl) {
      if (!aceHasPermission(permissions, permission)) continue;
      if (action === Allow) {
        if (!deniedHere.has(principal)) allowedHere.add(principal);
        continue;
      }
      deniedHere.add(principal);
      if (principal === Everyone) {
        // A Deny of Everyone (DENY_ALL) wipes whatever the ancestors granted.
        allowed = new Set();
        break;
      }
      allowed.delete(principal);
    }
    for (const principal of allowedHere) allowed.add(principal);
  }
  return allowed;
}

/** The interface of an authorization policy (Pyramid 1 style); the ACL policy is one. */
export interface AuthorizationPolicy {
  /** Whether `principals` hold `permission` on `context`. */
  permits(
    context: unknown,
    principals: readonly string[],
    permission: string,
  ): MaybePromise<{ readonly allowed: boolean; readonly msg?: string }>;
  /** The principals granted `permission` on `context` (may be unsupported). */
  principalsAllowedByPermission?(
    context: unknown,
    permission: string,
  ): MaybePromise<Iterable<string>>;
}

/**
 * The authorization policy that reads ACLs (Pyramid's `ACLAuthorizationPolicy`), to pair
 * with an authentication policy through `config.setAuthorizationPolicy`.
 *
 * @example Pairing it with an AuthTkt authentication policy
 * ```ts
 * import { ACLAuthorizationPolicy, AuthTktAuthenticationPolicy, Configurator } from "@aio/pyramid";
 * const config = new Configurator();
 * config.setAuthenticationPolicy(
 *   new AuthTktAuthenticationPolicy("a-secret-of-at-least-32-bytes!!!!!"),
 * );
 * config.setAuthorizationPolicy(new ACLAuthorizationPolicy());
 * ```
 */
export class ACLAuthorizationPolicy implements AuthorizationPolicy {
  #helper = new ACLHelper();

  /** See {@linkcode ACLHelper.permits}. */
  permits(
    context: unknown,
    principals: readonly string[],
    permission: string,
  ): MaybePromise<ACLAllowed | ACLDenied> {
    return this.#helper.permits(context, principals, permission);
  }

  /** See {@linkcode ACLHelper.principalsAllowedByPermission}. */
  principalsAllowedByPermission(context: unknown, permission: string): MaybePromise<Set<string>> {
    return this.#helper.principalsAllowedByPermission(context, permission);
  }
}
