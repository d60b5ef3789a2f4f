/**
 * Traversal after URL dispatch, as Pyramid's traverser does it for a matched route: from the
 * route's root along `{traverse}` / `*traverse`, below the `X-Vhm-Root` virtual root if a
 * proxy sent one, with `request.subpath` taken from `*subpath` / `{subpath}` only.
 *
 * @module
 */

import type { Resource } from "./resource.ts";
import { walkTree } from "./traverse.ts";
import { splitDecodedPath, splitEncodedPath } from "./_segments.ts";

const NO_SEGMENTS: string[] = [];

/** Where {@linkcode traverseMatched} writes what it found: the request, in the router. */
export interface TraversalTarget {
  /** The matched route's values: `traverse` and `subpath` are read. */
  readonly matchdict: Readonly<Record<string, string>>;
  /** One request header: `X-Vhm-Root` is read. */
  header(name: string): string | null;
  /** The context resource. */
  context: unknown;
  /** The route's root. */
  root: unknown;
  /** The view name traversal found, or `""`. */
  viewName: string;
  /** Segments after the view name, or the route's `*subpath`. */
  subpath: string[];
  /** Segments walked. */
  traversed: string[];
  /** The resource at the virtual root (the root without `X-Vhm-Root`). */
  virtualRoot: unknown;
  /** The virtual root's path, percent-encoded; `"/"` for none. */
  virtualRootPath: string;
}

/**
 * Sets the context, view name, subpath and the rest on `target` (the request) for a request
 * that matched a route, given the route's root. `matchdict.traverse` (a star
 * value or a placeholder's) is the path to walk, already decoded; `matchdict.subpath` becomes
 * the subpath when the walk uses up the path. Both lose empty segments, `.` and `..` (so
 * `..%2F..%2Fetc` in a `*subpath` cannot climb above the route). The `X-Vhm-Root` header
 * applies to routes too, as in Pyramid: its path is walked from the route's root first.
 *
 * Synchronous, allocating nothing, when there is nothing to walk (the common case); a Promise
 * otherwise.
 *
 * @example A `*traverse` route below a virtual root
 * ```ts ignore
 * // request.matchdict is { traverse: "docs/intro" }, X-Vhm-Root is "/site"
 * await traverseMatched(request, root);
 * // request.context is root.get("site").get("docs").get("intro")
 * ```
 */
export function traverseMatched(target: TraversalTarget, root: unknown): void | Promise<void> {
  const matchdict = target.matchdict;
  const virtualRootPath = target.header("x-vhm-root");
  const path = matchdict.traverse;
  const segments = path === undefined || path === "" ? NO_SEGMENTS : splitDecodedPath(path);
  const sub = matchdict.subpath;
  const subpath = sub === undefined || sub === "" ? NO_SEGMENTS : splitDecodedPath(sub);
  const virtualSegments = virtualRootPath ? splitEncodedPath(virtualRootPath) : NO_SEGMENTS;
  if (segments.length === 0 && virtualSegments.length === 0) {
    target.context = root;
    target.viewName = "";
    target.subpath = subpath;
    target.traversed = NO_SEGMENTS;
    target.root = root;
    target.virtualRoot = root;
    target.virtualRootPath = "/";
    return;
  }
  if (typeof root !== "object" || root === null) {
    throw new TypeError(
      `The root factory returned ${String(root)}, which cannot be traversed. ` +
        `Make the route's root factory return an object (a Map subclass makes a good container).`,
    );
  }
  const resource = root as Resource;
  return walkTree(resource, { root: resource, segments, virtualSegments, subpath }).then(
    (found) => {
      Object.assign(target, found);
    },
  );
}
