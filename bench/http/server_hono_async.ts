/**
 * Bare Hono with the benchmark's 50 routes, its handlers written `async (c) => c.json(…)` —
 * what a Hono app doing I/O in its handlers looks like — behind the same Host check as
 * `server_hono_host.ts`. It prices the promise steps an async view cannot avoid, for
 * comparison with `@aio/pyramid`, whose views are `async function`s.
 *
 * Usage: `deno run -A bench/http/server_hono_async.ts PORT`
 *
 * @module
 */

import { listen } from "./_listen.ts";
import { behindHostCheck, benchHono } from "./server_hono_app.ts";

listen(behindHostCheck(benchHono({ async: true }).fetch));
