/**
 * `config.addRoute`: Pyramid URL dispatch. Routes are tried in the order they were added;
 * the first whose pattern and predicates match wins.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { type CallSite, formatSite } from "../_callsite.ts";
import { compileRoute } from "../routing/pattern.ts";
import type { Predicate, PredicateRegistration } from "../views/predicates.ts";
import type { Registry, RootFactory, Route } from "./registry.ts";

/** Options for `config.addRoute`. */
export interface RouteOptions {
  /** Only match these methods (a GET route also answers HEAD). */
  requestMethod?: string | string[];
  /** Root factory for requests this route matches (traversal from there with `*traverse`). */
  factory?: RootFactory;
  /** Only match when the Accept header admits one of these media types. */
  accept?: string | string[];
  /** Only match XMLHttpRequest requests (`true`) or only others (`false`). */
  xhr?: boolean;
  /** Only match when these headers are present (and match their regex). */
  header?: string | string[] | Record<string, string | RegExp | true>;
  /** Only match when these query/form parameters are present (with these values). */
  requestParam?: string | string[] | Record<string, string | true>;
  /** Extra predicates `(context, request) => boolean`. */
  custom?: ((context: unknown, request: unknown) => boolean)[];
  /** A route used only to generate URLs (for example to an external site); never matched. */
  static?: boolean;
  /**
   * With an empty pattern inside `include(…, { routePrefix })`: the route is the prefix
   * itself (`/users`) rather than the prefix and a slash (`/users/`), as Pyramid's option.
   */
  inheritSlash?: boolean;
  /** Custom route predicates registered with `addRoutePredicate`. */
  [predicate: string]: unknown;
}

const NON_PREDICATES = new Set(["factory", "static", "inheritSlash"]);

/** Builds the predicates named in options, in the registered evaluation order. */
export function makePredicates(
  options: Record<string, unknown>,
  factories: PredicateRegistration[],
  skip: Set<string>,
  what: string,
): Predicate[] {
  const predicates: Predicate[] = [];
  for (const key of Object.keys(options)) {
    if (skip.has(key) || options[key] === undefined) continue;
    if (!factories.some((f) => f.name === key)) {
      throw new ConfigurationError(
        `Unknown ${what} option '${key}'. Known options: ${
          [...skip, ...factories.map((f) => f.name)].join(", ")
        }. Register custom predicates with config.add${
          what === "route" ? "Route" : "View"
        }Predicate('${key}', factory).`,
      );
    }
  }
  for (const { name, factory } of factories) {
    if (options[name] !== undefined) predicates.push(factory(options[name], name));
  }
  return predicates;
}

/** Adds a route to the registry; a duplicate name is a ConfigurationError naming both sites. */
export function addRoute(
  registry: Registry,
  name: string,
  pattern: string,
  options: RouteOptions & { site?: CallSite; routePredicates: PredicateRegistration[] },
): Route {
  if (typeof name !== "string" || name === "") {
    throw new ConfigurationError("addRoute() needs a non-empty route name as its first argument.");
  }
  if (typeof pattern !== "string") {
    throw new ConfigurationError(
      `addRoute('${name}', pattern) needs a pattern string such as '/users/{id}'.`,
    );
  }
  const existing = registry.routesByName.get(name);
  if (existing) {
    throw new ConfigurationError(
      `The route '${name}' was added twice: at ${formatSite(existing.site)} and at ${
        formatSite(options.site)
      }. Route names must be unique; rename one of them.`,
    );
  }
  const { site, routePredicates, ...rest } = options;
  const compiled = compileRoute(pattern);
  const route: Route = {
    name,
    compiled,
    factory: options.factory,
    predicates: makePredicates(rest, routePredicates, NON_PREDICATES, "route"),
    // An external pattern (`https://example.org/{page}`) only generates URLs, as in Pyramid.
    static: options.static === true || compiled.external !== undefined,
    site,
  };
  registry.routesByName.set(name, route);
  if (!route.static) registry.routes.push(route);
  return route;
}

/**
 * Composes an include's route prefix with an outer one as Pyramid does: joined by one `/`,
 * then stripped of slashes at both ends; `undefined` when nothing is left.
 */
export function joinRoutePrefix(outer: string | undefined, inner: string): string | undefined {
  const joined = `${(outer ?? "").replace(/\/+$/, "")}/${inner.replace(/^\/+/, "")}`;
  return joined.replace(/^\/+|\/+$/g, "") || undefined;
}

/**
 * Puts an include's route prefix in front of a pattern the way Pyramid does: `"/users"` and
 * `""` make `/users/` (or `/users` with `inheritSlash`); external patterns keep no prefix.
 */
export function prefixPattern(
  prefix: string | undefined,
  pattern: string,
  inheritSlash = false,
): string {
  if (inheritSlash && pattern !== "") {
    throw new ConfigurationError(
      `addRoute(…, '${pattern}', { inheritSlash: true }): inheritSlash only applies to an empty pattern ('').`,
    );
  }
  if (!prefix || /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/[^/?#]/.test(pattern)) return pattern;
  if (pattern === "" && inheritSlash) return prefix;
  return `${prefix.replace(/\/+$/, "")}/${pattern.replace(/^\/+/, "")}`;
}
