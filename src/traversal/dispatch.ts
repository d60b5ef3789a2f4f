/**
 * Traversal after URL dispatch, as Pyramid's traverser does it for a matched route: from the
 * route's root along `{traverse}` / `*traverse`, below the `X-Vhm-Root` virtual root if a
 * proxy sent one, with `request.subpath` taken from `*subpath` / `{subpath}` only.
 *
 * @module
 */

import type { Resource } from "./resource.ts";
import { type TraversalResult, walkTree } from "./traverse.ts";
import { splitDecodedPath, splitEncodedPath } from "./_segments.ts";

const NO_SEGMENTS: string[] = [];

/**
 * The context, view name, subpath and the rest for a request that matched a route, given the
 * route's root and matchdict. `matchdict.traverse` (a star value or a placeholder's) is the
 * path to walk, already decoded; `matchdict.subpath` becomes the subpath when the walk uses
 * up the path. Both lose empty segments, `.` and `..` (so `..%2F..%2Fetc` in a `*subpath`
 * cannot climb above the route). `virtualRootPath` is the raw `X-Vhm-Root` header: as in
 * Pyramid it applies to routes too, walked from the route's root.
 *
 * Synchronous (no Promise) when there is nothing to walk, which is the common case.
 *
 * @example A `*traverse` route below a virtual root
 * ```ts ignore
 * const found = await traverseMatched(root, { traverse: "docs/intro" }, "/site");
 * // found.context is root.get("site").get("docs").get("intro")
 * ```
 */
export function traverseMatched(
  root: unknown,
  matchdict: Readonly<Record<string, string>>,
  virtualRootPath: string | null | undefined,
): TraversalResult | Promise<TraversalResult> {
  const path = matchdict.traverse;
  const segments = path === undefined || path === "" ? NO_SEGMENTS : splitDecodedPath(path);
  const sub = matchdict.subpath;
  const subpath = sub === undefined || sub === "" ? NO_SEGMENTS : splitDecodedPath(sub);
  const virtualSegments = virtualRootPath ? splitEncodedPath(virtualRootPath) : NO_SEGMENTS;
  const resource = root as Resource;
  if (segments.length === 0 && virtualSegments.length === 0) {
    return {
      context: resource,
      viewName: "",
      subpath,
      traversed: NO_SEGMENTS,
      root: resource,
      virtualRoot: resource,
      virtualRootPath: "/",
    };
  }
  if (typeof root !== "object" || root === null) {
    throw new TypeError(
      `The root factory returned ${String(root)}, which cannot be traversed. ` +
        `Make the route's root factory return an object (a Map subclass makes a good container).`,
    );
  }
  return walkTree(resource, { root: resource, segments, virtualSegments, subpath });
}
