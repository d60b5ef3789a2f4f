/**
 * The executor benchmark server: trivial and CPU-bound views, each written both as a plain
 * (blocking, executor) function and as an async (event loop) one, plus an async `/ping`.
 * The pool size comes from `AIO_BENCH_MAX_WORKERS` (default: the CPU count).
 *
 * Usage: `AIO_BENCH_MAX_WORKERS=2 deno run -A bench/executor/server.ts PORT`
 *
 * @module
 */

import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { listen } from "../http/_listen.ts";
import { work } from "./views.ts";

const maxWorkers = Deno.env.get("AIO_BENCH_MAX_WORKERS") ?? String(navigator.hardwareConcurrency);
const config = new Configurator({
  settings: {
    "aio.debug": "false",
    "aio.executor.max_workers": maxWorkers,
    "aio.executor.timeout_ms": "60000",
  },
});
const VIEWS = "./views.ts";

config.addRoute("ping", "/ping");
config.addRoute("async_trivial", "/async/trivial");
config.addRoute("blocking_trivial", "/blocking/trivial");
config.addRoute("async_cpu", "/async/cpu");
config.addRoute("blocking_cpu", "/blocking/cpu");

config.addView(async function ping() {
  return { pong: true };
}, { routeName: "ping", renderer: "json" });
// The same trivial view, once for the event loop and once for the executor.
config.addView(async function asyncTrivial() {
  return { ok: true };
}, { routeName: "async_trivial", renderer: "json" });
config.addView(`${VIEWS}#blockingTrivial`, { routeName: "blocking_trivial", renderer: "json" });
// The naive alternative: CPU work inline in an async view, on the event loop.
config.addView(async function asyncCpu(request: PyramidRequest) {
  return { x: work(Number(request.GET.get("n") ?? "0")) };
}, { routeName: "async_cpu", renderer: "json" });
config.addView(`${VIEWS}#blockingCpu`, { routeName: "blocking_cpu", renderer: "json" });

const app = await config.makeApp();
listen(app.fetch, () => app.close());
