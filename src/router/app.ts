/**
 * `makeApp()`: turns the registry into an {@linkcode App} — views mapped and given their
 * renderers, tweens ordered around the router, all mounted on a Hono instance.
 *
 * @module
 */

import { Hono } from "@hono/hono";
import { ConfigurationError } from "../errors.ts";
import { formatSite } from "../_callsite.ts";
import { HTTPException } from "../httpexceptions.ts";
import { PyramidRequest, type RequestInfo } from "../request/request.ts";
import type { Registry, ViewRegistration } from "../config/registry.ts";
import { ApplicationCreated } from "../config/events.ts";
import { resolveRenderer } from "../config/rendering.ts";
import { buildTweenChain, EXCVIEW, type Handler, MAIN } from "../config/tweens.ts";
import { type Renderer, toRenderedResponse } from "../rendering/renderer.ts";
import { CoroutineOrExecutorMapper, type ViewMapperClass } from "../views/mapper.ts";
import { type ViewEntry, ViewLookup } from "../views/lookup.ts";
import type { LazyView } from "../config/views.ts";
import { excviewTweenFactory, makeRouter, renderError } from "./router.ts";
import { logError } from "./_log.ts";
import { defaultRootFactory } from "./_default_root.ts";
import { installExecutor } from "../views/_blocking.ts";
import { installBroker } from "../broadcast/_install.ts";
import { HostPolicy } from "../request/host.ts";
import { StallDetector } from "./stall.ts";

/**
 * The Hono instance under an app, as the framework exposes it: add Hono middleware with
 * `use()` (it then runs around every request), or cast to `Hono` for its full API.
 */
export interface HonoApp {
  /** Adds Hono middleware, e.g. `app.hono.use(cors())`. */
  // deno-lint-ignore no-explicit-any
  use(...args: any[]): unknown;
  /** Hono's request handler. */
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
  /** The routes and middleware registered on the instance. */
  readonly routes: readonly unknown[];
}

/** Something `app.close()` must stop: workers, sockets, brokers. */
export type Closer = () => void | Promise<void>;

/**
 * A built application: a `Deno.serve` handler (`fetch`), the underlying Hono instance,
 * and `close()` to stop what it started.
 *
 * @example Serving an app
 * ```ts ignore
 * import { Configurator, serve } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("hello", "/hello");
 * config.addView(async () => ({ hello: "world" }), { routeName: "hello", renderer: "json" });
 * const app = await config.makeApp();
 * serve(app, { port: 6543 });
 * ```
 */
export class App {
  /** The application registry. */
  readonly registry: Registry;
  /** The Hono instance the app is mounted on; add Hono middleware with `app.hono.use()`. */
  readonly hono: HonoApp;
  /** The executor running blocking views, when one was started. */
  executor: unknown;
  #closers: Closer[] = [];
  #readiness: (() => Promise<void>)[] = [];
  #closed: Promise<void> | undefined;
  #direct: ((request: Request, info?: RequestInfo) => Promise<Response>) | undefined;
  #honoRoutes = 0;

  /** Used by `makeApp()`. */
  constructor(registry: Registry, hono: Hono) {
    this.registry = registry;
    this.hono = hono;
  }

  /**
   * The `Deno.serve` handler. While the Hono instance holds nothing but the framework's own
   * handler, requests go straight to the tween chain (what Hono would call anyway); once
   * Hono middleware or routes are added with `app.hono`, every request goes through Hono.
   */
  fetch = (request: Request, info?: RequestInfo): Response | Promise<Response> =>
    this.#direct !== undefined && this.hono.routes.length === this.#honoRoutes
      ? this.#direct(request, info)
      : this.hono.fetch(request, info);

  /** Used by `makeApp()`: the handler used while Hono has nothing else to do. */
  setDirectHandler(handler: (request: Request, info?: RequestInfo) => Promise<Response>): void {
    this.#direct = handler;
    this.#honoRoutes = this.hono.routes.length;
  }

  /** Registers something for `close()` to stop (last registered, first stopped). */
  onClose(closer: Closer): void {
    this.#closers.unshift(closer);
  }

  /** Registers a start-up that `ready()` waits for (the executor registers its workers). */
  onReady(check: () => Promise<void>): void {
    this.#readiness.push(check);
  }

