// testConfig(): a Configurator for tests.
import { Configurator } from "../standard.ts";

/**
 * A Configurator for tests, with optional settings.
 *
 * @example Building a small app in a test
 * ```ts
 * import { testConfig } from "@aio/pyramid/testing";
 * const config = testConfig({ settings: { "aio.debug": "true" } });
 * console.assert(config.settings["aio.debug"] === "true");
 * ```
 */
export function testConfig(options: { settings?: Record<string, unknown> } = {}): Configurator {
  return new Configurator({ settings: options.settings });
}
