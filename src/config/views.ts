/**
 * `config.addView` and friends: registering views with their predicates, renderer,
 * permission and mapper; exception, not-found and forbidden views; `scan`.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { type CallSite, formatSite } from "../_callsite.ts";
import type { ViewMapperClass } from "../views/mapper.ts";
import type { PredicateRegistration } from "../views/predicates.ts";
import { viewLabel } from "../views/call_view.ts";
import type { Registry, ViewRegistration } from "./registry.ts";
import { makePredicates } from "./routes.ts";
import { BUILTIN_DERIVER_OPTIONS } from "../views/derivers.ts";

/** Options for `config.addView` and `viewConfig`. */
export interface ViewOptions {
  /** The route this view answers. Without one, the view is found by traversal. */
  routeName?: string;
  /** Only for contexts that are instances of this class. */
  context?: unknown;
  /** The traversal view name (`/photos/@@edit` → `edit`). */
  name?: string;
  /** Only for these methods (GET also answers HEAD). */
  requestMethod?: string | string[];
  /** `json`, `string`, a template path, or a name given to `addRenderer`. */
  renderer?: string;
  /** Permission the authorization policy must grant. */
  permission?: string;
  /** How the view is called; defaults to the configurator's mapper. */
  mapper?: ViewMapperClass;
  /** The method called on a class view (default `call`). */
  attr?: string;
  /** Only when the Accept header admits one of these media types. */
  accept?: string | string[];
  /** Only XMLHttpRequest requests (`true`) or only others (`false`). */
  xhr?: boolean;
  /** Only when these headers are present (and match). */
  header?: string | string[] | Record<string, string | RegExp | true>;
  /** Only when the matchdict has these values. */
  matchParam?: string | string[] | Record<string, string>;
  /** Only when these query/form parameters are present (with these values). */
  requestParam?: string | string[] | Record<string, string | true>;
  /** Extra predicates `(context, request) => boolean`. */
  custom?: ((context: unknown, request: unknown) => boolean)[];
  /** Custom predicates registered with `addViewPredicate`. */
  [predicate: string]: unknown;
}

// Options that are neither predicates nor deriver options: they say where the view goes.
const PLACEMENT = new Set(["routeName", "context", "name"]);
// Options the built-in derivers read; custom derivers' options are checked at makeApp(),
// since a deriver may be added after the views that use it (as in Pyramid).
const NON_PREDICATES = new Set([...PLACEMENT, ...BUILTIN_DERIVER_OPTIONS]);

/** Where and how a view is being registered. */
export interface AddViewSource {
  /** Registration site (or viewConfig site). */
  site: CallSite | undefined;
  /** Module URL for relative module strings and template paths. */
  baseUrl: string;
  /** Module and export, when known. */
  ref?: { moduleUrl: string; exportName: string };
  /** View predicate factories, ordered. */
  viewPredicates: PredicateRegistration[];
  /** Whether this is an exception view. */
  exception?: boolean;
}

/** A view given as `"./module.ts#export"`, resolved lazily at makeApp. */
export interface LazyView {
  /** Module URL. */
  moduleUrl: string;
  /** Export name. */
  exportName: string;
}

// "./views.ts#home" (or "./views.ts", the default export) against the registering module.
function moduleExport(spec: string, base: string): { moduleUrl: string; exportName: string } {
  const hash = spec.lastIndexOf("#");
  const path = hash >= 0 ? spec.slice(0, hash) : spec;
  const exportName = (hash >= 0 ? spec.slice(hash + 1) : "") || "default";
  return { moduleUrl: new URL(path, base).href, exportName };
}

// Contexts are classes compared by identity: two classes may share a name.
const contextIds = new WeakMap<object, number>();
let nextContextId = 0;
function contextKey(context: unknown): string {
  if (context === undefined) return "";
  if ((typeof context !== "object" && typeof context !== "function") || context === null) {
    return String(context);
  }
  let id = contextIds.get(context);
  if (id === undefined) contextIds.set(context, id = ++nextContextId);
  return `${viewLabel(context)}#${id}`;
}

function discriminator(r: ViewRegistration): string {
  const context = contextKey(r.context);
  return [
    r.exception ? "exception" : "view",
    r.routeName ?? "",
    context,
    r.name,
    ...r.predicates.map((p) => p.text).sort(),
  ].join("|");
}

/** Records a view; an identical registration (same route, context, name, predicates) conflicts. */
export function addView(
  registry: Registry,
  view: unknown,
  options: ViewOptions,
  source: AddViewSource,
): ViewRegistration {
  let target = view;
  let ref = source.ref;
  if (typeof view === "string") {
    ref = moduleExport(view, source.baseUrl);
    target = { moduleUrl: ref.moduleUrl, exportName: ref.exportName } satisfies LazyView;
  } else if (typeof view !== "function") {
    throw new ConfigurationError(
      `addView() takes a function, a class or a "./module.ts#export" string, not ${
        view === null ? "null" : typeof view
      } (at ${formatSite(source.site)}).`,
    );
  }
  if (options.routeName !== undefined && typeof options.routeName !== "string") {
    throw new ConfigurationError(
      `The routeName option must be a string (at ${formatSite(source.site)}).`,
    );
  }
  const predicateNames = new Set(source.viewPredicates.map((p) => p.name));
  const deferred = Object.keys(options).filter((key) =>
    options[key] !== undefined && !NON_PREDICATES.has(key) && !predicateNames.has(key)
  );
  const registration: ViewRegistration = {
    view: target,
    label: typeof view === "string" ? view : viewLabel(view),
    routeName: options.routeName,
    context: options.context,
    name: options.name ?? "",
    renderer: options.renderer,
    permission: options.permission,
    mapper: options.mapper,
    attr: options.attr,
    predicates: makePredicates(
      options,
      source.viewPredicates,
      new Set([...NON_PREDICATES, ...deferred]),
      "view",
    ),
    options: Object.freeze({ ...options }),
    deriverOptions: deferred,
    predicateNames: [...predicateNames],
    site: source.site,
    baseUrl: source.baseUrl,
    ref,
    exception: source.exception ?? false,
    order: registry.views.length,
  };
  const key = discriminator(registration);
  const clash = registry.views.find((r) => discriminator(r) === key);
  if (clash) {
    throw new ConfigurationError(
      `Conflicting view registrations: ${clash.label} at ${
        formatSite(clash.site)
      } and ${registration.label} at ${
        formatSite(registration.site)
      } answer the same route, context, name and predicates. Add a predicate (for example requestMethod) to tell them apart, or remove one.`,
    );
  }
  registry.views.push(registration);
  return registration;
}
