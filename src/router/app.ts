/**
 * `makeApp()`: installs the app's extensions, derives every view, orders the tweens around
 * the router and mounts the request path on a Hono instance. {@linkcode App} itself is only
 * the lifecycle: `fetch`, `ready()`, `close()`.
 *
 * @module
 */

import { Hono } from "@hono/hono";
import { LinearRouter } from "@hono/hono/router/linear-router";
import { ConfigurationError } from "../errors.ts";
import { enterLiveApp, runInAppContext } from "../app_context.ts";
import type { PyramidRequest, RequestInfo } from "../request/request.ts";
import { requestClassWith } from "../request/request_class.ts";
import type { Registry } from "../config/registry.ts";
import { ApplicationCreated } from "../events.ts";
import { buildTweenChain, EXCVIEW, MAIN } from "../config/tweens.ts";
import { ViewLookup } from "../views/lookup.ts";
import { deriveViews } from "../config/derive_view.ts";
import { excviewTweenFactory, makeRequestHandler, makeRouter } from "./router.ts";
import { logError } from "../log.ts";
import { defaultRootFactory } from "../traversal/default_root.ts";
import { type AppExtension, type ExtensionHost, orderExtensions } from "../extension.ts";
import { HostPolicy } from "../request/host.ts";
import { StallDetector } from "./stall.ts";

/** The Hono instance under an app: Hono's own type. */
export type HonoApp = Hono;

/** Something `app.close()` must stop: workers, sockets, brokers. */
export type Closer = () => void | Promise<void>;

/**
 * A built application: a `Deno.serve` handler (`fetch`), the underlying Hono instance,
 * and `close()` to stop what it started.
 *
 * Every request goes through `app.hono`. Hono middleware added with `app.hono.use()` runs
 * outside the tweens; add it before the app serves its first request (or is mounted in
 * another Hono app), since Hono runs handlers in the order they were added and the
 * framework's own handler is added then. Mount the whole app under a prefix of an existing
 * Hono app with `parent.route("/legacy", app.hono)`: routes match below the prefix and
 * `routeUrl` writes prefixed URLs.
 *
 * @example Serving an app
 * ```ts no-eval
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
  /** The Hono instance every request goes through; add middleware with `app.hono.use()`. */
  readonly hono: HonoApp;
  #closers: Closer[] = [];
  #readiness: (() => Promise<void>)[] = [];
  #exposed = new Map<string, unknown>();
  #hosts: HostPolicy;
  #closed: Promise<void> | undefined;
  #mount: (() => void) | undefined;
  #mounted = false;
  #addingRoutes: (add: () => void) => void = (add) => add();

  /** Used by `makeApp()`. */
  constructor(registry: Registry, hono: Hono) {
    this.registry = registry;
    this.hono = hono;
    this.#hosts = new HostPolicy({
      "aio.allowed_hosts": registry.aio.allowedHosts,
      "aio.trusted_proxies": registry.aio.trustedProxies,
    });
  }

  /**
   * The `Deno.serve` handler: Hono's, with the framework's handler added on first use. A bad
   * or unknown `Host` is a 400 before anything routes on the URL Deno built from it.
   */
  fetch = (request: Request, info?: RequestInfo): Response | Promise<Response> => {
    if (this.#mount) this.#mountNow();
    const checked = this.#hosts.check(request, info);
    if (checked instanceof Response) return checked;
    return this.hono.fetch(checked, info);
  };

  /** Whether another Hono app has read this app's routes to mount it under a prefix. */
  get mounted(): boolean {
    return this.#mounted;
  }

  /** The executor running blocking views, when the app has one. */
  get executor(): unknown {
    return this.#exposed.get("executor");
  }

  /** The value an extension exposed under its name (`app.extension("executor")`). */
  extension(name: string): unknown {
    return this.#exposed.get(name);
  }

  /** Used by `makeApp()`: adds the framework's handler to Hono when first needed. */
  setMount(mount: () => void): void {
    this.#mount = mount;
    // Mounting in another Hono app reads `routes`: add the handler first.
    const routes = this.hono.routes;
    let adding = false;
    this.#addingRoutes = (add) => {
      adding = true;
      try {
        add();
      } finally {
        adding = false;
      }
    };
    Object.defineProperty(this.hono, "routes", {
      configurable: true,
      get: () => {
        // Hono reads `routes` itself while adding middleware: only outside readers mount.
        if (adding) return routes;
        if (this.#mount) this.#mountNow();
        // Another Hono app reads them to mount this one under a prefix.
        this.#mounted = true;
        return routes;
      },
    });
    const use = this.hono.use.bind(this.hono);
    // deno-lint-ignore no-explicit-any
    (this.hono as any).use = (...args: unknown[]) => {
      if (!this.#mount) {
        throw new ConfigurationError(
          "app.hono.use() was called after the app served a request (or was mounted): Hono " +
            "runs handlers in the order they were added, so this middleware would never run. " +
            "Add Hono middleware right after makeApp(), before serving.",
        );
      }
      adding = true;
      try {
        return use(...(args as Parameters<typeof use>));
      } finally {
        adding = false;
      }
    };
  }

  #mountNow(): void {
    const mount = this.#mount!;
    this.#mount = undefined;
    // Hono reads `routes` while adding the handler: that read is not a mount elsewhere.
    this.#addingRoutes(mount);
  }

  /** Registers something for `close()` to stop (last registered, first stopped). */
  onClose(closer: Closer): void {
    this.#closers.unshift(closer);
  }

  /** Registers a start-up that `ready()` waits for (the executor registers its workers). */
  onReady(check: () => Promise<void>): void {
    this.#readiness.push(check);
  }

  /** Used by `makeApp()`: what an extension exposed. */
  expose(name: string, value: unknown): void {
    this.#exposed.set(name, value);
  }

  /**
   * Resolves once what the app started can take work without start-up delay: executor
   * workers have loaded their modules. Requests never need it; `deno task serve` awaits it
   * before listening, and tests that time things can await it too.
   */
  async ready(): Promise<void> {
    await Promise.all(this.#readiness.map((check) => check()));
  }

  /** Stops what the extensions started, in reverse install order. Safe to call twice. */
  close(): Promise<void> {
    return this.#closed ??= (async () => {
      for (const closer of this.#closers) {
        try {
          await closer();
        } catch (error) {
          logError("Error while closing the app", error);
        }
      }
    })();
  }
}

