/**
 * Bare Hono, written the idiomatic way: `app.get("/users/:id{[0-9]+}", …)` and
 * `c.json()`, over the same 50 routes in the same order (see `server_hono_app.ts`).
 *
 * Usage: `deno run -A bench/http/server_hono.ts PORT`
 *
 * @module
 */

import { listen } from "./_listen.ts";
import { benchHono } from "./server_hono_app.ts";

listen(benchHono().fetch);
