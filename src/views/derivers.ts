/**
 * View derivers, Pyramid's `viewderivers.py`: every registered view is wrapped, once at
 * `makeApp()`, by an ordered chain of small functions. Reading from the outside in:
 *
 * `INGRESS` → `secured_view` → `csrf_view` → `owrapped_view` → `http_cached_view` →
 * `decorated_view` → (custom derivers) → `rendered_view` → `mapped_view` → `VIEW`
 *
 * Everything above `mapped_view` runs on the main isolate with the main request, whatever
 * the view is: only `mapped_view` sends a blocking view to the executor or upgrades a
 * websocket. Derivers above `rendered_view` see a view that returns a `Response`.
 *
 * @module
 */

import type { PyramidRequest } from "../request/request.ts";
import type { Registry } from "../config/registry.ts";

/** The inner end of the deriver chain: the view as registered. */
export const VIEW = "VIEW";
/** The outer end of the deriver chain (the tweens' `INGRESS` is the same string). */
export const INGRESS = "INGRESS";

/**
 * A view in the deriver chain: `(context, request)`, answering a `Response` (or, below
 * `rendered_view`, the value the renderer turns into one).
 */
export type DerivedView = (
  context: unknown,
  request: PyramidRequest,
) => Response | Promise<Response>;

/** What a deriver learns about the view it wraps. */
export interface ViewDeriverInfo {
  /** The options the view was registered with (`addView`/`viewConfig`), derivers' own included. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The application registry. */
  readonly registry: Registry;
  /** The view as registered (a function, a class, or the resolved module export). */
  readonly originalView: unknown;
  /** A readable name of the view, for messages. */
  readonly name: string;
  /** Whether this is an exception (not-found, forbidden, error) view. */
  readonly isExceptionView: boolean;
  /** Where the view was registered, for messages (`file:line:column`). */
  readonly where: string;
}

/**
 * A view deriver: takes the view below it in the chain and returns the view above it.
 * Declare extra view options it reads with `deriver.options = ["name"]`, so `addView`
 * accepts them.
 *
 * @example A deriver that times every view
 * ```ts
 * import { Configurator, type ViewDeriver } from "@aio/pyramid";
 *
 * const timed: ViewDeriver = (view, info) => {
 *   if (!info.options.timed) return view;
 *   return async function timedView(context, request) {
 *     const start = performance.now();
 *     const response = await view(context, request);
 *     response.headers.set("server-timing", `view;dur=${performance.now() - start}`);
 *     return response;
 *   };
 * };
 * timed.options = ["timed"];
 *
 * const config = new Configurator();
 * config.addViewDeriver(timed, { name: "timed" });
 * config.addRoute("home", "/");
 * config.addView(async () => ({ ok: true }), { routeName: "home", renderer: "json", timed: true });
 * const app = await config.makeApp();
 * const response = await app.fetch(new Request("http://localhost/"));
 * console.assert(response.headers.has("server-timing"));
 * await app.close();
 * ```
 */
export interface ViewDeriver {
  /** Wraps `view`; return it unchanged when the deriver has nothing to do for this view. */
  (view: DerivedView, info: ViewDeriverInfo): DerivedView;
  /** View option names this deriver reads. */
  options?: readonly string[];
}

/** Options of `config.addViewDeriver`. */
export interface ViewDeriverOptions {
  /** Unique name, used by other derivers' `over`/`under` (default: the function's name). */
  name?: string;
  /** Place it closer to `INGRESS` than these derivers. */
  over?: string | string[];
  /** Place it closer to `VIEW` than these derivers. */
  under?: string | string[];
}

/** The built-in derivers' names, outermost first. */
export const BUILTIN_DERIVERS: readonly string[] = Object.freeze([
  "secured_view",
  "csrf_view",
  "owrapped_view",
  "http_cached_view",
  "decorated_view",
  "rendered_view",
  "mapped_view",
]);

/** View options the built-in derivers read. */
export const BUILTIN_DERIVER_OPTIONS: readonly string[] = Object.freeze([
  "permission",
  "requireCsrf",
  "httpCache",
  "decorator",
  "renderer",
  "mapper",
  "attr",
]);