// The excview tween entries buildApp() added itself (as opposed to one an app supplied).
const BUILTIN_EXCVIEW = new WeakSet<object>();

function hostFor(app: App, extension: AppExtension): ExtensionHost {
  return {
    registry: app.registry,
    onReady: (check) => app.onReady(check),
    onClose: (closer) => app.onClose(closer),
    expose: (value) => app.expose(extension.name, value),
  };
}

/** Builds the application from a filled registry. */
export async function buildApp(
  registry: Registry,
  extensions: readonly AppExtension[] = [],
): Promise<App> {
  // One catch-all route (plus whatever middleware the app adds): Hono's linear router
  // matches that faster than its default regexp router (≈0.2 µs a request).
  const hono = new Hono({ router: new LinearRouter() });
  const app = new App(registry, hono);
  try {
    for (const extension of orderExtensions([...extensions, ...registry.extensions])) {
      await extension.install(hostFor(app, extension));
    }
    const entries = await deriveViews(registry);
    const stallMs = registry.aio.stallWarningMs;
    const stall = stallMs > 0 ? new StallDetector(stallMs) : undefined;
    if (stall) {
      app.onClose(() => stall.close());
      for (const entry of entries) {
        entry.call = stall.watchView(entry.call, entry.registration) as typeof entry.call;
      }
    }
    const views = new ViewLookup(entries);
    const router = makeRouter({
      registry,
      routes: registry.routes,
      views,
      rootFactory: registry.rootFactory ?? defaultRootFactory,
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
    // With no tween but the built-in excview, the request handler's own error rendering
    // (the same exception views) does its work, one async step fewer per request.
    const onlyExcview = registry.tweens.every((t) => BUILTIN_EXCVIEW.has(t));
    const handle = makeRequestHandler({
      registry,
      chain: onlyExcview ? router : buildTweenChain(registry, router),
      views,
    });
    const RequestClass = requestClassFor(registry);

    app.setMount(() => {
      hono.all("*", function pyramid(c) {
        const request = new RequestClass(c.req.raw, registry, c.env as RequestInfo | undefined);
        // Mounted with parent.route("/prefix", app.hono), Hono reports "/prefix/*".
        if (app.mounted) {
          const routePath = c.req.routePath;
          if (routePath.length > 2) request.scriptName = routePath.replace(/\/?\*$/, "");
        }
        if (stall) return runInAppContext(registry, () => stall.watchRequest(request, handle));
        return runInAppContext(registry, handle, request);
      });
    });
    app.onClose(enterLiveApp(registry));
    await registry.notify(new ApplicationCreated(app));
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

function requestClassFor(registry: Registry): typeof PyramidRequest {
  return requestClassWith(registry.requestMethods);
}
