/**
 * __PROJECT_NAME__: aiopyramid's `aio_websocket` tutorial app — a home page whose script
 * talks to an echo websocket. `deno task serve development.ini` calls {@linkcode main}.
 *
 * @module
 */

import { type App, Configurator, WebsocketMapper } from "@aio/pyramid";

/** Builds the app: routes here, views in `views.ts` (found by `config.scan`). */
export async function main(settings: Record<string, string> = {}): Promise<App> {
  const config = new Configurator({ settings });
  config.addRoute("home", "/");
  config.addRoute("echo", "/echo");
  config.addRoute("echo_blocking", "/echo-blocking");
  await config.scan("./views.ts");
  // A plain-function websocket view runs in the executor and holds a worker while its
  // socket is open (at most aio.websocket.max_blocking of them at once).
  config.addView("./views.ts#echoBlocking", {
    routeName: "echo_blocking",
    mapper: WebsocketMapper,
  });
  return await config.makeApp();
}
