/**
 * Bare Hono (the same app as `server_hono.ts`) behind the trusted-host check `@aio/pyramid`
 * runs on every request (`HostPolicy` with the default `aio.allowed_hosts = *`): the `Host`
 * header must be a valid `host[:port]`, else 400. It prices that check on its own. The check
 * reads the one header natively (see `src/request/_native_header.ts`): read through
 * `request.headers` instead, it cost bare Hono 13% of its requests/s on `GET /hello`, since
 * Deno then copies the whole header list when the response is sent.
 *
 * Usage: `deno run -A bench/http/server_hono_host.ts PORT`
 *
 * @module
 */

import { listen } from "./_listen.ts";
import { behindHostCheck, benchHono } from "./server_hono_app.ts";

listen(behindHostCheck(benchHono().fetch));
