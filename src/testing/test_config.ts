// testConfig(): a Configurator for tests.
import { Configurator } from "../standard.ts";

/** Options for {@linkcode testConfig}. */
export interface TestConfigOptions {
  /** Settings, as an `[app:main]` section would give them. */
  settings?: Record<string, unknown>;
  /** Routes to add, name → pattern, so views can call `routeUrl`/`routePath`. */
  routes?: Record<string, string>;
}

/**
 * A Configurator for tests, with optional settings and routes. Build an app from it, hand
 * its `registry` to a {@linkcode DummyRequest} so `routeUrl` works in a view called
 * directly, or pass it to {@linkcode callView} to run one view (a blocking one in a real
 * worker).
 *
 * @example Settings and routes for a test
 * ```ts
 * import { DummyRequest, testConfig } from "@aio/pyramid/testing";
 * const config = testConfig({ settings: { "aio.debug": "true" }, routes: { home: "/" } });
 * console.assert(config.settings["aio.debug"] === "true");
 * const request = new DummyRequest({ registry: config.registry });
 * console.assert(request.routePath("home") === "/");
 * ```
 */
export function testConfig(options: TestConfigOptions = {}): Configurator {
  const config = new Configurator({ settings: options.settings });
  for (const [name, pattern] of Object.entries(options.routes ?? {})) {
    config.addRoute(name, pattern);
  }
  return config;
}
