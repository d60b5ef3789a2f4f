/**
 * The bare Hono app of the benchmark, written the idiomatic way: `app.get("/users/:id{[0-9]+}", …)`
 * and `c.json()`, over the same 50 routes in the same order; and the Host check `@aio/pyramid`
 * runs in front of every request, for the servers that price it. Served by `server_hono.ts`,
 * `server_hono_host.ts` and `server_hono_async.ts`.
 *
 * @module
 */

import { type Context, Hono } from "@hono/hono";
import { HostPolicy } from "../../src/request/host.ts";
import { fillerBody, HELLO, helloBody, ROUTES, toHonoPath, USER, userBody } from "./routes.ts";

/**
 * The 50-route Hono app; with `async: true` its handlers are `async (c) => c.json(…)`, what a
 * Hono app doing I/O in its handlers looks like.
 */
export function benchHono(options: { async?: boolean } = {}): Hono {
  const app = new Hono();
  // The handlers stay as plain as an app would write them: the baseline must not pay for
  // this file's sharing.
  const add = options.async
    ? (path: string, answer: (c: Context) => Response) =>
      // deno-lint-ignore require-await -- the point is the async handler's promise
      app.get(path, async (c) => answer(c))
    : (path: string, answer: (c: Context) => Response) => app.get(path, answer);
  for (const route of ROUTES) {
    if (route === HELLO) {
      add("/hello", (c) => c.json(helloBody()));
    } else if (route === USER) {
      add("/users/:id{[0-9]+}", (c) => c.json(userBody(c.req.param("id")!)));
    } else {
      const name = route.name;
      add(toHonoPath(route.pattern), (c) => c.json(fillerBody(name, c.req.param())));
    }
  }
  return app;
}

/**
 * `fetch` behind the framework's trusted-host check (`HostPolicy`, default `aio.allowed_hosts
 * = *`): a `Host` that is not a valid `host[:port]` is a 400, as in `app.fetch`.
 */
export function behindHostCheck(
  fetch: (request: Request) => Response | Promise<Response>,
): (request: Request) => Response | Promise<Response> {
  const hosts = new HostPolicy({});
  return function checkedFetch(request) {
    const checked = hosts.check(request);
    return checked instanceof Response ? checked : fetch(checked);
  };
}
