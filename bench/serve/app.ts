/**
 * The app the serve benchmarks run: `GET /hello` → `{"hello":"world"}` from an async view,
 * as in the http suite. `main(settings)` is what an ini file's `use =` names;
 * `bench/serve/server_hello.ts` serves it directly for wrk.
 *
 * @module
 */

import { type App, Configurator } from "@aio/pyramid";

/** Builds the app; settings as in `[app:main]`. */
export async function main(settings: Record<string, string> = {}): Promise<App> {
  const config = new Configurator({ settings: { "aio.debug": "false", ...settings } });
  config.addRoute("hello", "/hello");
  // deno-lint-ignore require-await -- async is what keeps the view on the event loop
  config.addView(async function hello() {
    return { hello: "world" };
  }, { routeName: "hello", renderer: "json", requestMethod: "GET" });
  return await config.makeApp();
}
