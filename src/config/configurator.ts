/**
 * The Configurator collects routes, views, predicates, renderers, tweens, subscribers,
 * request methods and settings, then `makeApp()` builds the application. Each concern
 * lives in its own file beside this one; this class is the face users call.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { callerModule, callerSite, type CallSite } from "../_callsite.ts";
import { HTTPForbidden, HTTPNotFound } from "../httpexceptions.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { RendererFactory } from "../rendering/renderer.ts";
import type { ViewMapperClass } from "../views/mapper.ts";
import {
  BUILTIN_ROUTE_PREDICATES,
  BUILTIN_VIEW_PREDICATES,
  type PredicateFactory,
  type PredicateRegistration,
} from "../views/predicates.ts";
import { viewConfigsInModule } from "../views/view_config.ts";
import type { MapperView, RequestView, ViewCallable } from "../views/view_types.ts";
import type { App } from "../router/app.ts";
import { makeApp } from "./make_app.ts";
import type { AppExtension } from "../extension.ts";
import type { ViewDeriver, ViewDeriverOptions } from "../views/derivers.ts";
import { type AddOpenApiOptions, openApiView, registryOpenApi } from "./openapi.ts";
import { addViewDeriver } from "./view_derivers.ts";
import { type EventClass, Registry, type RootFactory } from "./registry.ts";
import { readSettings, type Settings } from "./settings.ts";
import { addRoute, joinRoutePrefix, prefixPattern, type RouteOptions } from "./routes.ts";
import { addView, type ViewOptions } from "./views.ts";
import { addTween, type TweenFactory, type TweenOptions } from "./tweens.ts";
import { addBuiltinRenderers, addRenderer } from "./rendering.ts";
import { orderByHints } from "./ordering.ts";
import {
  SECURITY_CHECK,
  setAuthenticationPolicy,
  setAuthorizationPolicy,
  setDefaultPermission,
  setSecurityPolicy,
} from "./security.ts";
import type { SecurityPolicy } from "../security/security_policy.ts";
import type { AuthenticationPolicy } from "../security/callback_policy.ts";
import type { AuthorizationPolicy } from "../security/acl.ts";
import type { SessionFactory } from "../session/mod.ts";
import type { CsrfOptions, CSRFStoragePolicy } from "../csrf/mod.ts";
import { setCsrfStoragePolicy, setDefaultCsrfOptions, setSessionFactory } from "./sessions.ts";

/** Options for `new Configurator()`. */
export interface ConfiguratorOptions {
  /** Application settings (from `development.ini` or code); frozen. */
  settings?: Record<string, unknown>;
  /** The default root factory for traversal. */
  rootFactory?: RootFactory;
}

/** Options for `config.include`. */
export interface IncludeOptions {
  /** Prefix added to every route pattern the included code adds (`/api`). */
  routePrefix?: string;
  /** Prefix joined with `.` to every route name the included code adds (`api`). */
  routeNamePrefix?: string;
}

/** Options for `config.addRequestMethod`. */
export interface RequestMethodOptions {
  /** Compute once per request, on first access, and cache (a property). */
  reify?: boolean;
  /** Compute on every access (a property) rather than adding a method. */
  property?: boolean;
}

/** Options for `addViewPredicate`/`addRoutePredicate`: evaluation order hints. */
export interface PredicateOptions {
  /** Evaluate before these predicates. */
  over?: string | string[];
  /** Evaluate after these predicates. */
  under?: string | string[];
}

// State shared by a configurator and the child configurators `include` makes.
interface SharedState {
  registry: Registry;
  viewPredicates: PredicateRegistration[];
  routePredicates: PredicateRegistration[];
  pending: Promise<unknown>[];
}

// Set by `include` just before it constructs a child, which then shares this state
// (private fields exist only on objects the constructor made, so Object.create won't do).
let inheritedState: SharedState | undefined;

/**
 * The core configurator: routes, views, view derivers, predicates, renderers, tweens,
 * subscribers, request methods and settings, without any app extension. Most apps use
 * `Configurator` (this plus the executor, websocket and broker extensions); add extensions
 * to this one with {@linkcode CoreConfigurator.addExtension}.
 *
 * @example A JSON hello-world
 * ```ts
 * import { Configurator } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("hello", "/hello/{name}");
 * config.addView(async (request) => ({ hello: request.matchdict.name }), {
 *   routeName: "hello",
 *   renderer: "json",
 * });
 * const app = await config.makeApp();
 * const response = await app.fetch(new Request("http://localhost/hello/deno"));
 * console.assert((await response.json()).hello === "deno");
 * await app.close();
 * ```
 */
