/**
 * Where code lives, so that a worker can find the same function the main isolate means.
 *
 * Functions cannot cross isolates, so the executor names them: by `(moduleUrl, exportName)`,
 * or by the *definition site* (`url:line:column`) of the `viewConfig()`, `synchronize()` or
 * `useExecutor()` call that wrapped them at module top level. Every isolate that loads the
 * module runs that call at the same site, so the site is an identity that survives the trip.
 * All of this metadata lives here, in one module-level registry: user functions never carry
 * marker properties.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { callerSite as firstFrameOutside, formatSite } from "../_callsite.ts";

/** A callable named by its module and export: `"./views.ts#home"` resolved to an absolute URL. */
export interface ExportRef {
  /** Absolute URL of the module that exports the callable. */
  moduleUrl: string;
  /** Name of the export (`"default"` for the default export). */
  exportName: string;
  /**
   * The function's source text, set when the main isolate could not compare exports by
   * identity (its module was still evaluating a top-level `await`); the worker then checks
   * that the export has this source.
   */
  source?: string;
}

/** A callable named by the site (`url:line:column`) of the helper call that recorded it. */
export interface SiteRef {
  /** `file:///path/module.ts:LINE:COL`, as {@linkcode recordDefinitionSite} returned it. */
  site: string;
}

/** How a worker finds a callable: by export, or by definition site. */
export type CallableRef = ExportRef | SiteRef;

/** Any function: the registry stores callables of every signature. */
// deno-lint-ignore no-explicit-any
export type AnyFunction = (...args: any[]) => any;

const AMBIGUOUS: unique symbol = Symbol("ambiguous site");

const functionsBySite = new Map<string, AnyFunction | typeof AMBIGUOUS>();
const sitesByFunction = new WeakMap<AnyFunction, string>();
const knownModules = new Set<string>();

/**
 * The definition site (`url:line:column`) of the first stack frame outside this framework's
 * own files, or `undefined` when every frame is the framework's.
 *
 * @example Naming where a helper was called
 * ```ts
 * import { callerSite } from "./registry.ts";
 * const site = callerSite(); // "file:///app/views.ts:12:3"
 * ```
 */
export function callerSite(): string | undefined {
  const site = firstFrameOutside();
  return site && formatSite(site);
}

/**
 * The URL of the module that called into the framework (the first stack frame outside its
 * own files); the current directory when there is none (e.g. code typed into a REPL).
 *
 * @example Resolving a path next to the caller
 * ```ts
 * import { callerModuleUrl } from "./registry.ts";
 * const here = new URL("./templates/", callerModuleUrl());
 * ```
 */
export function callerModuleUrl(): string {
  return firstFrameOutside()?.url ?? `file://${Deno.cwd()}/`;
}

/** The module URL of a site: the site without its `:line:column`. */
export function siteModuleUrl(site: string): string {
  return site.replace(/:\d+:\d+$/, "");
}

/**
 * Records the definition site of `fn` — the caller of the framework helper that calls this,
 * e.g. `viewConfig()` — so that a worker loading the same module finds the same function.
 * Returns the site, or `undefined` when no frame lies outside the framework. Recording two
 * different functions at one site (a helper called in a loop, or inside a factory) makes the
 * site ambiguous, and locating either by site then fails with an explanation.
 *
 * @example Recording a view in a decorator-like helper
 * ```ts
 * import { recordDefinitionSite } from "./registry.ts";
 * export function viewConfig<V extends (...args: never[]) => unknown>(options: object, view: V): V {
 *   recordDefinitionSite(view);
 *   return view;
 * }
 * ```
 */
export function recordDefinitionSite(fn: AnyFunction): string | undefined {
  const site = callerSite();
  if (site === undefined) return undefined;
  recordSite(site, fn);
  return site;
}

/** Records `fn` at an already known site (used by helpers that captured the site earlier). */
export function recordSite(site: string, fn: AnyFunction): void {
  const existing = functionsBySite.get(site);
  if (existing === undefined || existing === fn) functionsBySite.set(site, fn);
  else functionsBySite.set(site, AMBIGUOUS);
  if (!sitesByFunction.has(fn)) sitesByFunction.set(fn, site);
}

