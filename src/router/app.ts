/**
 * The application: {@linkcode App} is its lifecycle (`fetch`, `ready()`, `close()`, the
 * Hono instance and mounting bookkeeping), and {@linkcode mountRequestPath} puts the request
 * path on its Hono instance. Assembling an app (extensions, derived views, tweens) is
 * config's job: `config/make_app.ts`.
 *
 * @module
 */

import type { Hono } from "@hono/hono";
import { ConfigurationError } from "../errors.ts";
import { runInAppContext } from "../app_context.ts";
import type { PyramidRequest, RequestInfo } from "../request/request.ts";
import type { Registry } from "../config/registry.ts";
import type { Handler } from "../config/tweens.ts";
import { logError } from "../log.ts";
import { WebResponse } from "../_web.ts";
import { HostPolicy } from "../request/host.ts";
import type { StallDetector } from "./stall.ts";

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
    if (checked instanceof WebResponse) return checked;
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

/** What {@linkcode mountRequestPath} mounts besides the request handler. */
export interface RequestPathOptions {
  /** The app's request class (with its request methods). */
  requestClass: typeof PyramidRequest;
  /** Watches requests and views that hold the event loop (`aio.stall_warning_ms`). */
  stall?: StallDetector | undefined;
}

/**
 * Mounts the request path on the app's Hono instance: a catch-all Hono handler that builds
 * the request (with the prefix the app is mounted under as its `scriptName`) and runs
 * `handle` in the app's context. Hono gets the handler when the app serves its first request
 * or another Hono app mounts it, so middleware added before runs outside the tweens.
 *
 * @example What `makeApp()` does with the handler it built
 * ```ts
 * import { CoreConfigurator, PyramidRequest } from "@aio/pyramid";
 * import { Hono } from "@hono/hono";
 * import { App, mountRequestPath } from "./app.ts";
 * const registry = new CoreConfigurator().registry;
 * const app = new App(registry, new Hono());
 * mountRequestPath(app, async (request) => new Response(request.path), {
 *   requestClass: PyramidRequest,
 * });
 * const response = await app.fetch(new Request("http://localhost/hi"));
 * console.log(await response.text()); // "/hi"
 * ```
 */
export function mountRequestPath(
  app: App,
  handle: Handler,
  options: RequestPathOptions,
): void {
  const registry = app.registry;
  const hono = app.hono;
  const RequestClass = options.requestClass;
  const stall = options.stall;
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
}
