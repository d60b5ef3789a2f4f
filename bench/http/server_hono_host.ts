/**
 * Bare Hono (the same app as `server_hono.ts`) behind the trusted-host check `@aio/pyramid`
 * runs on every request (`HostPolicy` with the default `aio.allowed_hosts = *`): the `Host`
 * header must be a valid `host[:port]`, else 400. It prices that check on its own: Deno
 * splices `Host` into `request.url`, so the framework reads the header before routing, and a
 * request whose headers were read costs Deno a copy of the header list when it finishes.
 *
 * Usage: `deno run -A bench/http/server_hono_host.ts PORT`
 *
 * @module
 */

import { HostPolicy } from "../../src/request/host.ts";
import { listen } from "./_listen.ts";
import { app } from "./server_hono_app.ts";

const hosts = new HostPolicy({});

listen(function checkedHono(request: Request): Response | Promise<Response> {
  const checked = hosts.check(request);
  return checked instanceof Response ? checked : app.fetch(checked);
});
