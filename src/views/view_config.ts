/**
 * `viewConfig(options, view)`: declares view configuration next to the view, for
 * `config.scan()` to pick up. The metadata lives in this module's registry, never on the
 * function itself.
 *
 * @module
 */

import { callerSite, type CallSite, formatSite } from "../_callsite.ts";
import { recordSite } from "../executor/registry.ts";
import type { ViewOptions } from "../config/views.ts";
import type { ViewMapperClass } from "./mapper.ts";
import type { MapperView, RequestView, ViewCallable } from "./view_types.ts";

/** One `viewConfig()` declaration. */
export interface ViewConfigRecord {
  /** The options given. */
  options: ViewOptions;
  /** The view. */
  view: unknown;
  /** Where `viewConfig()` was called. */
  site: CallSite | undefined;
}

const byView = new WeakMap<object, ViewConfigRecord[]>();
const byModule = new Map<string, ViewConfigRecord[]>();

/**
 * Marks `view` for `config.scan()` and returns it unchanged, so tests can call it directly.
 * Call it at module top level; several calls add several registrations.
 *
 * @example Declaring a JSON view for the `home` route
 * ```ts
 * import { viewConfig } from "@aio/pyramid";
 * export const home = viewConfig(
 *   { routeName: "home", renderer: "json" },
 *   async function home(request) {
 *     return { path: request.path };
 *   },
 * );
 * ```
 */
export function viewConfig<M extends ViewMapperClass, V extends MapperView<M>>(
  options: ViewOptions & { mapper: M },
  view: V,
): V;
/** Marks a view taking the request (`async function (request)`); see above. */
export function viewConfig<V extends RequestView>(options: ViewOptions, view: V): V;
/** Marks a view of any accepted shape (see {@linkcode ViewCallable}); see above. */
export function viewConfig<V extends ViewCallable>(options: ViewOptions, view: V): V;
export function viewConfig<V extends ViewCallable>(options: ViewOptions, view: V): V {
  const site = callerSite();
  const record: ViewConfigRecord = { options, view, site };
  // The site lets an executor worker find this view again when it imports the module.
  if (site && typeof view === "function") recordSite(formatSite(site), view as () => unknown);
  if ((typeof view === "function" || (typeof view === "object" && view !== null))) {
    const list = byView.get(view as object) ?? [];
    list.push(record);
    byView.set(view as object, list);
  }
  if (site) {
    const list = byModule.get(site.url) ?? [];
    list.push(record);
    byModule.set(site.url, list);
  }
  return view;
}

/** The declarations made in a module (by the site of each `viewConfig()` call). */
export function viewConfigsInModule(moduleUrl: string): ViewConfigRecord[] {
  return byModule.get(moduleUrl) ?? [];
}

/** The declarations made for a view. */
export function viewConfigsFor(view: unknown): ViewConfigRecord[] {
  return (typeof view === "function" || (typeof view === "object" && view !== null))
    ? byView.get(view as object) ?? []
    : [];
}
