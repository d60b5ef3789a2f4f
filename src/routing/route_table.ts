/**
 * Routes indexed by their first path segment, so a request tries only the routes that can
 * match it — still in the order they were added (Pyramid's "first added, first matched").
 *
 * @module
 */

/** What the table needs to know about a route. */
export interface IndexedRoute {
  /** The compiled pattern's literal text before its first placeholder. */
  compiled: { staticPrefix: string; names: string[] };
}

function firstSegmentOf(path: string): string {
  const end = path.indexOf("/", 1);
  return end < 0 ? path.slice(1) : path.slice(1, end);
}

// The route's first segment when it is wholly literal, else undefined (`/{id}`, `/a{b}`).
function literalFirstSegment(route: IndexedRoute): string | undefined {
  const { staticPrefix, names } = route.compiled;
  const end = staticPrefix.indexOf("/", 1);
  if (end >= 0) return staticPrefix.slice(1, end);
  return names.length === 0 ? staticPrefix.slice(1) : undefined;
}

/**
 * Candidate routes for a path, in registration order.
 *
 * @example Only `/users/…` routes are tried for `/users/7`
 * ```ts ignore
 * const table = new RouteTable(routes);
 * for (const route of table.candidates("/users/7")) {
 *   // route.compiled.match("/users/7") …
 * }
 * ```
 */
export class RouteTable<R extends IndexedRoute> {
  #bySegment = new Map<string, R[]>();
  #others: R[];

  /** Indexes routes (kept in the given order). */
  constructor(routes: readonly R[]) {
    const segments = new Map<R, string | undefined>();
    for (const route of routes) segments.set(route, literalFirstSegment(route));
    this.#others = routes.filter((route) => segments.get(route) === undefined);
    for (const segment of new Set(segments.values())) {
      if (segment === undefined) continue;
      this.#bySegment.set(
        segment,
        routes.filter((route) => {
          const own = segments.get(route);
          return own === undefined || own === segment;
        }),
      );
    }
  }

  /** The routes that may match `path`, first added first. */
  candidates(path: string): readonly R[] {
    return this.#bySegment.get(firstSegmentOf(path)) ?? this.#others;
  }
}