  /**
   * Resolves once what the app started can take work without start-up delay: executor
   * workers have loaded their modules. Requests never need it; `deno task serve` awaits it
   * before listening, and tests that time things can await it too.
   */
  async ready(): Promise<void> {
    await Promise.all(this.#readiness.map((check) => check()));
  }

  /** Stops workers, closes sockets and brokers. Safe to call twice. */
  close(): Promise<void> {
    return this.#closed ??= (async () => {
      for (const closer of [...this.#closers, ...this.registry.closers.toReversed()]) {
        try {
          await closer();
        } catch (error) {
          logError("Error while closing the app", error);
        }
      }
    })();
  }
}

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

async function compileView(
  registry: Registry,
  registration: ViewRegistration,
  stall?: StallDetector,
): Promise<ViewEntry> {
  const routeName = registration.routeName;
  if (routeName !== undefined && !registry.routesByName.has(routeName)) {
    const known = [...registry.routesByName.keys()].join(", ") || "none";
    throw new ConfigurationError(
      `The view ${registration.label} (registered at ${
        formatSite(registration.site)
      }) names the route '${routeName}', but no route has that name. Add it with config.addRoute('${routeName}', pattern) or fix the routeName. Known routes: ${known}.`,
    );
  }
  const view = await resolveView(registration);
  const resolved = { ...registration, view };
  const where = formatSite(registration.site);
  const context = registration.context;
  if (registration.permission !== undefined) {
    // Pyramid ignores permissions when no authorization policy is set; this version has no
    // security policies yet, so a permission would silently protect nothing.
    throw new ConfigurationError(
      `The view ${registration.label} (at ${where}) asks for the permission '${registration.permission}', ` +
        "but this version of @aio/pyramid has no authorization policy to enforce it. " +
        "Remove the permission option, or check access in the view (or a tween) yourself.",
    );
  }
  if (context !== undefined && typeof context !== "function") {
    throw new ConfigurationError(
      `The context option of view ${registration.label} (at ${where}) must be a class; views match contexts with instanceof.`,
    );
  }
  const Mapper = registration.mapper ?? classMapper(view) ?? registry.defaultMapper ??
    CoroutineOrExecutorMapper;
  const plain = await new Mapper({ registration: resolved, registry }).mapView(view);
  const mapped = stall ? stall.watchView(plain, resolved) as typeof plain : plain;
  const rendererName = registration.renderer;
  const renderer: Renderer | undefined = rendererName === undefined
    ? undefined
    : await resolveRenderer(registry, rendererName, registration.baseUrl, where);
  const label = registration.label;

  async function renderView(context: unknown, request: PyramidRequest): Promise<Response> {
    const value = await mapped(context, request);
    if (value instanceof Response) {
      // A 101 upgrade response must be returned untouched.
      return request.hasResponseDraft && value.status !== 101
        ? request.response.applyTo(value)
        : value;
    }
    if (value instanceof HTTPException) {
      return value.toResponse({ accept: request.headers.get("accept"), method: request.method });
    }
    if (renderer === undefined) {
      throw new TypeError(
        `The view ${label} returned ${
          value === null ? "null" : typeof value
        } but has no renderer. Return a Response, or register the view with a renderer such as { renderer: "json" } (registered at ${where}).`,
      );
    }
    let body = renderer!.render(value, { request, context, rendererName: rendererName! });
    if (body instanceof Promise) body = await body;
    return toRenderedResponse(body, renderer.contentType, request);
  }

  const methodPredicate = registration.predicates.find((p) => p.kind === "requestMethod") as
    | { methods?: string[] }
    | undefined;
  return {
    registration: resolved,
    predicates: registration.predicates,
    methods: methodPredicate?.methods,
    contextClass: context as ViewEntry["contextClass"],
    call: renderView,
  };
}

// A class view may name its mapper with a static `viewMapper` (aiopyramid's `__view_mapper__`).
function classMapper(view: unknown): ViewMapperClass | undefined {
  if (typeof view !== "function") return undefined;
  const mapper = (view as { viewMapper?: unknown }).viewMapper;
  return typeof mapper === "function" ? mapper as ViewMapperClass : undefined;
}

