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
    for (const extension of [executorExtension, websocketExtension, brokerExtension]) {
      this.addExtension(extension);
    }
  }
}
