/**
 * The bare Hono app of the benchmark, written the idiomatic way: `app.get("/users/:id{[0-9]+}", …)`
 * and `c.json()`, over the same 50 routes in the same order. Served by `server_hono.ts` and,
 * behind the trusted-host check, by `server_hono_host.ts`.
 *
 * @module
 */

import { Hono } from "@hono/hono";
import { fillerBody, HELLO, helloBody, ROUTES, toHonoPath, USER, userBody } from "./routes.ts";

/** The 50-route Hono app. */
export const app: Hono = new Hono();

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
