/**
 * The `Configurator` most apps use: the core configurator with the standard app extensions
 * installed — the executor (blocking views, `spawnBlocking` in requests), websockets, and
 * the broker named by `aio.broker.url`. `CoreConfigurator` is the same without them.
 *
 * @module
 */

import { type ConfiguratorOptions, CoreConfigurator } from "./config/configurator.ts";
import { executorExtension } from "./blocking/extension.ts";
import { websocketExtension } from "./websocket/mapper.ts";
import { brokerExtension } from "./broadcast/extension.ts";
import { validationExtension } from "./validation/extension.ts";
import { streamingExtension } from "./streaming/extension.ts";
import { serveStaticFile } from "./static/mod.ts";
import { callerModule } from "./_callsite.ts";
import type { PyramidRequest } from "./request/request.ts";

/** Options for `config.addStaticView`. */
export interface StaticViewOptions {
  /** Cache-Control max-age, in seconds. */
  cacheMaxAge?: number;
}

/**
 * Collects the application's configuration and builds it with `makeApp()`.
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
export class Configurator extends CoreConfigurator {
  /** Creates a configurator with the standard extensions; settings are frozen here. */
  constructor(options: ConfiguratorOptions = {}) {
    super(options);
    for (
      const extension of [
        executorExtension,
        websocketExtension,
        brokerExtension,
        validationExtension,
        streamingExtension,
      ]
    ) {
      this.addExtension(extension);
    }
  }

  /**
   * Serves the files under `path` (relative to the caller's module, or absolute) at the URL
   * prefix `name`; `name` may be an absolute URL for assets hosted elsewhere. Static views
   * are not part of the core: they read the file system, at the edge.
   */
  addStaticView(name: string, path: string, options: StaticViewOptions = {}): void {
    const base = callerModule();
    const root = decodeURIComponent(new URL(path, base).pathname).replace(/\/+$/, "");
    const external = /^[a-z][a-z0-9+.-]*:\/\//i.test(name);
    const cleanName = external ? name.replace(/\/+$/, "") : name.replace(/^\/+|\/+$/g, "");
    const routeName = `__static__/${cleanName}`;
    const cacheMaxAge = options.cacheMaxAge;
    const prefix = this.routeNamePrefix;
    this.registry.staticViews.push({
      name: cleanName,
      root,
      // URL generation looks the route up by its full name, include prefix and all.
      routeName: prefix ? `${prefix}.${routeName}` : routeName,
      cacheMaxAge,
    });
    if (external) return;
    this.addRoute(routeName, `${cleanName}/*subpath`);
    this.addView(async function staticView(request: PyramidRequest): Promise<Response> {
      const prefix = request.matchedRoute!.compiled.staticPrefix;
      return await serveStaticFile(request.raw, {
        root,
        subpath: request.pathname.slice(prefix.length),
        cacheMaxAge,
      });
    }, { routeName });
  }
}
