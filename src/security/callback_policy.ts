// Pyramid 1 authentication policies and the callback-based base class they share.

import type { PyramidRequest } from "../request/request.ts";
import { Authenticated, Everyone } from "./constants.ts";
import type { MaybePromise } from "./acl.ts";
import { chain } from "./_maybe.ts";

/** A header list as `remember`/`forget` return it: usable as `HeadersInit`. */
export type HeaderList = [name: string, value: string][];

/**
 * The principals callback ("groupfinder"): the principals of `userid` beyond its own (may be
 * empty), or `null`/`undefined` when the user does not exist. May be async.
 */
export type PrincipalsCallback = (
  userid: unknown,
  request: PyramidRequest,
) => MaybePromise<readonly string[] | null | undefined>;

/** The interface of an authentication policy (Pyramid 1 style). Each method may be async. */
export interface AuthenticationPolicy {
  /** The verified userid, or null. */
  authenticatedUserid(request: PyramidRequest): MaybePromise<unknown>;
  /** The claimed userid, not checked against the user store, or null. */
  unauthenticatedUserid(request: PyramidRequest): MaybePromise<unknown>;
  /** `[Everyone]`, plus `Authenticated`, the userid and its groups for a known user. */
  effectivePrincipals(request: PyramidRequest): MaybePromise<string[]>;
  /** Headers that remember `userid` (e.g. Set-Cookie). */
  remember(
    request: PyramidRequest,
    userid: unknown,
    options?: Record<string, unknown>,
  ): MaybePromise<HeaderList>;
  /** Headers that forget the current user. */
  forget(request: PyramidRequest): MaybePromise<HeaderList>;
}

interface CallbackAnswer {
  callback: PrincipalsCallback;
  userid: unknown;
  groups: ReturnType<PrincipalsCallback>;
}

// A userid spelled like a system principal is refused, as Pyramid refuses it.
function clean(userid: unknown): unknown {
  return userid === Everyone || userid === Authenticated ? null : userid;
}

/**
 * Base class of authentication policies that find a claimed userid themselves and ask a
 * {@linkcode PrincipalsCallback} whether the user exists and which groups it has (Pyramid's
 * `CallbackAuthenticationPolicy`). Subclasses supply `unauthenticatedUserid`, `remember` and
 * `forget`. When the callback is async, `authenticatedUserid` and `effectivePrincipals`
 * return Promises. The callback runs once per request (and userid), however many of these
 * the request asks for.
 *
 * @example A header-based policy with an async group lookup
 * ```ts
 * import { CallbackAuthenticationPolicy, type PyramidRequest } from "@aio/pyramid";
 * import { DummyRequest } from "@aio/pyramid/testing";
 *
 * class HeaderPolicy extends CallbackAuthenticationPolicy {
 *   unauthenticatedUserid(request: PyramidRequest) {
 *     return request.headers.get("x-user");
 *   }
 *   remember() {
 *     return [];
 *   }
 *   forget() {
 *     return [];
 *   }
 * }
 * const policy = new HeaderPolicy();
 * policy.callback = async (userid) => userid === "ann" ? ["group:editors"] : null;
 * const request = new DummyRequest({ headers: { "x-user": "ann" } });
 * console.assert((await policy.effectivePrincipals(request)).includes("group:editors"));
 * ```
 */
export abstract class CallbackAuthenticationPolicy implements AuthenticationPolicy {
  /** The principals callback; none means every claimed user exists with no groups. */
  callback: PrincipalsCallback | undefined = undefined;
  // What the callback answered for this request: the permission check and the view's own
  // request.authenticatedUserid then cost one lookup (often a database query), not two.
  #answers = new WeakMap<object, CallbackAnswer>();

  #groups(userid: unknown, request: PyramidRequest): ReturnType<PrincipalsCallback> {
    const callback = this.callback!;
    const known = this.#answers.get(request);
    if (known && known.callback === callback && known.userid === userid) return known.groups;
    const groups = callback.call(this, userid, request);
    this.#answers.set(request, { callback, userid, groups });
    return groups;
  }

  /** The claimed userid from the request, or null. */
  abstract unauthenticatedUserid(request: PyramidRequest): MaybePromise<unknown>;
  /** Headers that remember `userid`. */
  abstract remember(
    request: PyramidRequest,
    userid: unknown,
    options?: Record<string, unknown>,
  ): MaybePromise<HeaderList>;
  /** Headers that forget the current user. */
  abstract forget(request: PyramidRequest): MaybePromise<HeaderList>;

  /** The claimed userid when the callback knows the user (or there is no callback), else null. */
  authenticatedUserid(request: PyramidRequest): MaybePromise<unknown> {
    return chain(this.unauthenticatedUserid(request), (claimed) => {
      const userid = clean(claimed ?? null);
      if (userid === null) return null;
      const callback = this.callback;
      if (!callback) return userid;
      return chain(this.#groups(userid, request), (groups) => groups == null ? null : userid);
    });
  }

  /**
   * `[Everyone]`, or `[Everyone, Authenticated, userid, ...groups]` for a known user. The userid
   * is listed as a string (`42` → `"42"`), since ACE principals are strings.
   */
  effectivePrincipals(request: PyramidRequest): MaybePromise<string[]> {
    return chain(this.unauthenticatedUserid(request), (claimed) => {
      const userid = clean(claimed ?? null);
      if (userid === null) return [Everyone];
      const callback = this.callback;
      if (!callback) return [Everyone, Authenticated, String(userid)];
      return chain(
        this.#groups(userid, request),
        (groups) =>
          groups == null ? [Everyone] : [Everyone, Authenticated, String(userid), ...groups],
      );
    });
  }
}