export class CoreConfigurator {
  #state: SharedState;
  #routePrefix: string | undefined;
  #routeNamePrefix: string | undefined;

  /** Creates a configurator; settings are frozen here. */
  constructor(options: ConfiguratorOptions = {}) {
    if (inheritedState) {
      this.#state = inheritedState;
      inheritedState = undefined;
      return;
    }
    const { settings, aio } = readSettings(options.settings);
    const registry = new Registry(settings, aio);
    registry.rootFactory = options.rootFactory;
    addBuiltinRenderers(registry);
    this.#state = {
      registry,
      viewPredicates: [...BUILTIN_VIEW_PREDICATES],
      routePredicates: [...BUILTIN_ROUTE_PREDICATES],
      pending: [],
    };
  }

  /** The registry being filled. */
  get registry(): Registry {
    return this.#state.registry;
  }

  /** The route name prefix `include(..., { routeNamePrefix })` gave this configurator. */
  get routeNamePrefix(): string | undefined {
    return this.#routeNamePrefix;
  }

  /** The frozen settings. */
  get settings(): Settings {
    return this.#state.registry.settings;
  }

  /**
   * Adds a route. Patterns: `/a/{id}`, `/a/{id:\d+}`, `/files/*subpath`, `/site/*traverse`.
   * Routes are tried in the order they are added.
   */
  addRoute(name: string, pattern: string, options: RouteOptions = {}): void {
    const site = callerSite();
    const fullName = this.#routeNamePrefix ? `${this.#routeNamePrefix}.${name}` : name;
    const full = prefixPattern(this.#routePrefix, pattern, options.inheritSlash);
    addRoute(this.registry, fullName, full, {
      ...options,
      site,
      routePredicates: this.#state.routePredicates,
    });
  }

  /**
   * Adds a view: a function `(request)` / `(context, request)`, a class (constructed with
   * `(context, request)`, its `attr` method called), or a `"./module.ts#export"` string.
   * An unannotated `(request)` view's parameter is typed `PyramidRequest`; a
   * `(context, request)` view annotates both (see {@linkcode ViewCallable}).
   */
  addView<M extends ViewMapperClass>(
    view: MapperView<M>,
    options: ViewOptions & { mapper: M },
  ): void;
  /** Adds a view taking the request (`async function (request)`): see above. */
  addView(view: RequestView, options?: ViewOptions): void;
  /** Adds a view of any accepted shape (see {@linkcode ViewCallable}): see above. */
  addView(view: ViewCallable, options?: ViewOptions): void;
  addView(view: ViewCallable, options: ViewOptions = {}): void {
    const site = callerSite();
    this.#addView(view, options, site, site?.url ?? callerModule());
  }

  #addView(
    view: unknown,
    options: ViewOptions,
    site: CallSite | undefined,
    baseUrl: string,
    ref?: { moduleUrl: string; exportName: string },
    exception = false,
  ): void {
    const routeName = options.routeName !== undefined && this.#routeNamePrefix
      ? `${this.#routeNamePrefix}.${options.routeName}`
      : options.routeName;
    if (site) this.registry.knownModules.add(site.url);
    addView(this.registry, view, { ...options, routeName }, {
      site,
      baseUrl,
      ref,
      viewPredicates: this.#state.viewPredicates,
      exception,
    });
  }

  /** Adds a view for errors of `options.context` (an Error class; default `Error`). */
  addExceptionView(view: RequestView, options?: ViewOptions): void;
  /** Adds an exception view of any accepted shape; the context is the error. */
  addExceptionView(view: ViewCallable, options?: ViewOptions): void;
  addExceptionView(view: ViewCallable, options: ViewOptions = {}): void {
    this.#addExceptionView(view, { context: Error, ...options });
  }

  /** Adds the view rendered for 404s. */
  addNotFoundView(view: RequestView, options?: Omit<ViewOptions, "context">): void;
  /** Adds the view rendered for 404s, of any accepted shape. */
  addNotFoundView(view: ViewCallable, options?: Omit<ViewOptions, "context">): void;
  addNotFoundView(view: ViewCallable, options: Omit<ViewOptions, "context"> = {}): void {
    this.#addExceptionView(view, { ...options, context: HTTPNotFound });
  }

  /** Adds the view rendered for 403s. */
  addForbiddenView(view: RequestView, options?: Omit<ViewOptions, "context">): void;
  /** Adds the view rendered for 403s, of any accepted shape. */
  addForbiddenView(view: ViewCallable, options?: Omit<ViewOptions, "context">): void;
  addForbiddenView(view: ViewCallable, options: Omit<ViewOptions, "context"> = {}): void {
    this.#addExceptionView(view, { ...options, context: HTTPForbidden });
  }

  #addExceptionView(view: unknown, options: ViewOptions): void {
    const site = callerSite();
    this.#addView(view, options, site, site?.url ?? callerModule(), undefined, true);
  }

  /**
   * Registers every `viewConfig()` declaration made in the given modules (URLs or paths
   * relative to the caller; a directory means every `.ts`/`.js` module below it).
   */
  scan(url: string | URL, ...more: (string | URL)[]): Promise<void> {
    const base = callerModule();
    const work = (async () => {
      for (const item of [url, ...more]) {
        for (const moduleUrl of await modulesAt(new URL(String(item), base))) {
          await this.#scanModule(moduleUrl);
        }
      }
    })();
    return this.#track(work);
  }

  async #scanModule(moduleUrl: string): Promise<void> {
    let module: Record<string, unknown>;
    try {
      module = await import(moduleUrl);
    } catch (error) {
      throw new ConfigurationError(
        `config.scan() could not import ${moduleUrl}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.registry.knownModules.add(moduleUrl);
    const exportNames = new Map<unknown, string>();
    for (const [name, value] of Object.entries(module)) {
      if (!exportNames.has(value)) exportNames.set(value, name);
    }
    for (const record of viewConfigsInModule(moduleUrl)) {
      const exportName = exportNames.get(record.view);
      this.#addView(
        record.view,
        record.options,
        record.site,
        moduleUrl,
        exportName ? { moduleUrl, exportName } : undefined,
      );
    }
  }

  /**
   * Runs `includeme(config)` with a child configurator whose routes get the given prefixes.
   * `target` is a function or a module URL whose default export (or `includeme`) is one.
   */
  include(
    target: ((config: CoreConfigurator) => void | Promise<void>) | string | URL,
    options: IncludeOptions = {},
  ): Promise<void> {
    inheritedState = this.#state;
    const child = new (this.constructor as typeof CoreConfigurator)();
    child.#routePrefix = options.routePrefix === undefined
      ? this.#routePrefix
      : joinRoutePrefix(this.#routePrefix, options.routePrefix);
    child.#routeNamePrefix = [this.#routeNamePrefix, options.routeNamePrefix].filter(Boolean)
      .join(".") || undefined;
    if (typeof target === "function") {
      return this.#track(Promise.resolve(target(child)));
    }
    const moduleUrl = new URL(String(target), callerModule()).href;
    return this.#track((async () => {
      const module = await import(moduleUrl).catch((error) => {
        throw new ConfigurationError(
          `config.include() could not import ${moduleUrl}: ${(error as Error).message}`,
          { cause: error },
        );
      });
      this.registry.knownModules.add(moduleUrl);
      const includeme = module.includeme ?? module.default;
      if (typeof includeme !== "function") {
        throw new ConfigurationError(
          `config.include('${target}'): ${moduleUrl} must export a function includeme(config) (as 'includeme' or default).`,
        );
      }
      await includeme(child);
    })());
  }

  #track(work: Promise<unknown>): Promise<void> {
    const tracked = work.then(() => {});
    // Errors surface from the awaited promise and again from makeApp(); avoid an unhandled rejection here.
    tracked.catch(() => {});
    this.#state.pending.push(tracked);
    return tracked;
  }

  /** Adds a tween factory `(handler, registry) => handler`, ordered by `over`/`under`. */
  addTween(factory: TweenFactory, options: TweenOptions = {}): void {
    addTween(this.registry, factory, { ...options, site: callerSite() });
  }

  /** Adds (or replaces) a renderer under a name or a file extension (`.mustache`). */
  addRenderer(name: string, factory: RendererFactory): void {
    addRenderer(this.registry, name, factory);
  }

  /** Calls `subscriber(event)` for each event of the given class (may be async). */
  addSubscriber<E>(subscriber: (event: E) => unknown, event: EventClass): void {
    if (typeof subscriber !== "function" || typeof event !== "function") {
      throw new ConfigurationError(
        "addSubscriber(fn, EventClass) needs a function and an event class.",
      );
    }
    const list = this.registry.subscribers.get(event) ?? [];
    list.push(subscriber as (event: never) => unknown);
    this.registry.subscribers.set(event, list);
  }

  /** Adds a method (or, with `reify`/`property`, a property) to every request. */
  addRequestMethod(
    fn: (request: PyramidRequest, ...args: never[]) => unknown,
    name: string,
    options: RequestMethodOptions = {},
  ): void {
    const taken = this.registry.requestMethods.find((m) => m.name === name);
    if (taken) {
      throw new ConfigurationError(
        `A request method named '${name}' was already added; choose another name.`,
      );
    }
    this.registry.requestMethods.push({
      name,
      fn,
      reify: options.reify === true,
      property: options.property === true,
    });
  }

  /** Adds a custom view predicate: the view option `name` builds it with `factory(value)`. */
  addViewPredicate(name: string, factory: PredicateFactory, options: PredicateOptions = {}): void {
    this.#addPredicate(this.#state.viewPredicates, "view predicate", name, factory, options);
  }

  /** Adds a custom route predicate: the route option `name` builds it with `factory(value)`. */
  addRoutePredicate(name: string, factory: PredicateFactory, options: PredicateOptions = {}): void {
    this.#addPredicate(this.#state.routePredicates, "route predicate", name, factory, options);
  }

  #addPredicate(
    list: PredicateRegistration[],
    what: string,
    name: string,
    factory: PredicateFactory,
    options: PredicateOptions,
  ): void {
    if (list.some((p) => p.name === name)) {
      throw new ConfigurationError(
        `A ${what} named '${name}' already exists; choose another name.`,
      );
    }
    list.push({ name, factory, over: options.over, under: options.under });
    // Built-ins keep their order; custom ones default to after every built-in.
    const items = list.map((p, i) => ({
      name: p.name,
      over: p.over,
      under: p.under ??
        (p.over === undefined ? (i === 0 ? undefined : list[i - 1].name) : undefined),
    }));
    const order = orderByHints(items, { first: "__first__", last: "__last__", what });
    list.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  }

  /** Sets the default view mapper (default: `CoroutineOrExecutorMapper`). */
  setViewMapper(mapper: ViewMapperClass): void {
    if (typeof mapper !== "function") {
      throw new ConfigurationError("setViewMapper() takes a mapper class such as CoroutineMapper.");
    }
    this.registry.defaultMapper = mapper;
  }

  /** Sets the default root factory for traversal. */
  setRootFactory(factory: RootFactory): void {
    this.registry.rootFactory = factory;
  }

  /** Sizes the executor (aiopyramid's `set_default_executor`); settings give the defaults. */
  setExecutor(options: { maxWorkers?: number; timeoutMs?: number; maxQueue?: number }): void {
    const current = this.registry.executor;
    for (const [key, value] of Object.entries(options)) {
      if (
        value !== undefined &&
        (!Number.isSafeInteger(value) || value < (key === "maxQueue" ? 0 : 1))
      ) {
        throw new ConfigurationError(
          `setExecutor(): ${key} must be a whole number of at least ${
            key === "maxQueue" ? 0 : 1
          }, not ${value}.`,
        );
      }
    }
    this.registry.executor = {
      ...current,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
  }

  /**
   * Adds a view deriver `(view, info) => view` to every view's chain, between
   * `decorated_view` and `rendered_view` unless `over`/`under` say otherwise (built-in names:
   * `secured_view`, `csrf_view`, `owrapped_view`, `http_cached_view`, `decorated_view`,
   * `rendered_view`, `mapped_view`; the ends `INGRESS` and `VIEW`).
   */
  addViewDeriver(deriver: ViewDeriver, options: ViewDeriverOptions = {}): void {
    addViewDeriver(this.registry, deriver, { ...options, site: callerSite() });
  }

  /** Adds an app extension, installed by `makeApp()` (the same extension twice counts once). */
  addExtension(extension: AppExtension): void {
    if (
      typeof extension !== "object" || extension === null ||
      typeof extension.name !== "string" || typeof extension.install !== "function"
    ) {
      throw new ConfigurationError(
        "addExtension() takes an object { name, install(host), over?, under? }.",
      );
    }
    if (!this.registry.extensions.includes(extension)) this.registry.extensions.push(extension);
  }

  /** Finishes pending `scan`/`include` work and builds the application. */
  async makeApp(): Promise<App> {
    while (this.#state.pending.length) {
      const pending = this.#state.pending.splice(0);
      await Promise.all(pending);
    }
    return await makeApp(this.registry);
  }

  /** Sets a Pyramid 2 security policy (`identity`, `authenticatedUserid`, `permits`, `remember`, `forget`). */
  setSecurityPolicy(policy: SecurityPolicy): void {
    setSecurityPolicy(this.registry, policy);
  }

  /** Sets the Pyramid 1 authentication policy (paired with the authorization policy). */
  setAuthenticationPolicy(policy: AuthenticationPolicy): void {
    setAuthenticationPolicy(this.registry, policy);
    this.addExtension(SECURITY_CHECK);
  }

  /** Sets the Pyramid 1 authorization policy (paired with the authentication policy). */
  setAuthorizationPolicy(policy: AuthorizationPolicy): void {
    setAuthorizationPolicy(this.registry, policy);
    this.addExtension(SECURITY_CHECK);
  }

  /** Sets the permission views registered without one require (`NO_PERMISSION_REQUIRED` opts out). */
  setDefaultPermission(permission: string): void {
    setDefaultPermission(this.registry, permission);
  }

  /**
   * Serves an OpenAPI 3.1 document of the app's routes, methods and view `schema`s at
   * `path` (default `/openapi.json`); `info.title` and `info.version` are required.
   *
   * @example Describing a validated API
   * ```ts
   * import { Configurator } from "@aio/pyramid";
   * const config = new Configurator();
   * config.addOpenApi({ path: "/openapi.json", info: { title: "Tasks", version: "1.0.0" } });
   * config.addRoute("task", "/tasks/{id:\\d+}");
   * config.addView(async () => ({}), { routeName: "task", requestMethod: "GET", renderer: "json" });
   * const app = await config.makeApp();
   * const document = await (await app.fetch(new Request("http://localhost/openapi.json"))).json();
   * console.assert("/tasks/{id}" in document.paths);
   * await app.close();
   * ```
   */
  addOpenApi(options: AddOpenApiOptions): void {
    registryOpenApi(this.registry, options); // checks the options now, not on first request
    const routeName = options.routeName ?? "openapi";
    this.addRoute(routeName, options.path ?? "/openapi.json");
    this.addView(openApiView(options), { routeName, requestMethod: "GET" });
  }

  /** Sets the session factory behind `request.session` (see {@linkcode SignedCookieSessionFactory}). */
  setSessionFactory(factory: SessionFactory): void {
    setSessionFactory(this.registry, factory);
  }

  /** Sets the CSRF defaults; `requireCsrf` (default true) makes every view check unsafe requests. */
  setDefaultCsrfOptions(options: CsrfOptions = {}): void {
    setDefaultCsrfOptions(this.registry, options);
  }

  /** Sets where CSRF tokens are kept (default: the session). */
  setCsrfStoragePolicy(policy: CSRFStoragePolicy): void {
    setCsrfStoragePolicy(this.registry, policy);
  }
}

async function modulesAt(url: URL): Promise<string[]> {
  if (url.protocol !== "file:") return [url.href];
  const path = decodeURIComponent(url.pathname);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    throw new ConfigurationError(
      `config.scan(): nothing at ${path}. Pass a module or a directory.`,
    );
  }
  if (!info.isDirectory) return [url.href];
  const found: string[] = [];
  async function walk(dir: string) {
    const entries = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = `${dir}/${entry.name}`;
      if (entry.isDirectory && !entry.name.startsWith(".") && entry.name !== "node_modules") {
        await walk(full);
      } else if (
        entry.isFile && /\.(ts|js|mts|mjs)$/.test(entry.name) &&
        !/_test\.|\.test\./.test(entry.name)
      ) {
        found.push(new URL(`file://${full}`).href);
      }
    }
  }
  await walk(path.replace(/\/+$/, ""));
  return found;
}
