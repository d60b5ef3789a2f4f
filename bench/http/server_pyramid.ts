/**
 * `@aio/pyramid`: the same 50 routes through `config.addRoute()`, each with an async view
 * rendered by the `json` renderer, served by `Deno.serve` with `app.fetch`.
 *
 * Usage: `deno run -A bench/http/server_pyramid.ts PORT`
 *
 * @module
 */

import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { listen } from "./_listen.ts";
import { fillerBody, HELLO, helloBody, ROUTES, USER, userBody } from "./routes.ts";

const config = new Configurator({ settings: { "aio.debug": "false" } });

for (const route of ROUTES) {
  config.addRoute(route.name, route.pattern);
  if (route === HELLO) {
    // deno-lint-ignore require-await -- async is what keeps the view on the event loop
    config.addView(async function hello() {
      return helloBody();
    }, { routeName: "hello", renderer: "json", requestMethod: "GET" });
  } else if (route === USER) {
    // deno-lint-ignore require-await -- async is what keeps the view on the event loop
    config.addView(async function user(request: PyramidRequest) {
      return userBody(request.matchdict.id);
    }, { routeName: "user", renderer: "json", requestMethod: "GET" });
  } else {
    const name = route.name;
    // deno-lint-ignore require-await -- async is what keeps the view on the event loop
    config.addView(async function filler(request: PyramidRequest) {
      return fillerBody(name, { ...request.matchdict });
    }, { routeName: name, renderer: "json", requestMethod: "GET" });
  }
}

const app = await config.makeApp();
listen(app.fetch, () => app.close());