function requestClassFor(registry: Registry): typeof PyramidRequest {
  if (registry.requestMethods.length === 0) return PyramidRequest;
  class AppRequest extends PyramidRequest {}
  for (const { name, fn, reify, property } of registry.requestMethods) {
    if (name in PyramidRequest.prototype) {
      throw new ConfigurationError(
        `addRequestMethod cannot add '${name}': the request already has it. Choose another name.`,
      );
    }
    if (reify) {
      Object.defineProperty(AppRequest.prototype, name, {
        configurable: true,
        get(this: PyramidRequest) {
          const value = fn.call(this, this);
          Object.defineProperty(this, name, { value, configurable: true });
          return value;
        },
      });
    } else if (property) {
      Object.defineProperty(AppRequest.prototype, name, {
        configurable: true,
        get(this: PyramidRequest) {
          return fn.call(this, this);
        },
      });
    } else {
      Object.defineProperty(AppRequest.prototype, name, {
        configurable: true,
        value: function (this: PyramidRequest, ...args: never[]) {
          return fn.call(this, this, ...args);
        },
      });
    }
  }
  return AppRequest;
}

// The excview tween entries buildApp() added itself (as opposed to one an app supplied).
const BUILTIN_EXCVIEW = new WeakSet<object>();

/** Hook run by `makeApp()` before views are compiled (the executor installs itself here). */
export type AppSetup = (app: App) => void | Promise<void>;

/** Builds the application from a filled registry. */
export async function buildApp(registry: Registry, setups: AppSetup[] = []): Promise<App> {
  const hono = new Hono();
  const app = new App(registry, hono);
  try {
    installExecutor(app);
    installBroker(app);
    for (const setup of setups) await setup(app);
    const entries: ViewEntry[] = [];
    const stall = StallDetector.fromSettings(registry.settings, registry.aio.debug);
    if (stall) app.onClose(() => stall.close());
    for (const registration of registry.views) {
      entries.push(await compileView(registry, registration, stall));
    }
    const views = new ViewLookup(entries);
    const rootFactory = registry.rootFactory ?? defaultRootFactory;
    const router = makeRouter({
      registry,
      routes: registry.routes,
      views,
      rootFactory,
      routingReadsBody: registry.routes.some((r) =>
        r.predicates.some((p) => p.kind === "requestParam" || p.kind === "custom")
      ),
    });
    // Another makeApp() on the same configurator must not reuse this app's view lookup.
    registry.tweens = registry.tweens.filter((t) => !BUILTIN_EXCVIEW.has(t));
    if (!registry.tweens.some((t) => t.name === EXCVIEW)) {
      const excview = {
        name: EXCVIEW,
        factory: excviewTweenFactory(views, registry),
        options: { over: MAIN },
        site: undefined,
      };
      BUILTIN_EXCVIEW.add(excview);
      registry.tweens.unshift(excview);
    }
    const chain: Handler = buildTweenChain(registry, router);
    const RequestClass = requestClassFor(registry);

    const hosts = new HostPolicy(registry.settings);
    hono.all("*", function pyramid(c) {
      const info = c.env as RequestInfo | undefined;
      const raw = hosts.check(c.req.raw, info);
      if (raw instanceof Response) return raw;
      return chain(new RequestClass(raw, registry, info));
    });
    hono.onError(function pyramidSafetyNet(error, c) {
      // Only errors raised above the excview tween (in a tween near INGRESS) land here.
      return renderError(error, new RequestClass(c.req.raw, registry), undefined, registry);
    });
    app.setDirectHandler(async function pyramidDirect(received, info) {
      // Before routing: a bad or unknown Host is a 400, and routing sees only the target path.
      const raw = hosts.check(received, info);
      if (raw instanceof Response) return raw;
      const request = new RequestClass(raw, registry, info);
      let response: Response;
      try {
        response = await (stall ? stall.watchRequest(request, chain) : chain(request));
      } catch (error) {
        response = await renderError(error, request, undefined, registry);
      }
      // As Hono does: a HEAD answer keeps the headers and drops the body.
      return raw.method === "HEAD" && response.body !== null
        ? new Response(null, response)
        : response;
    });
    await registry.notify(new ApplicationCreated(app));
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}
