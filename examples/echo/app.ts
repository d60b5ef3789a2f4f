/**
 * aiopyramid's `aio_websocket` tutorial app, ported: a home page whose script talks to an
 * echo websocket. Serve it with `deno task serve examples/echo/development.ini` and open
 * http://127.0.0.1:6543 (add `?sleep=10` to watch the server keep answering meanwhile).
 *
 * @module
 */

import { type App, asBool, Configurator, WebsocketMapper } from "@aio/pyramid";

/** Builds the app from `[app:main]` settings. */
export async function main(settings: Record<string, string> = {}): Promise<App> {
  // Blocking websocket views hold a worker each: keep one worker free for HTTP views.
  const config = new Configurator({
    settings: { "aio.executor.max_workers": "3", "aio.websocket.max_blocking": "2", ...settings },
  });
  config.addRoute("home", "/");
  config.addRoute("echo", "/echo");
  config.addRoute("echo_class", "/echo-class");
  config.addRoute("echo_blocking", "/echo-blocking");
  await config.scan("./views.ts");
  // A plain-function websocket view runs in the executor; `echo.blocking = false` turns it off.
  if (asBool(settings["echo.blocking"] ?? "true")) {
    config.addView("./views.ts#echoBlocking", {
      routeName: "echo_blocking",
      mapper: WebsocketMapper,
    });
  }
  return await config.makeApp();
}
