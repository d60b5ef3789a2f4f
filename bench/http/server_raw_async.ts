/**
 * The raw `Deno.serve` baseline with an `async` handler: the same matching as `server_raw.ts`,
 * but the handler returns a promise, as every `async function` view does. Deno answers a
 * promise on a slower path than a `Response` returned at once; this server prices that floor,
 * which no framework whose views are async functions can go below.
 *
 * Usage: `deno run -A bench/http/server_raw_async.ts PORT`
 *
 * @module
 */

import { listen } from "./_listen.ts";
import { rawHandle } from "./server_raw_app.ts";

// deno-lint-ignore require-await -- the point is the handler's promise
listen(async function rawAsync(request: Request) {
  return rawHandle(request);
});
