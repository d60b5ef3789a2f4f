/**
 * Making the application from a filled registry, as Pyramid's `Configurator.make_wsgi_app()`
 * does: config assembles, the router only serves. In order: install the app extensions
 * (`over`/`under` order), derive every view, wire the stall detector, build the view lookup,
 * the `excview` tween and the tween chain around the router, then hand the request class and
 * the request handler to `router/app.ts`, which mounts them on the app's Hono instance, and
 * send `ApplicationCreated`.
 *
 * @module
 */

import { Hono } from "@hono/hono";
import { LinearRouter } from "@hono/hono/router/linear-router";
import { ConfigurationError } from "../errors.ts";
import { callerSite } from "../_callsite.ts";
import { enterLiveApp } from "../app_context.ts";
import { ApplicationCreated } from "../events.ts";
import type { AppExtension, ExtensionHost } from "../extension.ts";
import { requestClassWith } from "../request/request_class.ts";
import { App, mountRequestPath } from "../router/app.ts";
import {
  excviewTweenFactory,
  makeFinishing,
  makeRequestHandler,
  makeRouter,
} from "../router/router.ts";
import { StallDetector } from "../router/stall.ts";
import { defaultRootFactory } from "../traversal/default_root.ts";
import { ViewLookup } from "../views/lookup.ts";
import { deriveViews } from "./derive_view.ts";
import { orderByHints } from "./ordering.ts";
import type { Registry } from "./registry.ts";
import { buildTweenChain, EXCVIEW, MAIN } from "./tweens.ts";
import { addViewDeriver } from "./view_derivers.ts";

// The excview tween entries makeApp() added itself (as opposed to one an app supplied).
const BUILTIN_EXCVIEW = new WeakSet<object>();

/** Orders extensions for installation (first installed first). */
function orderExtensions(extensions: readonly AppExtension[]): AppExtension[] {
  const byName = new Map<string, AppExtension>();
  for (const extension of extensions) {
    const existing = byName.get(extension.name);
    if (existing !== undefined && existing !== extension) {
      throw new ConfigurationError(
        `Two different app extensions are named '${extension.name}'. Give one another name.`,
      );
    }
    byName.set(extension.name, extension);
  }
  const unique = [...byName.values()];
  const known = new Set(byName.keys());
  const hint = (value: string | string[] | undefined) => {
    if (value === undefined) return undefined;
    // Hints naming extensions this app does not use are ignored, not errors.
    const names = (Array.isArray(value) ? value : [value]).filter((n) => known.has(n));
    return names.length ? names : undefined;
  };
  const order = orderByHints(
    unique.map((e) => ({ name: e.name, over: hint(e.over), under: hint(e.under) })),
    { first: "__first__", last: "__last__", what: "app extension" },
  );
  return order.filter((n) => byName.has(n)).map((n) => byName.get(n)!);
}

function hostFor(app: App, extension: AppExtension): ExtensionHost {
  return {
    registry: app.registry,
    onReady: (check) => app.onReady(check),
    onClose: (closer) => app.onClose(closer),
    expose: (value) => app.expose(extension.name, value),
    addViewDeriver: (deriver, options = {}) =>
      addViewDeriver(app.registry, deriver, { ...options, site: callerSite() }),
  };
}

/**
 * Builds the application from a filled registry (what `config.makeApp()` does once pending
 * `scan`/`include` work is done). On an error, what the extensions started is closed again.
 *
 * @example Making an app from a configurator's registry
 * ```ts
 * import { CoreConfigurator } from "@aio/pyramid";
 * import { makeApp } from "./make_app.ts";
 * const config = new CoreConfigurator();
 * config.addRoute("hello", "/hello");
 * config.addView(async () => "hello", { routeName: "hello", renderer: "string" });
 * const app = await makeApp(config.registry);
 * const response = await app.fetch(new Request("http://localhost/hello"));
 * console.log(await response.text()); // "hello"
 * await app.close();
 * ```
 */
export async function makeApp(registry: Registry): Promise<App> {
  // One catch-all route (plus whatever middleware the app adds): Hono's linear router
  // matches that faster than its default regexp router (≈0.2 µs a request).
  const app = new App(registry, new Hono({ router: new LinearRouter() }));
  try {
    for (const extension of orderExtensions(registry.extensions)) {
      await extension.install(hostFor(app, extension));
    }
    const entries = await deriveViews(registry);
    const stallMs = registry.aio.stallWarningMs;
    const stall = stallMs > 0 ? new StallDetector(stallMs) : undefined;
    if (stall) {
      app.onClose(() => stall.close());
      for (const entry of entries) {
        entry.call = stall.watchView(entry.call, entry.registration) as typeof entry.call;
        // The router must call the watched view, not its halves.
        entry.direct = undefined;
      }
    }
    const views = new ViewLookup(entries);
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
    // With no tween but the built-in excview, the router finishes each request itself
    // (rendering errors through the same exception views): one async step fewer per request.
    const onlyExcview = registry.tweens.every((t) => BUILTIN_EXCVIEW.has(t));
    const finishing = makeFinishing({ registry, views });
    const router = makeRouter({
      registry,
      routes: registry.routes,
      views,
      rootFactory: registry.rootFactory ?? defaultRootFactory,
      routingReadsBody: registry.routes.some((r) =>
        r.predicates.some((p) => p.kind === "requestParam" || p.kind === "custom")
      ),
      finishing: onlyExcview ? finishing : undefined,
    });
    const handle = onlyExcview
      ? router
      : makeRequestHandler(buildTweenChain(registry, router), finishing);
    mountRequestPath(app, handle, {
      requestClass: requestClassWith(registry.requestMethods),
      stall,
    });
    app.onClose(enterLiveApp(registry));
    await registry.notify(new ApplicationCreated(app));
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}
