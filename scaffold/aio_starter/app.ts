/**
 * __PROJECT_NAME__: builds the app from the `[app:main]` settings of `development.ini` (or
 * `production.ini`). `deno task serve development.ini` calls {@linkcode main}.
 *
 * @module
 */

import { type App, Configurator } from "@aio/pyramid";

/** Builds the app: routes here, views in `views.ts` (found by `config.scan`). */
export async function main(settings: Record<string, string> = {}): Promise<App> {
  const config = new Configurator({ settings });
  config.addRoute("home", "/");
  config.addRoute("fibonacci", "/fibonacci/{n:\\d+}");
  await config.scan("./views.ts");
  return await config.makeApp();
}
