/**
 * View lookup: given the matched route (or traversal result), pick the most specific
 * view whose predicates pass. Built once at `makeApp()`; read on every request.
 *
 * @module
 */

import { HTTPMethodNotAllowed, HTTPNotFound } from "../httpexceptions.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { ViewRegistration } from "../config/registry.ts";
import type { Predicate } from "./predicates.ts";

/** A view ready to be called: mapped, with its renderer applied. */
export interface ViewEntry {
  /** The registration it came from. */
  registration: ViewRegistration;
  /** Its predicates. */
  predicates: Predicate[];
  /** Methods the `requestMethod` predicate allows, if it has one. */
  methods: string[] | undefined;
  /** The context class it is registered for, if any. */
  contextClass: (abstract new (...args: never[]) => unknown) | undefined;
  /** The derived view: calls the view and renders its result. */
  call(context: unknown, request: PyramidRequest): Response | Promise<Response>;
  /**
   * Set when no deriver but `rendered_view` and `mapped_view` changed the view (the common
   * case): `call` is then `render` after `mapped`, and the router may run the two itself, so
   * that rendering shares a promise step with the request's own finishing.
   */
  direct?: DirectView | undefined;
}

/** A view's two halves when nothing else wraps it: the mapped view and its rendering. */
export interface DirectView {
  /** The mapped view (async, executor or websocket): resolves to the view's value. */
  mapped(context: unknown, request: PyramidRequest): Promise<unknown>;
  /** Renders that value (what `rendered_view` does after awaiting it). */
  render(value: unknown, context: unknown, request: PyramidRequest): Response | Promise<Response>;
}

function sortBySpecificity(entries: ViewEntry[]): ViewEntry[] {
  return entries.sort((a, b) =>
    b.predicates.length - a.predicates.length ||
    a.registration.order - b.registration.order
  );
}

// How far `value` is from `cls` along its prototype chain (0 = direct instance).
function distance(value: unknown, cls: ViewEntry["contextClass"]): number {
  if (cls === undefined) return Number.MAX_SAFE_INTEGER;
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return -1;
  let proto = Object.getPrototypeOf(value);
  let depth = 0;
  while (proto) {
    if (proto === cls.prototype) return depth;
    proto = Object.getPrototypeOf(proto);
    depth++;
  }
  return -1;
}

/** Ordered candidates for one lookup key. */
export class ViewGroup {
  #entries: ViewEntry[];
  #anyContext: boolean;

  /** Groups entries, most specific first. */
  constructor(entries: ViewEntry[]) {
    this.#entries = sortBySpecificity(entries);
    this.#anyContext = entries.some((e) => e.contextClass !== undefined);
    this.streamsBody = entries.length > 0 &&
      entries.every((e) => e.registration.options.streamBody === true);
  }

  /** Whether every view here reads its body with `request.stream()` (so the router leaves it unread). */
  readonly streamsBody: boolean;

  /** Whether the group is empty. */
  get empty(): boolean {
    return this.#entries.length === 0;
  }

  /**
   * The view to call. Throws 404 when nothing matches, or 405 (with `Allow`) when some
   * view would match but for the request method.
   */
  select(context: unknown, request: PyramidRequest): ViewEntry {
    let candidates = this.#entries;
    if (this.#anyContext) {
      candidates = candidates
        .map((entry) => ({ entry, d: distance(context, entry.contextClass) }))
        .filter(({ d }) => d >= 0)
        .sort((a, b) => a.d - b.d)
        .map(({ entry }) => entry);
    }
    for (const entry of candidates) {
      const predicates = entry.predicates;
      let ok = true;
      for (let i = 0; i < predicates.length; i++) {
        if (!predicates[i].test(context, request)) {
          ok = false;
          break;
        }
      }
      if (ok) return entry;
    }
    const allowed = new Set<string>();
    for (const entry of candidates) {
      if (!entry.methods) continue;
      const others = entry.predicates.filter((p) => p.kind !== "requestMethod");
      if (others.every((p) => p.test(context, request))) {
        for (const method of entry.methods) allowed.add(method);
      }
    }
    if (allowed.size > 0) {
      const allow = [...allowed].sort().join(", ");
      throw new HTTPMethodNotAllowed({
        detail: `The method ${request.method} is not allowed here. Allowed: ${allow}.`,
        headers: { allow },
      });
    }
    throw new HTTPNotFound({ detail: "No view matched the request." });
  }
}

/** Every view, grouped for the router. */
export class ViewLookup {
  #byRoute = new Map<string, Map<string, ViewGroup>>();
  #traversal = new Map<string, ViewGroup>();
  #exception: ViewEntry[];
  /** Whether any view is reachable by traversal (no route). */
  readonly hasTraversalViews: boolean;

  /** Builds the lookup from compiled entries. */
  constructor(entries: ViewEntry[]) {
    const byRoute = new Map<string, Map<string, ViewEntry[]>>();
    const traversal = new Map<string, ViewEntry[]>();
    this.#exception = [];
    for (const entry of entries) {
      const r = entry.registration;
      if (r.exception) {
        this.#exception.push(entry);
        continue;
      }
      const table = r.routeName === undefined
        ? traversal
        : byRoute.get(r.routeName) ?? byRoute.set(r.routeName, new Map()).get(r.routeName)!;
      const list = table.get(r.name) ?? table.set(r.name, []).get(r.name)!;
      list.push(entry);
    }
    for (const [route, table] of byRoute) {
      this.#byRoute.set(route, new Map([...table].map(([n, l]) => [n, new ViewGroup(l)])));
    }
    for (const [name, list] of traversal) this.#traversal.set(name, new ViewGroup(list));
    this.hasTraversalViews = traversal.size > 0;
    sortBySpecificity(this.#exception);
  }

  /** The candidates for a route (or traversal when `routeName` is undefined) and view name. */
  group(routeName: string | undefined, viewName: string): ViewGroup | undefined {
    const table = routeName === undefined ? this.#traversal : this.#byRoute.get(routeName);
    return table?.get(viewName);
  }

  /** The exception view for an error: nearest class first, then predicates. */
  exceptionView(error: unknown, request: PyramidRequest): ViewEntry | undefined {
    let best: ViewEntry | undefined;
    let bestDistance = Infinity;
    for (const entry of this.#exception) {
      const d = distance(error, entry.contextClass);
      if (d < 0 || d >= bestDistance) continue;
      const route = entry.registration.routeName;
      if (route !== undefined && request.matchedRoute?.name !== route) continue;
      if (entry.predicates.every((p) => p.test(error, request))) {
        best = entry;
        bestDistance = d;
      }
    }
    return best;
  }
}
