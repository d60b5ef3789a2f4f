// URL generation for request.routeUrl/routePath/staticUrl, quoting as Pyramid's route_url.
import { ConfigurationError } from "../errors.ts";
import type { Registry, Route } from "../config/registry.ts";
import { type QueryInput, quotePathSegment, urlTail } from "../routing/quote.ts";

/** Options for generating route URLs. */
export interface UrlOptions {
  /** Values for the route's placeholders (`{id}`) and star argument. */
  parts?: Record<string, unknown>;
  /**
   * Query string: an object (an array value repeats the key; `null` writes `key=`), pairs,
   * URLSearchParams, or a string quoted as it is. Written as Pyramid writes it (`+` for spaces).
   */
  query?: QueryInput;
  /** Extra path segments appended after the route path (each quoted, `/` included). */
  elements?: (string | number)[];
  /** Fragment without the `#`; an empty one adds nothing. */
  anchor?: string;
}

function finish(path: string, options: UrlOptions): string {
  let out = path;
  if (options.elements?.length) {
    if (!out.endsWith("/")) out += "/";
    out += options.elements.map((element) => quotePathSegment(String(element))).join("/");
  }
  return out + urlTail(options.query, options.anchor);
}

function routeNamed(registry: Registry, name: string): Route {
  const route = registry.routesByName.get(name);
  if (!route) {
    const known = [...registry.routesByName.keys()].join(", ") || "none";
    throw new ConfigurationError(
      `No route named '${name}'. Add it with config.addRoute('${name}', pattern). Known routes: ${known}.`,
    );
  }
  return route;
}

/** Builds the path of a named route; an external route has no path here. */
export function buildRoutePath(registry: Registry, name: string, options: UrlOptions): string {
  const route = routeNamed(registry, name);
  if (route.compiled.external) {
    throw new ConfigurationError(
      `The route '${name}' has the external pattern '${route.compiled.pattern}', so it has no path ` +
        `in this application: use request.routeUrl('${name}') for its full URL.`,
    );
  }
  return finish(route.compiled.generate(options.parts ?? {}), options);
}

/**
 * Builds the full URL of a named route: `applicationUrl` + its path, or, for an external
 * pattern, the pattern's own origin (a `//host` pattern takes the request's `scheme`).
 */
export function buildRouteUrl(
  registry: Registry,
  name: string,
  options: UrlOptions,
  request: { applicationUrl: string; scheme: string },
): string {
  const route = routeNamed(registry, name);
  const external = route.compiled.external;
  const base = external
    ? `${external.scheme ?? request.scheme}://${external.netloc}`
    : request.applicationUrl;
  return base + finish(route.compiled.generate(options.parts ?? {}), options);
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
