// URL generation for request.routeUrl/routePath/staticUrl.
import { ConfigurationError } from "../errors.ts";
import type { Registry } from "../config/registry.ts";
import { quotePathSegment } from "../routing/pattern.ts";

/** Options for generating route URLs. */
export interface UrlOptions {
  /** Values for the route's placeholders (`{id}`) and star argument. */
  parts?: Record<string, unknown>;
  /** Query string: an object, pairs, or URLSearchParams. */
  query?: Record<string, unknown> | [string, unknown][] | URLSearchParams;
  /** Extra path segments appended after the route path. */
  elements?: string[];
  /** Fragment without the `#`. */
  anchor?: string;
}

function queryString(query: UrlOptions["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  const pairs = query instanceof URLSearchParams
    ? [...query]
    : Array.isArray(query)
    ? query
    : Object.entries(query).flatMap(([k, v]) =>
      Array.isArray(v) ? v.map((x) => [k, x] as [string, unknown]) : [[k, v] as [string, unknown]]
    );
  for (const [k, v] of pairs) if (v !== undefined && v !== null) params.append(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : "";
}

function finish(path: string, options: UrlOptions): string {
  let out = path;
  if (options.elements?.length) {
    if (!out.endsWith("/")) out += "/";
    out += options.elements.map(quotePathSegment).join("/");
  }
  out += queryString(options.query);
  if (options.anchor) out += `#${encodeURIComponent(options.anchor)}`;
  return out;
}

/** Builds the path of a named route. */
export function buildRoutePath(registry: Registry, name: string, options: UrlOptions): string {
  const route = registry.routesByName.get(name);
  if (!route) {
    const known = [...registry.routesByName.keys()].join(", ") || "none";
    throw new ConfigurationError(
      `No route named '${name}'. Add it with config.addRoute('${name}', pattern). Known routes: ${known}.`,
    );
  }
  return finish(route.compiled.generate(options.parts ?? {}), options);
}

/** Finds the static view serving `path` (an absolute file path or `name/sub/path`). */
export function findStaticUrl(
  registry: Registry,
  path: string,
  options: Omit<UrlOptions, "parts">,
): string {
  for (const view of registry.staticViews) {
    let subpath: string | undefined;
    if (path.startsWith(view.root + "/")) subpath = path.slice(view.root.length + 1);
    else if (path.startsWith(view.name + "/")) subpath = path.slice(view.name.length + 1);
    if (subpath === undefined) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(view.name)) {
      return finish(
        view.name.replace(/\/$/, "") + "/" + subpath.split("/").map(quotePathSegment).join("/"),
        options,
      );
    }
    return buildRoutePath(registry, view.routeName, { ...options, parts: { subpath } });
  }
  const names = registry.staticViews.map((v) => `'${v.name}' (${v.root})`).join(", ") || "none";
  throw new ConfigurationError(
    `No static view serves '${path}'. Register one with config.addStaticView(name, directory). Static views: ${names}.`,
  );
}
