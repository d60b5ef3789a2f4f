/**
 * The tasks example: a small task tracker on PostgreSQL — the asyncio stack's aiopg (a pooled
 * connection per request, in a transaction) and rororo (validated requests, an OpenAPI
 * document), plus a legacy blocking view on the same database through `synchronize`.
 * Serve it with `deno task serve examples/tasks/development.ini` (set `tasks.database_url`).
 *
 * @module
 */

import { type App, Configurator } from "@aio/pyramid";
import { databaseExtension, openTransaction } from "./db.ts";

/** Builds the app from `[app:main]` settings; `tasks.database_url` names the database. */
export async function main(settings: Record<string, string>): Promise<App> {
  const url = settings["tasks.database_url"];
  if (!url) {
    throw new Error(
      "The tasks example needs tasks.database_url (postgres://user@host:port/db) in [app:main].",
    );
  }
  const config = new Configurator({ settings });
  config.addExtension(databaseExtension(url, { max: Number(settings["tasks.pool_size"] ?? 10) }));
  config.addRequestMethod(openTransaction, "db", { reify: true });
  config.addOpenApi({
    path: "/openapi.json",
    info: { title: "Tasks", version: "1.0.0", description: "The @aio/pyramid tasks example." },
  });
  config.addRoute("tasks", "/tasks");
  config.addRoute("import", "/tasks/import");
  config.addRoute("export", "/tasks.csv");
  config.addRoute("live", "/tasks/live");
  config.addRoute("task", "/tasks/{id:\\d+}");
  config.addRoute("health", "/health");
  config.addRoute("health_db", "/health/db");
  await config.scan(new URL("./views.ts", import.meta.url).href);
  config.addView("./views.ts#exportCsv", { routeName: "export", requestMethod: "GET" });
  return await config.makeApp();
}
