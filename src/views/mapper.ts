/**
 * View mappers decide how a view is called. The default,
 * {@linkcode CoroutineOrExecutorMapper}, awaits `async function` views on the event loop
 * and sends plain functions to the executor's workers.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { formatSite } from "../_callsite.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { Registry, ViewRegistration } from "../config/registry.ts";
import { UtilityKey } from "../app_context.ts";
import { callView } from "./call_view.ts";
import { isAsync, isClass } from "../is_async.ts";

/** A view after mapping: what the router awaits. Returns a value for the renderer or a Response. */
export type MappedView = (context: unknown, request: PyramidRequest) => Promise<unknown>;

/** What a mapper is constructed with. */
export interface ViewMapperOptions {
  /** The view's registration (view, attr, label, site, module ref). */
  registration: ViewRegistration;
  /** The application registry. */
  registry: Registry;
}

/**
 * The one interface every view mapper implements. `mapView` runs once per view at
 * `makeApp()` (it may be async, e.g. to locate a blocking view for the executor).
 *
 * @example A mapper that logs every call before awaiting an async view
 * ```ts
 * import type { MappedView, ViewMapper, ViewMapperOptions } from "@aio/pyramid";
 * class LoggingMapper implements ViewMapper {
 *   #options: ViewMapperOptions;
 *   constructor(options: ViewMapperOptions) {
 *     this.#options = options;
 *   }
 *   mapView(view: unknown): MappedView {
 *     const label = this.#options.registration.label;
 *     return async (_context, request) => {
 *       console.log(`calling ${label}`);
 *       return await (view as (r: unknown) => Promise<unknown>)(request);
 *     };
 *   }
 * }
 * console.assert(typeof LoggingMapper === "function");
 * ```
 */
export interface ViewMapper {
  /** Turns the registered view into a {@linkcode MappedView}. */
  mapView(view: unknown): MappedView | Promise<MappedView>;
}

/** A view mapper class, as passed to `setViewMapper` or the `mapper` view option. */
export interface ViewMapperClass {
  /** Creates the mapper for one view. */
  new (options: ViewMapperOptions): ViewMapper;
}

/**
 * How plain-function views reach the executor: the blocking-views app extension registers
 * one under {@linkcode BLOCKING_VIEWS}, so mappers stay free of worker details.
 */
export type BlockingViewMapper = (
  view: unknown,
  options: ViewMapperOptions,
) => Promise<MappedView>;

/**
 * The registry key of the {@linkcode BlockingViewMapper}.
 *
 * @example Checking whether an app can run blocking views
 * ```ts
 * import { BLOCKING_VIEWS, Configurator } from "@aio/pyramid";
 * const config = new Configurator();
 * const app = await config.makeApp();
 * console.assert(app.registry.queryUtility(BLOCKING_VIEWS) !== undefined);
 * await app.close();
 * ```
 */
export const BLOCKING_VIEWS: UtilityKey<BlockingViewMapper> = new UtilityKey(
  "blocking views (the executor extension)",
);

function mapBlocking(view: unknown, options: ViewMapperOptions): Promise<MappedView> {
  const mapper = options.registry.queryUtility(BLOCKING_VIEWS);
  if (!mapper) {
    throw new ConfigurationError(
      `The view ${options.registration.label} (registered at ${
        formatSite(options.registration.site)
      }) is a plain function, so it must run in the executor, but this app has no executor ` +
        "extension. Make it an `async function`, or use the Configurator exported by " +
        "@aio/pyramid (it installs the executor extension).",
    );
  }
  return mapper(view, options);
}

// Decides once, at makeApp(), how the view is called, so no per-request inspection remains.
function mapAsync(view: unknown, options: ViewMapperOptions): MappedView {
  const attr = options.registration.attr;
  if (isClass(view)) {
    return function callAsyncClassView(context, request) {
      return callView(view, attr, context, request) as Promise<unknown>;
    };
  }
  const fn = view as (...args: unknown[]) => Promise<unknown>;
  if (fn.length >= 2) return fn as MappedView;
  return function callAsyncView(_context, request) {
    return fn(request);
  };
}

/**
 * Awaits `async function` views on the event loop; a plain function is a
 * {@linkcode ConfigurationError} ("Non-coroutine X mapped to coroutine.").
 *
 * @example Forcing a view onto the event loop
 * ```ts
 * import { Configurator, CoroutineMapper } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("home", "/");
 * config.addView(async () => ({ ok: true }), { routeName: "home", renderer: "json", mapper: CoroutineMapper });
 * ```
 */
export class CoroutineMapper implements ViewMapper {
  #options: ViewMapperOptions;
  /** Creates the mapper for one view. */
  constructor(options: ViewMapperOptions) {
    this.#options = options;
  }
  /** Maps an async view; refuses a plain one. */
  mapView(view: unknown): MappedView {
    const { registration } = this.#options;
    if (!isAsync(view, { attr: registration.attr })) {
      throw new ConfigurationError(
        `Non-coroutine ${registration.label} mapped to coroutine. ` +
          `Make it an \`async function\` or use CoroutineOrExecutorMapper (registered at ${
            formatSite(registration.site)
          }).`,
      );
    }
    return mapAsync(view, this.#options);
  }
}

/**
 * Runs every view in the executor's workers; an async view is a
 * {@linkcode ConfigurationError} ("Coroutine X mapped to executor.").
 *
 * @example Sending a legacy view to the executor
 * ```ts
 * import { Configurator, ExecutorMapper } from "@aio/pyramid";
 * const config = new Configurator();
 * config.setViewMapper(ExecutorMapper);
 * ```
 */
export class ExecutorMapper implements ViewMapper {
  #options: ViewMapperOptions;
  /** Creates the mapper for one view. */
  constructor(options: ViewMapperOptions) {
    this.#options = options;
  }
  /** Maps a plain view to the executor; refuses an async one. */
  mapView(view: unknown): Promise<MappedView> {
    const { registration } = this.#options;
    if (isAsync(view, { attr: registration.attr })) {
      throw new ConfigurationError(
        `Coroutine ${registration.label} mapped to executor. ` +
          `Remove the mapper option or use CoroutineOrExecutorMapper (registered at ${
            formatSite(registration.site)
          }).`,
      );
    }
    return mapBlocking(view, this.#options);
  }
}

/**
 * The default mapper: `async function` views run on the event loop, plain functions in
 * the executor, so blocking code never stalls the server.
 *
 * @example The default needs no configuration
 * ```ts
 * import { Configurator, CoroutineOrExecutorMapper } from "@aio/pyramid";
 * const config = new Configurator();
 * config.setViewMapper(CoroutineOrExecutorMapper); // already the default
 * ```
 */
export class CoroutineOrExecutorMapper implements ViewMapper {
  #options: ViewMapperOptions;
  /** Creates the mapper for one view. */
  constructor(options: ViewMapperOptions) {
    this.#options = options;
  }
  /** Maps async views to the loop and plain ones to the executor. */
  mapView(view: unknown): MappedView | Promise<MappedView> {
    return isAsync(view, { attr: this.#options.registration.attr })
      ? mapAsync(view, this.#options)
      : mapBlocking(view, this.#options);
  }
}
