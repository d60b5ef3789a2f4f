/**
 * Bare Hono with the benchmark's 50 routes, its handlers written `async (c) => c.json(…)` —
 * what a Hono app doing I/O in its handlers looks like — behind the same Host check as
 * `server_hono_host.ts`. It prices the promise steps an async view cannot avoid, for
 * comparison with `@aio/pyramid`, whose views are `async function`s. Not part of the default
 * `deno task bench http` set; compare with `bench/http/ab.ts`.
 *
 * Usage: `deno run -A bench/http/server_hono_async.ts PORT`
 *
 * @module
 */

import { Hono } from "@hono/hono";
import { HostPolicy } from "../../src/request/host.ts";
import { listen } from "./_listen.ts";
import { fillerBody, HELLO, helloBody, ROUTES, toHonoPath, USER, userBody } from "./routes.ts";

const app = new Hono();
for (const route of ROUTES) {
  const name = route.name;
  const path = route === HELLO
    ? "/hello"
    : route === USER
    ? "/users/:id{[0-9]+}"
    : toHonoPath(route.pattern);
  // deno-lint-ignore require-await -- the point is the async handler's promise
  app.get(path, async (c) =>
    c.json(
      route === HELLO
        ? helloBody()
        : route === USER
        ? userBody(c.req.param("id"))
        : fillerBody(name, c.req.param()),
    ));
}

const hosts = new HostPolicy({});

listen(function checkedAsyncHono(request: Request): Response | Promise<Response> {
  const checked = hosts.check(request);
  return checked instanceof Response ? checked : app.fetch(checked);
});
