/**
 * Paths and URLs of resources, from their position in the tree.
 *
 * @module
 */

import { lineage, type Resource } from "./resource.ts";
import { quotePathSegment, splitEncodedPath } from "./_segments.ts";
import { type QueryInput, urlTail } from "../routing/quote.ts";

/**
 * The names from the root down to `resource`, then `elements`, unencoded; the root's name is
 * `""`, so the array always starts with `""` (Pyramid's `resource_path_tuple`).
 *
 * @example The path tuple of a nested resource
 * ```ts
 * import { resourcePathTuple } from "@aio/pyramid";
 *
 * const root = { __name__: "", __parent__: null };
 * const docs = { __name__: "my docs", __parent__: root };
 * console.assert(resourcePathTuple(docs, "edit").join("|") === "|my docs|edit");
 * ```
 */
export function resourcePathTuple(
  resource: Resource,
  ...elements: string[]
): string[] {
  const names = [...lineage(resource)].map((location) => location.__name__ ?? "");
  names.reverse();
  names[0] = "";
  return [...names, ...elements];
}

/**
 * The absolute physical path of `resource` (and `elements` after it), each name
 * percent-encoded, such as `/docs/my%20page` (Pyramid's `resource_path`). The root's path is
 * `/`. There is no trailing slash: that belongs to {@linkcode resourceUrl}. Traversing the
 * result from the root gives back `resource`.
 *
 * @example Round trip through traverse
 * ```ts
 * import { resourcePath, traverse } from "@aio/pyramid";
 *
 * const root = { __name__: "", __parent__: null, get: (k: string) => (k === "café" ? cafe : undefined) };
 * const cafe = { __name__: "café", __parent__: root };
 * console.assert(resourcePath(cafe) === "/caf%C3%A9");
 * console.assert((await traverse(root, resourcePath(cafe))).context === cafe);
 * ```
 */
export function resourcePath(
  resource: Resource,
  ...elements: string[]
): string {
  const tuple = resourcePathTuple(resource, ...elements);
  return tuple.map(quotePathSegment).join("/") || "/";
}

/**
 * Query parameters for {@linkcode resourceUrl}: an object (an array value repeats the key,
 * `null` writes `key=`), pairs, URLSearchParams, or a string quoted as it is.
 */
export type QueryInit = QueryInput;

/** Options for {@linkcode resourceUrl}. */
export interface ResourceUrlOptions {
  /** The application URL the path is appended to, such as `"https://example.com"`. */
  base: string;
  /** Path elements after the resource; each is percent-encoded. */
  elements?: readonly string[];
  /** Query string parameters. */
  query?: QueryInit;
  /** A fragment, added after `#` (percent-encoded as Pyramid does); empty adds nothing. */
  anchor?: string;
  /**
   * The physical path of the virtual root (`X-Vhm-Root`); it is removed from the front of
   * the resource's path, as the proxy adds it back.
   */
  virtualRootPath?: string;
}

/**
 * The URL of `resource`: `base` + its path with a trailing slash, then `elements` joined by
 * `/` (no trailing slash after them), then `query` and `anchor` (Pyramid's
 * `resource_url`). `request.resourceUrl(r, ...elements)` calls this with the request's
 * application URL.
 *
 * @example URLs of a resource and of a view on it
 * ```ts
 * import { resourceUrl } from "@aio/pyramid";
 *
 * const root = { __name__: "", __parent__: null };
 * const doc = { __name__: "a b", __parent__: root };
 * const base = "https://example.com";
 * console.assert(resourceUrl(doc, { base }) === "https://example.com/a%20b/");
 * console.assert(
 *   resourceUrl(doc, { base, elements: ["edit"], query: { next: "/x y" } }) ===
 *     "https://example.com/a%20b/edit?next=%2Fx+y",
 * );
 * ```
 */
export function resourceUrl(
  resource: Resource,
  options: ResourceUrlOptions,
): string {
  let names = resourcePathTuple(resource).slice(1);
  if (options.virtualRootPath !== undefined) {
    const virtual = splitEncodedPath(options.virtualRootPath);
    if (virtual.every((name, i) => names[i] === name)) {
      names = names.slice(virtual.length);
    }
  }
  let path = "/" + names.map((name) => quotePathSegment(name) + "/").join("");
  const elements = options.elements ?? [];
  if (elements.length > 0) path += elements.map(quotePathSegment).join("/");
  const base = options.base.replace(/\/+$/, "");
  return base + path + urlTail(options.query, options.anchor);
}
