/**
 * Deriving a registered view: resolve it (a `"./mod.ts#name"` string is imported), map it,
 * find its renderer, then wrap it in every view deriver, outermost last. Runs once per view
 * at `makeApp()`; the request path calls the result.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { formatSite } from "../_callsite.ts";
import type { Registry, ViewRegistration } from "./registry.ts";
import type { LazyView } from "./views.ts";
import { resolveRenderer } from "./rendering.ts";
import { deriverOptionNames, orderedDeriverNames } from "./view_derivers.ts";
import type { Renderer } from "../rendering/renderer.ts";
import { CoroutineOrExecutorMapper, type ViewMapperClass } from "../views/mapper.ts";
import type { ViewEntry } from "../views/lookup.ts";
import type { DerivedView, ViewDeriver, ViewDeriverInfo } from "../views/derivers.ts";
import {
  csrfView,
  decoratedView,
  httpCachedView,
  mappedView,
  owrappedView,
  renderedView,
  renderValue,
} from "../views/builtin_derivers.ts";
import { securedView } from "../security/secured_view.ts";

function isLazy(view: unknown): view is LazyView {
  return typeof view === "object" && view !== null && "moduleUrl" in view;
}

async function resolveView(registration: ViewRegistration): Promise<unknown> {
  const view = registration.view;
  if (!isLazy(view)) return view;
  let module: Record<string, unknown>;
  try {
    module = await import(view.moduleUrl);
  } catch (error) {
    throw new ConfigurationError(
      `The view '${registration.label}' (registered at ${
        formatSite(registration.site)
      }) could not be imported from ${view.moduleUrl}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const found = module[view.exportName];
  if (typeof found !== "function") {
    throw new ConfigurationError(
      `The module ${view.moduleUrl} has no function export '${view.exportName}' (view '${registration.label}', registered at ${
        formatSite(registration.site)
      }). Exports: ${Object.keys(module).join(", ") || "none"}.`,
    );
  }
  return found;
}

// A class view may name its mapper with a static `viewMapper` (aiopyramid's `__view_mapper__`).
function classMapper(view: unknown): ViewMapperClass | undefined {
  if (typeof view !== "function") return undefined;
  const mapper = (view as { viewMapper?: unknown }).viewMapper;
  return typeof mapper === "function" ? mapper as ViewMapperClass : undefined;
}

/** The mapper class a registration uses. */
export function mapperFor(registration: ViewRegistration, registry: Registry): ViewMapperClass {
  return registration.mapper ?? classMapper(registration.view) ?? registry.defaultMapper ??
    CoroutineOrExecutorMapper;
}

const PLACEMENT = ["routeName", "context", "name"];

function checkOptions(registration: ViewRegistration, known: Set<string>, where: string): void {
  for (const key of registration.deriverOptions) {
    if (!known.has(key)) {
      throw new ConfigurationError(
        `Unknown view option '${key}' on view ${registration.label} (at ${where}). It is ` +
          "neither a view predicate nor an option a view deriver declares. Register a custom " +
          `predicate with config.addViewPredicate('${key}', factory), or a deriver whose ` +
          `options list '${key}' with config.addViewDeriver(). Known options: ${
            [...PLACEMENT, ...registration.predicateNames, ...known].join(", ")
          }.`,
      );
    }
  }
}

/** The deriver chain and the option names it accepts: the same for every view of an app. */
interface DerivationPlan {
  names: string[];
  optionNames: Set<string>;
}

/** Derives every registered view, in registration order: the functions the request path calls. */
export async function deriveViews(registry: Registry): Promise<ViewEntry[]> {
  const plan: DerivationPlan = {
    names: orderedDeriverNames(registry),
    optionNames: deriverOptionNames(registry),
  };
  const entries: ViewEntry[] = [];
  for (const registration of registry.views) {
    entries.push(await deriveView(registry, registration, plan));
  }
  return entries;
}

async function deriveView(
  registry: Registry,
  registration: ViewRegistration,
  plan: DerivationPlan,
): Promise<ViewEntry> {
  const where = formatSite(registration.site);
  const routeName = registration.routeName;
  if (routeName !== undefined && !registry.routesByName.has(routeName)) {
    const known = [...registry.routesByName.keys()].join(", ") || "none";
    throw new ConfigurationError(
      `The view ${registration.label} (registered at ${where}) names the route '${routeName}', but no route has that name. Add it with config.addRoute('${routeName}', pattern) or fix the routeName. Known routes: ${known}.`,
    );
  }
  checkOptions(registration, plan.optionNames, where);
  const view = await resolveView(registration);
  const resolved = { ...registration, view };
  const context = registration.context;
  if (context !== undefined && typeof context !== "function") {
    throw new ConfigurationError(
      `The context option of view ${registration.label} (at ${where}) must be a class; views match contexts with instanceof.`,
    );
  }
  const Mapper = mapperFor(resolved, registry);
  const mapped = await new Mapper({ registration: resolved, registry }).mapView(view);
  const rendererName = registration.renderer;
  const renderer: Renderer | undefined = rendererName === undefined
    ? undefined
    : await resolveRenderer(registry, rendererName, registration.baseUrl, where);

  const info: ViewDeriverInfo = {
    options: registration.options,
    registry,
    originalView: view,
    name: registration.label,
    isExceptionView: registration.exception,
    where,
  };
  // One render function per view: the rendered_view deriver and the router's direct call share it.
  const render = renderValue(renderer, rendererName, info);
  const builtins: Record<string, ViewDeriver> = {
    secured_view: securedView,
    csrf_view: csrfView,
    owrapped_view: owrappedView,
    http_cached_view: httpCachedView,
    decorated_view: decoratedView,
    rendered_view: renderedView(render),
    mapped_view: mappedView(mapped),
  };
  const names = plan.names;
  let derived = undefined as unknown as DerivedView;
  // What rendered_view wrapped and returned, to tell whether any other deriver changed the view.
  let renderedInput: DerivedView | undefined;
  let renderedOutput: DerivedView | undefined;
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i];
    const deriver = builtins[name] ??
      registry.viewDerivers.find((d) => d.name === name)!.deriver;
    const next = deriver(derived, info);
    if (name === "rendered_view") {
      renderedInput = derived;
      renderedOutput = next;
    }
    if (typeof next !== "function") {
      throw new ConfigurationError(
        `The view deriver '${name}' returned ${typeof next} for view ${registration.label} (at ${where}); a deriver must return a view (context, request) => Response.`,
      );
    }
    derived = next;
  }

  const methodPredicate = registration.predicates.find((p) => p.kind === "requestMethod") as
    | { methods?: string[] }
    | undefined;
  return {
    registration: resolved,
    predicates: registration.predicates,
    methods: methodPredicate?.methods,
    contextClass: context as ViewEntry["contextClass"],
    call: derived,
    direct: derived === renderedOutput && renderedInput === (mapped as unknown)
      ? { mapped, render }
      : undefined,
  };
}
