/**
 * Traversal: finding the context resource and view name for a path (Pyramid's
 * `ResourceTreeTraverser`), with `get()` allowed to be async.
 *
 * @module
 */

import { findRoot, type Resource } from "./resource.ts";
import { normaliseSegments, quotePathSegment, splitEncodedPath } from "./_segments.ts";

/** What {@linkcode traverse} found; the router copies these onto the request. */
export interface TraversalResult {
  /** The last resource reached: the view's context. */
  context: Resource;
  /** The first segment that had no child (without `@@`), or `""` when the path was used up. */
  viewName: string;
  /** The decoded segments after the view name. */
  subpath: string[];
  /** The decoded segments walked from the root to the context, virtual root ones included. */
  traversed: string[];
  /** The root of the tree. */
  root: Resource;
  /** The resource at `virtualRootPath` (the root when there is no virtual root). */
  virtualRoot: Resource;
  /** The virtual root's physical path, percent-encoded, such as `"/cms/site"`; `"/"` for none. */
  virtualRootPath: string;
}

/** Options for {@linkcode traverse}. */
export interface TraverseOptions {
  /**
   * The physical path (percent-encoded) of the resource that is the root of the URL space,
   * as a proxy sends it in `X-Vhm-Root`: the request path is traversed below it.
   */
  virtualRootPath?: string;
}

/** A segment starting with this is a view name and ends traversal (`/doc/@@edit`). */
const VIEW_SELECTOR = "@@";

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/**
 * Walks the resource tree along `path` and reports the context, view name and subpath, as
 * Pyramid's traverser does. `resource` is the root (or, for a relative path, where to start):
 * any object, since a root factory may return anything; one without `get` is a leaf.
 *
 * `path` is either a URL path still percent-encoded (split on `/`, each segment decoded; a
 * segment that does not decode throws `HTTPBadRequest`) or an array of already-decoded
 * segments, as a `*traverse` route supplies. Empty segments and `.` are ignored and `..`
 * removes the previous segment, before any lookup. A string starting with `/`, or an array
 * starting with `""` (as `resourcePathTuple()` returns), is traversed from the root of
 * `resource`'s tree; anything else from `resource` itself.
 *
 * Each segment is looked up with `get(segment)` (awaited when it returns a Promise). The
 * first segment without a child, or reached at a resource without `get`, becomes `viewName`
 * and the rest `subpath`; a segment starting with `@@` is the view name outright. Errors
 * thrown by `get` propagate: return `undefined` for "no such child".
 *
 * @example Finding a context and a view name
 * ```ts
 * import { traverse } from "@aio/pyramid";
 *
 * const root = { __name__: "", __parent__: null, get: (key: string) => key === "docs" ? docs : undefined };
 * const docs = { __name__: "docs", __parent__: root };
 * const found = await traverse(root, "/docs/edit/extra");
 * console.assert(found.context === docs);
 * console.assert(found.viewName === "edit");
 * console.assert(found.subpath.join("/") === "extra");
 * ```
 *
 * @example Async children, a view selector and a virtual root
 * ```ts
 * import { traverse } from "@aio/pyramid";
 *
 * class Folder extends Map<string, Folder> {
 *   constructor(public __name__: string, public __parent__: Folder | null) {
 *     super();
 *   }
 *   add(name: string): Folder {
 *     const child = new Folder(name, this);
 *     this.set(name, child);
 *     return child;
 *   }
 * }
 * const root = new Folder("", null);
 * const site = root.add("sites").add("example");
 * const about = site.add("about");
 * const found = await traverse(root, "/about/@@json", { virtualRootPath: "/sites/example" });
 * console.assert(found.context === about && found.viewName === "json");
 * console.assert(found.virtualRoot === site && found.virtualRootPath === "/sites/example");
 * ```
 */
export async function traverse(
  resource: unknown,
  path: string | readonly string[],
  options: TraverseOptions = {},
): Promise<TraversalResult> {
  // `unknown` because root factories may return anything; an object without `get` is a leaf.
  if (typeof resource !== "object" || resource === null) {
    throw new TypeError(
      `traverse() needs a resource object to start from, got ${String(resource)}. ` +
        `Make the root factory return an object (a Map subclass makes a good container).`,
    );
  }
  // A string starting with "/" or an array starting with "" (a resourcePathTuple) is absolute.
  const absolute = typeof path === "string" ? path.startsWith("/") : path[0] === "";
  const root = findRoot(resource);
  const segments = typeof path === "string" ? splitEncodedPath(path) : normaliseSegments(path);
  const virtualSegments = options.virtualRootPath === undefined
    ? []
    : splitEncodedPath(options.virtualRootPath);
  return walkTree(absolute ? root : resource, {
    root,
    segments,
    virtualSegments,
    subpath: [],
  });
}

/** What {@linkcode walkTree} walks. */
export interface Walk {
  /** The root reported, and where a virtual root path starts. */
  root: Resource;
  /** Decoded, normalised segments below the virtual root (or below the start). */
  segments: string[];
  /** Decoded, normalised segments of the virtual root's path; `[]` for none. */
  virtualSegments: string[];
  /** The subpath reported when every segment was found (a route's `*subpath`). */
  subpath: string[];
}

/**
 * The walk behind {@linkcode traverse} and route traversal: from `start` (from `walk.root`
 * when there is a virtual root) along the virtual root's segments, then the path's.
 */
export async function walkTree(start: Resource, walk: Walk): Promise<TraversalResult> {
  const { root, segments, virtualSegments } = walk;
  const virtualRootPath = "/" + virtualSegments.map(quotePathSegment).join("/");
  // The request path lies below the virtual root: walk both, and remember the resource
  // reached at the virtual root's depth.
  const all = virtualSegments.length > 0 ? [...virtualSegments, ...segments] : segments;
  const virtualDepth = virtualSegments.length;

  let context: Resource = virtualDepth > 0 ? root : start;
  let virtualRoot: Resource = context;
  for (let i = 0; i < all.length; i++) {
    const segment = all[i];
    const stop = (viewName: string): TraversalResult => ({
      context,
      viewName,
      subpath: all.slice(i + 1),
      traversed: all.slice(0, i),
      root,
      virtualRoot,
      virtualRootPath,
    });
    if (segment.startsWith(VIEW_SELECTOR)) {
      return stop(segment.slice(VIEW_SELECTOR.length));
    }
    if (typeof context.get !== "function") return stop(segment);
    const lookup = context.get(segment);
    const child = isThenable(lookup) ? await lookup : lookup;
    if (child === undefined || child === null) return stop(segment);
    context = child;
    if (i + 1 === virtualDepth) virtualRoot = child;
  }
  return {
    context,
    viewName: "",
    subpath: walk.subpath,
    traversed: all,
    root,
    virtualRoot,
    virtualRootPath,
  };
}