/**
 * Makes `alias` (e.g. the async wrapper `useExecutor()` returns) locate as `site`, so passing
 * the alias to `spawnBlocking()` runs the function recorded at that site.
 */
export function aliasSite(alias: AnyFunction, site: string): void {
  sitesByFunction.set(alias, site);
}

/**
 * The definition site recorded for `fn`, if any.
 *
 * @example Checking whether a view was recorded
 * ```ts
 * import { definitionSiteOf } from "./registry.ts";
 * function view() {}
 * console.assert(definitionSiteOf(view) === undefined);
 * ```
 */
export function definitionSiteOf(fn: AnyFunction): string | undefined {
  return sitesByFunction.get(fn);
}

/** The function recorded at `site` in this isolate; throws when the site is ambiguous. */
export function functionAtSite(site: string): AnyFunction | undefined {
  const fn = functionsBySite.get(site);
  if (fn === AMBIGUOUS) {
    throw new ConfigurationError(
      `Several functions were recorded at ${site}, so a worker cannot tell them apart. ` +
        "Call viewConfig(), synchronize() and useExecutor() once per function, at module top " +
        'level, or export the function and refer to it as "./module.ts#name".',
    );
  }
  return fn;
}

/**
 * Tells the locator about a module whose exports may hold blocking callables (the
 * configurator calls this for modules it scans or includes).
 *
 * @example Registering a scanned module
 * ```ts
 * import { addKnownModule } from "./registry.ts";
 * addKnownModule(new URL("./views.ts", import.meta.url).href);
 * ```
 */
export function addKnownModule(moduleUrl: string): void {
  knownModules.add(moduleUrl);
}

/**
 * Resolves `"./module.ts#export"` (or `"./module.ts"`, meaning the default export) against
 * `base`, by default the calling module.
 *
 * @example Resolving a view reference
 * ```ts
 * import { resolveReference } from "./registry.ts";
 * const ref = resolveReference("./views.ts#home", "file:///app/main.ts");
 * console.assert(ref.moduleUrl === "file:///app/views.ts" && ref.exportName === "home");
 * ```
 */
export function resolveReference(spec: string, base: string = callerModuleUrl()): ExportRef {
  const hash = spec.lastIndexOf("#");
  const path = hash >= 0 ? spec.slice(0, hash) : spec;
  const exportName = (hash >= 0 ? spec.slice(hash + 1) : "") || "default";
  return { moduleUrl: new URL(path, base).href, exportName };
}

/**
 * Finds a reference a worker can use for `fn`, on the main isolate: its recorded definition
 * site, or else the first `(moduleUrl, exportName)` among `options.modules` and the modules
 * given to {@linkcode addKnownModule} whose export *is* `fn`. A string is resolved as
 * `"./module.ts#export"` against `options.base` (default: the calling module).
 *
 * @throws {ConfigurationError} when `fn` cannot be found, saying how to make it findable.
 *
 * @example Locating an exported blocking function
 * ```ts
 * import { callerModuleUrl, locateCallable } from "./registry.ts";
 * export function report() {
 *   return "done";
 * }
 * const ref = await locateCallable(report, { modules: [callerModuleUrl()] });
 * // { moduleUrl: "file:///app/jobs.ts", exportName: "report" }
 * ```
 */
export async function locateCallable(
  fn: AnyFunction | string | CallableRef,
  options: { modules?: string[]; base?: string } = {},
): Promise<CallableRef> {
  if (typeof fn === "string") return resolveReference(fn, options.base ?? callerModuleUrl());
  if (typeof fn !== "function") return fn;
  const site = sitesByFunction.get(fn);
  if (site !== undefined && functionsBySite.get(site) !== AMBIGUOUS) return { site };
  const modules = [...new Set([...(options.modules ?? []), ...knownModules])];
  const evaluating: string[] = [];
  for (const moduleUrl of modules) {
    const namespace = await importSettled(moduleUrl);
    if (namespace === EVALUATING) evaluating.push(moduleUrl);
    if (typeof namespace !== "object") continue;
    for (const [exportName, value] of Object.entries(namespace)) {
      if (value === fn) return { moduleUrl, exportName };
    }
  }
  // A module still running its top-level `await` (typically the caller's own main module)
  // cannot be imported without deadlocking: trust the function's name, checked in the
  // worker against the export's source text.
  if (fn.name && evaluating.length > 0) {
    return { moduleUrl: evaluating[0], exportName: fn.name, source: String(fn) };
  }
  const label = fn.name ? `"${fn.name}"` : "an anonymous function";
  const searched = modules.length ? ` (searched the exports of ${modules.join(", ")})` : "";
  throw new ConfigurationError(
    `The executor cannot locate ${label}${searched}: a worker finds a function only through ` +
      "the module that defines it. Export it from its module, or wrap it with useExecutor() " +
      'at module top level, or register it as "./module.ts#name".',
  );
}

