/**
 * The request path timed in one process, without sockets: the benchmark's bare Hono app and
 * `@aio/pyramid` app (the same 50 routes) answer the same `Request` objects through their
 * `fetch`, 50 at a time, alternating rounds. Prints the median ns per request of each and the
 * framework's difference. Steadier than wrk on a noisy machine, but it leaves out what only a
 * served request costs (Deno's native request, header reads, the response's trip out).
 *
 * Usage: `deno run -A bench/http/inprocess.ts [PATH=/hello] [ROUNDS=7]`
 *
 * @module
 */

import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { median } from "../_stats.ts";
import { benchHono } from "./server_hono_app.ts";
import { fillerBody, HELLO, helloBody, ROUTES, USER, userBody } from "./routes.ts";

const config = new Configurator({ settings: { "aio.debug": "false" } });
for (const route of ROUTES) {
  config.addRoute(route.name, route.pattern);
  const name = route.name;
  // deno-lint-ignore require-await -- async is what keeps the view on the event loop
  const view = async (request: PyramidRequest) =>
    route === HELLO
      ? helloBody()
      : route === USER
      ? userBody(request.matchdict.id)
      : fillerBody(name, { ...request.matchdict });
  config.addView(view, { routeName: name, renderer: "json", requestMethod: "GET" });
}
const pyramid = await config.makeApp();
const hono = benchHono();

const path = Deno.args[0] ?? "/hello";
const rounds = Number(Deno.args[1] ?? 7);
const PER_ROUND = 200_000;
const BATCH = 50;
const requests = Array.from(
  { length: BATCH },
  () => new Request(`http://127.0.0.1:8000${path}`, { headers: { host: "127.0.0.1:8000" } }),
);

async function nsPerRequest(fetch: (r: Request) => Response | Promise<Response>) {
  const start = performance.now();
  for (let i = 0; i < PER_ROUND; i += BATCH) {
    const answers = await Promise.all(requests.map((r) => fetch(r)));
    for (const answer of answers) {
      if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
    }
  }
  return (performance.now() - start) * 1e6 / PER_ROUND;
}

const times = { hono: [] as number[], pyramid: [] as number[] };
try {
  for (let round = 0; round < rounds; round++) {
    times.hono.push(await nsPerRequest(hono.fetch));
    times.pyramid.push(await nsPerRequest(pyramid.fetch));
  }
} finally {
  await pyramid.close();
}
const h = median(times.hono);
const p = median(times.pyramid);
console.log(
  `${path}: bare Hono ${h.toFixed(0)} ns, @aio/pyramid ${p.toFixed(0)} ns a request ` +
    `(+${(p - h).toFixed(0)} ns), medians of ${rounds} rounds of ${PER_ROUND.toLocaleString()}`,
);
