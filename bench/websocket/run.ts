/**
 * `deno run -A bench/websocket/run.ts [--rounds 5 --seconds 5 --clients 64 --idle 10000]`:
 * the websocket benchmark on its own (also a suite for `bench/run.ts`). Writes RESULTS.md.
 *
 * @module
 */

import { run } from "./mod.ts";

if (import.meta.main) await run(Deno.args);
