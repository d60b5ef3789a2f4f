/**
 * The shapes a view may take, as types, so `config.addView()` and `viewConfig()` type an
 * unannotated view's parameters: `async function home(request)` gets a `PyramidRequest`,
 * and a mapper that declares the view it maps (its `mapView` parameter) types the view it
 * is given (its static `viewShape`, see {@linkcode MapperView}), e.g. `(ws: Websocket) => …`
 * for a websocket mapper.
 *
 * TypeScript types a function's parameters from a union only when every member agrees on
 * them, and `(request)` and `(context, request)` do not; so `addView` and `viewConfig` are
 * overloaded: a mapper's own view type first, then `(request) => …`, then any
 * {@linkcode ViewCallable}. An overload that fails still fixes the parameters it saw, so a
 * `(context, request)` view annotates its parameters (unannotated, they are a compile
 * error, never a silent `any`).
 *
 * @module
 */

import type { PyramidRequest } from "../request/request.ts";

/**
 * A view taking the request: `async function home(request) { … }`.
 *
 * @example A request view
 * ```ts
 * import type { RequestView } from "@aio/pyramid";
 * const home: RequestView = (request) => ({ path: request.path });
 * ```
 */
export type RequestView = (request: PyramidRequest) => unknown;

/**
 * A view taking the context (the traversal resource, or the error for an exception
 * view) and the request, as in Pyramid.
 *
 * @example A context view
 * ```ts
 * import type { ContextView } from "@aio/pyramid";
 * const show: ContextView = (context: { title: string }, request) => ({
 *   title: context.title,
 *   url: request.url,
 * });
 * ```
 */
// deno-lint-ignore no-explicit-any -- a context is whatever the root factory or traversal gives
export type ContextView = (context: any, request: PyramidRequest) => unknown;

/**
 * A class view: constructed with `(request)` or `(context, request)`, then its `attr`
 * method (default `call`) is called.
 *
 * @example A class view
 * ```ts
 * import type { PyramidRequest, ViewClass } from "@aio/pyramid";
 * class Home {
 *   constructor(readonly request: PyramidRequest) {}
 *   call() {
 *     return { path: this.request.path };
 *   }
 * }
 * const view: ViewClass = Home;
 * ```
 */
export type ViewClass =
  | (new (request: PyramidRequest) => unknown)
  // deno-lint-ignore no-explicit-any -- see ContextView
  | (new (context: any, request: PyramidRequest) => unknown);

/**
 * A view named by module and export, resolved against the registering module:
 * `"./views.ts#home"`, or `"./views.ts"` for its default export.
 *
 * @example A view reference
 * ```ts
 * import type { ViewReference } from "@aio/pyramid";
 * const ref: ViewReference = "./views.ts#home";
 * ```
 */
export type ViewReference = string;

/**
 * Everything `addView` and `viewConfig` accept as a view.
 *
 * @example Any view shape
 * ```ts
 * import type { PyramidRequest, ViewCallable } from "@aio/pyramid";
 * // Parameters are typed from a single shape, so annotate them in a mixed list.
 * const views: ViewCallable[] = [
 *   (request: PyramidRequest) => request.path,
 *   (_context: unknown, request: PyramidRequest) => request.path,
 *   "./views.ts#home",
 * ];
 * ```
 */
export type ViewCallable = RequestView | ContextView | ViewClass | ViewReference;

/**
 * The view shape a mapper class declares with a type-only static `viewShape`, whose
 * parameters `addView` and `viewConfig` then give an unannotated view; `never` when the
 * mapper declares none, so overload resolution moves on to the request shapes. (Not
 * `mapView`'s parameter: a mapper may accept several shapes at run time, while only one
 * can type an unannotated function.)
 *
 * @example A mapper whose views take a string
 * ```ts
 * import type { MappedView, MapperView, ViewMapperOptions } from "@aio/pyramid";
 * class UpperMapper {
 *   declare static readonly viewShape?: (text: string) => string;
 *   constructor(_options: ViewMapperOptions) {}
 *   mapView(view: unknown): MappedView {
 *     const upper = view as (text: string) => string;
 *     return async (_context, request) => new Response(upper(request.path));
 *   }
 * }
 * const view: MapperView<typeof UpperMapper> = (text) => text.toUpperCase();
 * ```
 */
export type MapperView<M> = M extends { readonly viewShape?: infer V } ? unknown extends V ? never
  : V
  : never;
