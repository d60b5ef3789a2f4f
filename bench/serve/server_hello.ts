/**
 * `GET /hello` on `Deno.serve` with `aio.stall_warning_ms` from the environment variable
 * AIO_BENCH_STALL_MS (`0`: detector off).
 *
 * Usage: `AIO_BENCH_STALL_MS=100 deno run -A bench/serve/server_hello.ts PORT`
 *
 * @module
 */

import { listen } from "../http/_listen.ts";
import { main } from "./app.ts";

const app = await main({ "aio.stall_warning_ms": Deno.env.get("AIO_BENCH_STALL_MS") ?? "0" });
listen(app.fetch, () => app.close());
