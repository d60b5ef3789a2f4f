// What a permission check answers: Allowed/Denied, and their ACL forms that say which ACE decided.

import type { ACE, ACL } from "./constants.ts";

/**
 * The answer of a permission check. JavaScript objects are always truthy, so read
 * {@linkcode PermitsResult.allowed} (Pyramid's results compare equal to `True`/`False`).
 *
 * @example Reading a result
 * ```ts
 * import { Denied } from "@aio/pyramid";
 * const result = new Denied("No security policy lets you in.");
 * console.assert(result.allowed === false && result.msg.startsWith("No"));
 * ```
 */
export abstract class PermitsResult {
  /** Whether the permission is granted. */
  abstract readonly allowed: boolean;
  #msg: string | (() => string);

  /** Creates a result explained by `msg` (a function is called once, when `msg` is read). */
  constructor(msg: string | (() => string)) {
    this.#msg = msg;
  }

  /** Why the result was reached, for logs and debug pages. */
  get msg(): string {
    if (typeof this.#msg === "function") this.#msg = this.#msg();
    return this.#msg;
  }

  /** The explanation. */
  toString(): string {
    return this.msg;
  }
}

/**
 * A grant not tied to an ACL (Pyramid's `Allowed`), e.g. "no security policy in use".
 *
 * @example A policy that lets everyone read
 * ```ts
 * import { Allowed, Denied } from "@aio/pyramid";
 * const permits = (permission: string) =>
 *   permission === "view" ? new Allowed("Everyone may view.") : new Denied("Only view is open.");
 * console.assert(permits("view").allowed);
 * ```
 */
export class Allowed extends PermitsResult {
  /** Always true. */
  readonly allowed = true;
}

/**
 * A refusal not tied to an ACL (Pyramid's `Denied`).
 *
 * @example Refusing
 * ```ts
 * import { Denied } from "@aio/pyramid";
 * console.assert(new Denied("Closed on Sundays.").allowed === false);
 * ```
 */
export class Denied extends PermitsResult {
  /** Always false. */
  readonly allowed = false;
}

/** What an ACL check looked at; {@linkcode ACLAllowed} and {@linkcode ACLDenied} carry it. */
export interface ACLCheck {
  /** The ACE that decided, or `"<default deny>"` when none did. */
  ace: ACE | "<default deny>";
  /** The ACL that held the ACE (the last ACL looked at, for a default deny). */
  acl: ACL | string;
  /** The permission asked for. */
  permission: string;
  /** The principals of the request. */
  principals: readonly string[];
  /** The resource whose ACL decided (the context itself, for a default deny). */
  context: unknown;
}

function describe(kind: string, check: ACLCheck): string {
  return `${kind} permission ${repr(check.permission)} via ACE ${repr(check.ace)} in ACL ${
    repr(check.acl)
  } on context ${describeContext(check.context)} for principals ${repr(check.principals)}`;
}

function repr(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function describeContext(context: unknown): string {
  if (context === null || typeof context !== "object") return repr(context);
  const name = (context as { __name__?: unknown }).__name__;
  const kind = context.constructor?.name ?? "Object";
  return typeof name === "string" ? `<${kind} ${repr(name)}>` : `<${kind}>`;
}

/**
 * An ACL granted the permission: `ace` is the Allow entry that matched.
 *
 * @example Seeing which ACE allowed
 * ```ts
 * import { ACLHelper, Allow, Everyone } from "@aio/pyramid";
 * const context = { __acl__: [[Allow, Everyone, "view"]] as const };
 * const result = await new ACLHelper().permits(context, [Everyone], "view");
 * console.assert(result.allowed && result.ace[0] === "Allow");
 * ```
 */
export class ACLAllowed extends Allowed implements ACLCheck {
  /** The ACE that allowed. */
  readonly ace: ACE | "<default deny>";
  /** The ACL holding it. */
  readonly acl: ACL | string;
  /** The permission asked for. */
  readonly permission: string;
  /** The request's principals. */
  readonly principals: readonly string[];
  /** The resource whose ACL allowed. */
  readonly context: unknown;

  /** Records the check; the message names all of it. */
  constructor(check: ACLCheck) {
    // The message describes the whole ACL: built only if someone reads it.
    super(() => describe("ACLAllowed", check));
    this.ace = check.ace;
    this.acl = check.acl;
    this.permission = check.permission;
    this.principals = check.principals;
    this.context = check.context;
  }
}

/**
 * An ACL refused the permission: `ace` is the Deny entry that matched, or
 * `"<default deny>"` when no ACE in the lineage mentioned the request's principals.
 *
 * @example A default deny
 * ```ts
 * import { ACLHelper, Everyone } from "@aio/pyramid";
 * const result = await new ACLHelper().permits({ __acl__: [] }, [Everyone], "edit");
 * console.assert(!result.allowed && result.ace === "<default deny>");
 * ```
 */
export class ACLDenied extends Denied implements ACLCheck {
  /** The ACE that denied, or `"<default deny>"`. */
  readonly ace: ACE | "<default deny>";
  /** The ACL holding it. */
  readonly acl: ACL | string;
  /** The permission asked for. */
  readonly permission: string;
  /** The request's principals. */
  readonly principals: readonly string[];
  /** The resource whose ACL denied (or the context). */
  readonly context: unknown;

  /** Records the check; the message names all of it. */
  constructor(check: ACLCheck) {
    super(() => describe("ACLDenied", check));
    this.ace = check.ace;
    this.acl = check.acl;
    this.permission = check.permission;
    this.principals = check.principals;
    this.context = check.context;
  }
}
