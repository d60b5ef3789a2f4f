/**
 * Traversal: resources, finding a context and view name for a path, and resource paths and
 * URLs (Pyramid's `pyramid.traversal`, async-native: `get()` may return a Promise).
 *
 * @example Traversing a tree and generating URLs back into it
 * ```ts
 * import { resourcePath, resourceUrl, traverse } from "@aio/pyramid";
 *
 * const root = { __name__: "", __parent__: null, get: async (key: string) => (key === "wiki" ? wiki : undefined) };
 * const wiki = { __name__: "wiki", __parent__: root };
 * const found = await traverse(root, "/wiki/@@history");
 * console.assert(found.context === wiki && found.viewName === "history");
 * console.assert(resourcePath(wiki) === "/wiki");
 * console.assert(resourceUrl(wiki, { base: "http://localhost:6543" }) === "http://localhost:6543/wiki/");
 * ```
 *
 * @module
 */

export { findInterface, findRoot, lineage } from "./resource.ts";
export type { Resource, ResourceLookup } from "./resource.ts";
export { traverse } from "./traverse.ts";
export type { TraversalResult, TraverseOptions } from "./traverse.ts";
export { resourcePath, resourcePathTuple, resourceUrl } from "./resource_path.ts";
export type { QueryInit, ResourceUrlOptions } from "./resource_path.ts";
