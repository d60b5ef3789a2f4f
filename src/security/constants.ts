// Principals, ACE actions and the special permission values, with Pyramid's spellings.

/** The principal every request has, authenticated or not (Pyramid's `Everyone`). */
export const Everyone = "system.Everyone";

/** The principal every request with an authenticated user has (Pyramid's `Authenticated`). */
export const Authenticated = "system.Authenticated";

/** The action of an ACE that grants its permissions. */
export const Allow = "Allow";

/** The action of an ACE that refuses its permissions. */
export const Deny = "Deny";

/**
 * The permission a view registers to opt out of a default permission set with
 * `config.setDefaultPermission` (Pyramid's `NO_PERMISSION_REQUIRED`).
 *
 * @example Keeping a login page public under a default permission
 * ```ts
 * import { Configurator, NO_PERMISSION_REQUIRED } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("login", "/login");
 * config.addView(async () => "log in here", {
 *   routeName: "login",
 *   renderer: "string",
 *   permission: NO_PERMISSION_REQUIRED,
 * });
 * ```
 */
export const NO_PERMISSION_REQUIRED = "__no_permission_required__";

/** An ACE action: {@linkcode Allow} or {@linkcode Deny}. */
export type AceAction = typeof Allow | typeof Deny;

/**
 * The class of {@linkcode ALL_PERMISSIONS}: a permission list that contains every permission.
 *
 * @example Testing membership
 * ```ts
 * import { ALL_PERMISSIONS } from "@aio/pyramid";
 * console.assert(ALL_PERMISSIONS.has("anything"));
 * ```
 */
export class AllPermissionsList {
  /** Always true: every permission is in the list. */
  has(_permission: string): boolean {
    return true;
  }
  /** Iterates nothing (as Pyramid's does): the list is not enumerable. */
  *[Symbol.iterator](): IterableIterator<string> {}
  /** How it prints in ACL debug messages. */
  toString(): string {
    return "ALL_PERMISSIONS";
  }
  /** How it serialises in ACL debug messages. */
  toJSON(): string {
    return "ALL_PERMISSIONS";
  }
}

/**
 * Every permission, for an ACE such as `[Allow, "group:admin", ALL_PERMISSIONS]`.
 *
 * @example Granting admins everything
 * ```ts
 * import { ALL_PERMISSIONS, Allow, type ACL } from "@aio/pyramid";
 * const acl: ACL = [[Allow, "group:admin", ALL_PERMISSIONS]];
 * console.assert(acl.length === 1);
 * ```
 */
export const ALL_PERMISSIONS: AllPermissionsList = Object.freeze(new AllPermissionsList());

/** The permissions of an ACE: one name, several, or {@linkcode ALL_PERMISSIONS}. */
export type AcePermissions = string | readonly string[] | ReadonlySet<string> | AllPermissionsList;

/** An access control entry: `[action, principal, permissions]`. */
export type ACE = readonly [action: AceAction, principal: string, permissions: AcePermissions];

/** An access control list: ACEs, checked in order. */
export type ACL = readonly ACE[];

/**
 * One ACE that denies every permission to everyone; put it last in an ACL to stop
 * inheritance from the resource's parents (Pyramid's `DENY_ALL`).
 *
 * @example Stopping inheritance
 * ```ts
 * import { Allow, DENY_ALL, type ACL } from "@aio/pyramid";
 * const acl: ACL = [[Allow, "group:editors", "edit"], DENY_ALL];
 * console.assert(acl[1][0] === "Deny");
 * ```
 */
export const DENY_ALL: ACE = Object.freeze([Deny, Everyone, ALL_PERMISSIONS] as const);

/** Whether `permissions` (an ACE's third member) contains `permission`. */
export function aceHasPermission(permissions: AcePermissions, permission: string): boolean {
  if (typeof permissions === "string") return permissions === permission;
  if (permissions instanceof AllPermissionsList) return true;
  if (Array.isArray(permissions)) return permissions.includes(permission);
  if (permissions instanceof Set) return permissions.has(permission);
  return false;
}
