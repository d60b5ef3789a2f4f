/**
 * The sessions benchmark server (see `app.ts`), one store per process.
 *
 * Usage: `AIO_BENCH_STORE=signed|encrypted|redis [AIO_BENCH_REDIS_URL=…] deno run -A
 * bench/sessions/server.ts PORT` (the harness starts servers with the port alone).
 *
 * @module
 */

import { listen } from "../http/_listen.ts";
import { makeBenchApp } from "./app.ts";

const app = await makeBenchApp(
  Deno.env.get("AIO_BENCH_STORE") ?? "signed",
  Deno.env.get("AIO_BENCH_REDIS_URL"),
);
listen(app.fetch, () => app.close());
