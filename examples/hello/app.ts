/**
 * The hello example: a JSON view, a template view and a route with a typed placeholder.
 * Serve it with `deno task serve examples/hello/development.ini`.
 *
 * @module
 */

import { type App, Configurator, viewConfig } from "@aio/pyramid";
import type { PyramidRequest } from "@aio/pyramid";

/** The home page, rendered from a Jinja2 template. */
export const home = viewConfig(
  { routeName: "home", renderer: "./templates/home.jinja2" },
  async function home(request: PyramidRequest) {
    const wait = Number(request.params.get("sleep", "0"));
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10) * 1000));
    return { title: "@aio/pyramid says hello", hello: request.routeUrl("hello") };
  },
);

/** `GET /hello` → `{"hello":"world"}`. */
export const hello = viewConfig(
  { routeName: "hello", renderer: "json" },
  async function hello(_request: PyramidRequest) {
    return { hello: "world" };
  },
);

/** `GET /users/{id}` with a numeric id. */
export const user = viewConfig(
  { routeName: "user", renderer: "json", requestMethod: "GET" },
  async function user(request: PyramidRequest) {
    return { id: Number(request.matchdict.id) };
  },
);

/** Builds the app from `[app:main]` settings. */
export async function main(settings: Record<string, string>): Promise<App> {
  const config = new Configurator({ settings });
  config.addRoute("home", "/");
  config.addRoute("hello", "/hello");
  config.addRoute("user", "/users/{id:\\d+}");
  await config.scan(import.meta.url);
  return await config.makeApp();
}
