/**
 * What a resource is, and walking up the tree from one.
 *
 * @module
 */

/**
 * A node of the resource tree. Only `__name__` and `__parent__` locate it; `get(key)` makes it
 * a container whose children traversal can reach, returning the child, `undefined` (or
 * `null`) when there is none, or a Promise of either. A `Map` subclass with `__name__` and
 * `__parent__` fields is therefore a container as it is.
 *
 * @example A resource tree made of plain objects and a Map subclass
 * ```ts
 * import type { Resource } from "@aio/pyramid";
 *
 * class Folder extends Map<string, Resource> implements Resource {
 *   constructor(public __name__: string, public __parent__: Resource | null) {
 *     super();
 *   }
 * }
 * const root = new Folder("", null);
 * const page: Resource = { __name__: "about", __parent__: root };
 * root.set("about", page);
 * console.assert(root.get("about") === page);
 * ```
 */
export interface Resource {
  /** The key under which the parent holds this resource; `""` (or absent) for the root. */
  __name__?: string | null;
  /** The containing resource; absent or `null` for the root. */
  __parent__?: Resource | null;
  /** Access control list: an array, or a (possibly async) function returning one. */
  __acl__?: unknown;
  /** The child called `key`, `undefined`/`null` when there is none, or a Promise of either. */
  get?(key: string): ResourceLookup;
}

/** What {@linkcode Resource.get} may return. */
export type ResourceLookup =
  | Resource
  | null
  | undefined
  | PromiseLike<Resource | null | undefined>;

/**
 * Yields `resource`, then its parent, its parent's parent, and so on up to the root
 * (Pyramid's `lineage`). A `__parent__` chain that loops back on itself is an error rather
 * than an endless walk.
 *
 * @example Listing the names from a resource up to the root
 * ```ts
 * import { lineage } from "@aio/pyramid";
 *
 * const root = { __name__: "", __parent__: null };
 * const docs = { __name__: "docs", __parent__: root };
 * const page = { __name__: "intro", __parent__: docs };
 * const names = [...lineage(page)].map((r) => r.__name__);
 * console.assert(names.join(",") === "intro,docs,");
 * ```
 */
export function* lineage<R extends Resource>(
  resource: R,
): Generator<Resource, void, undefined> {
  const seen = new Set<Resource>();
  let current: Resource | null | undefined = resource;
  while (current !== null && current !== undefined) {
    if (seen.has(current)) {
      throw new Error(
        `The __parent__ chain of resource '${current.__name__ ?? ""}' loops back on itself. ` +
          `Give the root __parent__ = null.`,
      );
    }
    seen.add(current);
    yield current;
    current = current.__parent__;
  }
}

/**
 * The root of the tree `resource` belongs to: the last resource of its {@linkcode lineage}
 * (Pyramid's `find_root`).
 *
 * @example Finding the root from a deep resource
 * ```ts
 * import { findRoot } from "@aio/pyramid";
 *
 * const root = { __name__: "", __parent__: null };
 * const child = { __name__: "a", __parent__: root };
 * console.assert(findRoot({ __name__: "b", __parent__: child }) === root);
 * ```
 */
export function findRoot(resource: Resource): Resource {
  let last: Resource = resource;
  for (const location of lineage(resource)) last = location;
  return last;
}

/**
 * The first resource in the {@linkcode lineage} of `resource` (itself included) that is an
 * instance of `type`, or `undefined` (Pyramid's `find_interface`, with classes standing in
 * for interfaces).
 *
 * @example Finding the enclosing blog of a post
 * ```ts
 * import { findInterface } from "@aio/pyramid";
 *
 * class Blog {
 *   __name__ = "blog";
 *   __parent__ = null;
 * }
 * const blog = new Blog();
 * const post = { __name__: "hello", __parent__: blog };
 * console.assert(findInterface(post, Blog) === blog);
 * ```
 */
export function findInterface<T extends Resource>(
  resource: Resource,
  // deno-lint-ignore no-explicit-any
  type: abstract new (...args: any[]) => T,
): T | undefined {
  for (const location of lineage(resource)) {
    if (location instanceof type) return location;
  }
  return undefined;
}
