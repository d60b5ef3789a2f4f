/**
 * Baseline: plain `Deno.serve` with hand-written matching over the same 50 routes, in
 * the same order (see `server_raw_app.ts`).
 *
 * Usage: `deno run -A bench/http/server_raw.ts PORT`
 *
 * @module
 */

import { listen } from "./_listen.ts";
import { rawHandle } from "./server_raw_app.ts";

listen(rawHandle);