const EVALUATING: unique symbol = Symbol("evaluating");

async function importSettled(
  moduleUrl: string,
): Promise<Record<string, unknown> | typeof EVALUATING | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<typeof EVALUATING>((resolve) => {
    timer = setTimeout(resolve, 250, EVALUATING);
  });
  try {
    return await Promise.race([import(moduleUrl), pending]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** A readable name for a reference, for error messages: `views.ts#home` or a site. */
export function describeRef(ref: CallableRef): string {
  if ("site" in ref) return ref.site;
  return `${ref.moduleUrl}#${ref.exportName}`;
}

const namespaces = new Map<string, Record<string, unknown>>();

/**
 * Loads the function a reference names in *this* isolate, importing its module if needed.
 *
 * @example Loading a callable inside a worker
 * ```ts
 * import { loadCallable } from "./registry.ts";
 * const fn = await loadCallable({ moduleUrl: "file:///app/jobs.ts", exportName: "report" });
 * ```
 */
export async function loadCallable(ref: CallableRef): Promise<AnyFunction> {
  if ("site" in ref) {
    let fn = functionAtSite(ref.site);
    if (fn === undefined) {
      await import(siteModuleUrl(ref.site));
      fn = functionAtSite(ref.site);
    }
    if (fn === undefined) {
      throw new ConfigurationError(
        `No function was recorded at ${ref.site} after loading ${siteModuleUrl(ref.site)}. ` +
          "viewConfig(), synchronize() and useExecutor() must run at module top level so every " +
          "isolate that loads the module records the same site; otherwise export the function.",
      );
    }
    return fn;
  }
  // A module namespace is live (it sees re-assigned exports), so keeping it is safe; a
  // repeated dynamic `import()` costs tens of µs per call in a worker, on every job.
  let namespace = namespaces.get(ref.moduleUrl);
  if (namespace === undefined) {
    namespace = await import(ref.moduleUrl) as Record<string, unknown>;
    namespaces.set(ref.moduleUrl, namespace);
  }
  const value = namespace[ref.exportName];
  if (typeof value !== "function") {
    throw new ConfigurationError(
      `${describeRef(ref)} is ${value === undefined ? "not exported" : `a ${typeof value}`}; ` +
        "the executor needs an exported function. Check the export name after '#'.",
    );
  }
  if (ref.source !== undefined && String(value) !== ref.source) {
    throw new ConfigurationError(
      `The export ${describeRef(ref)} is not the function that was passed. Export the ` +
        'function under its own name, or pass it as "./module.ts#name".',
    );
  }
  return value as AnyFunction;
}

const STATIC_IMPORT = /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm;

/**
 * The local modules a module imports statically (relative, absolute or `file:` specifiers):
 * a function imported from `"./views.ts"` and passed to the framework is found among that
 * module's exports. Reads the module's source; `[]` for modules that are not local files.
 *
 * @example Listing what a module imports
 * ```ts
 * import { staticImportsOf } from "./registry.ts";
 * const modules = await staticImportsOf(import.meta.url);
 * console.assert(Array.isArray(modules));
 * ```
 */
export async function staticImportsOf(moduleUrl: string): Promise<string[]> {
  if (!moduleUrl.startsWith("file:")) return [];
  let source: string;
  try {
    source = await Deno.readTextFile(new URL(moduleUrl));
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const [, specifier] of source.matchAll(STATIC_IMPORT)) {
    if (/^(\.|\/|file:)/.test(specifier)) found.push(new URL(specifier, moduleUrl).href);
  }
  return found;
}
