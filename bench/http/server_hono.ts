/**
 * Bare Hono, written the idiomatic way: `app.get("/users/:id{[0-9]+}", …)` and
 * `c.json()`, over the same 50 routes in the same order.
 *
 * Usage: `deno run -A bench/http/server_hono.ts PORT`
 *
 * @module
 */

import { Hono } from "@hono/hono";
import { listen } from "./_listen.ts";
import { fillerBody, HELLO, helloBody, ROUTES, toHonoPath, USER, userBody } from "./routes.ts";

const app = new Hono();

for (const route of ROUTES) {
  if (route === HELLO) {
    app.get("/hello", (c) => c.json(helloBody()));
  } else if (route === USER) {
    app.get("/users/:id{[0-9]+}", (c) => c.json(userBody(c.req.param("id"))));
  } else {
    const name = route.name;
    app.get(toHonoPath(route.pattern), (c) => c.json(fillerBody(name, c.req.param())));
  }
}

listen(app.fetch);
