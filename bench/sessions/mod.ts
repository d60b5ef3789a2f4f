/**
 * The sessions benchmark: requests/s of an async view that reads its session, for each
 * store (signed cookie, encrypted cookie, Redis), as a ratio to the same view without a
 * session served by the same process in the same run. Each store's server is its own
 * subprocess pinned to CPU 0; wrk runs on CPU 1 with the session cookie a first request
 * got; redis-server (for the Redis store) is not pinned. Results go to the "Sessions"
 * section of `bench/RESULTS.md`.
 *
 * Within one server the two routes are measured in alternating short runs (`--pairs`), so
 * both see the same machine load; the ratio is taken per pair and the median reported.
 *
 * Options: `--rounds N` (2), `--pairs N` (5), `--duration S` (3), `--warmup S` (2),
 * `--connections N` (50), `--stores signed,encrypted,redis`, `--no-write`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { median } from "../_stats.ts";
import { hasCommand, loadGenerator, type LoadResult, parseWrk } from "../http/_load.ts";
import { freePort, startServer } from "../http/_server.ts";
import { machineInfo, writeSection } from "../http/results_md.ts";
import { makeBenchApp } from "./app.ts";

/** One line of `deno task bench` help. */
export const description = "Sessions: an async view reading its session, per store, vs none";

const STORES = ["signed", "encrypted", "redis"] as const;
type Store = typeof STORES[number];
const LABELS: Record<Store, string> = {
  signed: "SignedCookieSessionFactory",
  encrypted: "EncryptedCookieSessionFactory",
  redis: "RedisSessionFactory",
};

async function wrk(
  url: string,
  cookie: string,
  options: { connections: number; seconds: number; cpu?: number },
): Promise<LoadResult> {
  const args = [
    "-t1",
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    "--latency",
    "-H",
    `Cookie: ${cookie}`,
    url,
  ];
  const [cmd, argv] = options.cpu === undefined
    ? ["wrk", args]
    : ["taskset", ["-c", String(options.cpu), "wrk", ...args]];
  const out = await new Deno.Command(cmd, { args: argv, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed:\n${text}${new TextDecoder().decode(out.stderr)}`);
  return parseWrk(text);
}

async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = freePort();
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 200; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return {
        url: `redis://127.0.0.1:${port}/0`,
        stop: async () => {
          child.kill("SIGTERM");
          await child.status;
        },
      };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill("SIGKILL");
  await child.status;
  throw new Error("redis-server did not start");
}

// A session cookie from /seed, checked: /read answers with the seeded values and, being a
// read inside reissueTime, sets no cookie.
async function seed(base: string): Promise<string> {
  const seeded = await fetch(`${base}/seed`);
  await seeded.body?.cancel();
  const cookie = seeded.headers.getSetCookie()[0]?.split(";")[0];
  if (!cookie) throw new Error("/seed set no session cookie");
  const read = await fetch(`${base}/read`, { headers: { cookie } });
  const body = await read.json();
  if (body.user !== "ada" || body.visits !== 1 || read.headers.getSetCookie().length) {
    throw new Error(
      `/read answered ${JSON.stringify(body)} (cookies: ${read.headers.getSetCookie()})`,
    );
  }
  return cookie;
}

/**
 * The same two routes through `app.fetch` in this process (no sockets, no load generator):
 * alternating batches, the added cost of reading the session in µs per request. Less
 * sensitive to a busy machine than req/s over HTTP.
 */
async function inProcess(
  store: Store,
  redisUrl: string | undefined,
  batches: number,
  size: number,
): Promise<{ plainUs: number; readUs: number; addedUs: number[] }> {
  const app = await makeBenchApp(store, redisUrl);
  try {
    const seeded = await app.fetch(new Request("http://bench/seed"));
    await seeded.body?.cancel();
    const cookie = seeded.headers.getSetCookie()[0].split(";")[0];
    const time = async (path: string) => {
      const start = performance.now();
      for (let i = 0; i < size; i++) {
        const response = await app.fetch(
          new Request(`http://bench${path}`, { headers: { cookie } }),
        );
        await response.arrayBuffer();
      }
      return (performance.now() - start) * 1000 / size;
    };
    await time("/read");
    await time("/plain");
    const plain: number[] = [];
    const read: number[] = [];
    const added: number[] = [];
    for (let b = 0; b < batches; b++) {
      const [first, second] = b % 2 ? ["/plain", "/read"] : ["/read", "/plain"];
      const a = await time(first);
      const c = await time(second);
      const [r, p] = first === "/read" ? [a, c] : [c, a];
      read.push(r);
      plain.push(p);
      added.push(r - p);
    }
    return { plainUs: median(plain), readUs: median(read), addedUs: added };
  } finally {
    await app.close();
  }
}

/** Runs the suite. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rounds: { type: "string", default: "2" },
      pairs: { type: "string", default: "5" },
      duration: { type: "string", default: "3" },
      warmup: { type: "string", default: "2" },
      connections: { type: "string", default: "50" },
      stores: { type: "string", default: STORES.join(",") },
      batches: { type: "string", default: "10" },
      "batch-size": { type: "string", default: "2000" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  const pairs = Number(values.pairs);
  const seconds = Number(values.duration);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  const stores = values.stores.split(",").map((s) => s.trim()) as Store[];
  for (const s of stores) {
    if (!STORES.includes(s)) {
      throw new Error(`Unknown store '${s}'; choose from ${STORES.join(", ")}.`);
    }
  }
  await loadGenerator(undefined); // installs wrk when missing (or says why not)
  if (!(await hasCommand("wrk"))) throw new Error("The sessions benchmark needs wrk.");
  const pin = navigator.hardwareConcurrency >= 2 && await hasCommand("taskset");
  const redis = stores.includes("redis") ? await startRedis() : undefined;
  const inproc = new Map<Store, Awaited<ReturnType<typeof inProcess>>>();
  const samples: {
    store: Store;
    route: "read" | "plain";
    pair: number;
    rps: number;
    p99: number;
  }[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = stores.map((_, i) => stores[(i + round) % stores.length]);
      for (const store of order) {
        Deno.env.set("AIO_BENCH_STORE", store);
        if (redis) Deno.env.set("AIO_BENCH_REDIS_URL", redis.url);
        const script = new URL("./server.ts", import.meta.url).pathname;
        const server = await startServer(script, { cpu: pin ? 0 : undefined });
        try {
          const cookie = await seed(server.base);
          const cpu = pin ? 1 : undefined;
          if (warmup) {
            for (const route of ["read", "plain"]) {
              await wrk(`${server.base}/${route}`, cookie, { connections, seconds: warmup, cpu });
            }
          }
          for (let p = 0; p < pairs; p++) {
            // Alternate which route goes first in each pair.
            const routes = p % 2 ? ["plain", "read"] as const : ["read", "plain"] as const;
            for (const route of routes) {
              const result = await wrk(`${server.base}/${route}`, cookie, {
                connections,
                seconds,
                cpu,
              });
              if (result.non2xx || result.errors) {
                throw new Error(
                  `${store} /${route}: ${result.non2xx} non-2xx, ${result.errors} socket errors`,
                );
              }
              const pair = round * pairs + p;
              samples.push({ store, route, pair, rps: result.rps, p99: result.p99Ms });
              console.log(
                `  round ${round + 1}/${rounds} pair ${p + 1}/${pairs}  ${store.padEnd(9)} /${
                  route.padEnd(5)
                } ${Math.round(result.rps).toLocaleString("en-US").padStart(7)} req/s  p99 ${
                  result.p99Ms.toFixed(2)
                } ms`,
              );
            }
          }
        } finally {
          await server.stop();
        }
      }
    }
    console.log("in process (app.fetch), alternating batches:");
    for (const store of stores) {
      const result = await inProcess(
        store,
        redis?.url,
        Number(values.batches),
        Number(values["batch-size"]),
      );
      inproc.set(store, result);
      console.log(
        `  ${store.padEnd(9)} plain ${result.plainUs.toFixed(1)} µs/req, read ${
          result.readUs.toFixed(1)
        } µs/req, added ${median(result.addedUs).toFixed(1)} µs`,
      );
    }
  } finally {
    await redis?.stop();
  }

  const lines = [
    "| store | reading its session, req/s | same view without a session, req/s | ratio (median of per-pair ratios) | interquartile range | p99 read / plain |",
    "|---|---|---|---|---|---|",
  ];
  for (const store of stores) {
    const of = (route: string) => samples.filter((s) => s.store === store && s.route === route);
    const ratios = [...Array(rounds * pairs).keys()].map((pair) => {
      const read = of("read").find((s) => s.pair === pair)!;
      const plain = of("plain").find((s) => s.pair === pair)!;
      return read.rps / plain.rps;
    });
    const sorted = [...ratios].sort((a, b) => a - b);
    const q1 = sorted[Math.floor((sorted.length - 1) / 4)];
    const q3 = sorted[Math.ceil((sorted.length - 1) * 3 / 4)];
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    lines.push(
      `| ${LABELS[store]} | ${fmt(median(of("read").map((s) => s.rps)))} | ${
        fmt(median(of("plain").map((s) => s.rps)))
      } | ${(median(ratios) * 100).toFixed(1)}% | ${(q1 * 100).toFixed(1)}–${
        (q3 * 100).toFixed(1)
      }% | ${median(of("read").map((s) => s.p99)).toFixed(2)} / ${
        median(of("plain").map((s) => s.p99)).toFixed(2)
      } ms |`,
    );
  }
  const inprocLines = [
    "| store | `/plain` µs/req | `/read` µs/req | added by reading the session (median, IQR) | `/read` as a share of `/plain`'s req/s |",
    "|---|---|---|---|---|",
  ];
  for (const store of stores) {
    const r = inproc.get(store)!;
    const sorted = [...r.addedUs].sort((a, b) => a - b);
    const q1 = sorted[Math.floor((sorted.length - 1) / 4)];
    const q3 = sorted[Math.ceil((sorted.length - 1) * 3 / 4)];
    inprocLines.push(
      `| ${LABELS[store]} | ${r.plainUs.toFixed(1)} | ${r.readUs.toFixed(1)} | +${
        median(r.addedUs).toFixed(1)
      } µs (${q1.toFixed(1)}–${q3.toFixed(1)}) | ${(r.plainUs / r.readUs * 100).toFixed(1)}% |`,
    );
  }
  const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "")).split(" ").slice(0, 3);
  const machine = await machineInfo();
  const body = [
    "## Sessions",
    "",
    `Measured ${
      new Date().toISOString().slice(0, 19)
    }Z on ${machine.cores} cores, ${machine.deno}.`,
    "",
    "An async view that reads two values from its session (`/read`) against the same view",
    "returning the same JSON without touching a session (`/plain`), both in one server",
    "process per store (`bench/sessions/server.ts`), in alternating runs of the same length",
    "(pairs), with the same cookie header. The session was written once by `/seed` (three keys); stores use",
    "`timeout: 1200, reissueTime: 120`, so these reads write nothing (with Pyramid's default",
    "`reissueTime: 0` every read older than a second would also re-save). Load:",
    `\`${
      pin ? "taskset -c 1 " : ""
    }wrk -t1 -c${connections} -d${seconds}s --latency -H "Cookie: …" URL\` after a ${warmup} s warm-up;`,
    `server ${
      pin ? "pinned to CPU 0" : "not pinned"
    }; redis-server (local, no persistence) not pinned.`,
    `${rounds} rounds (a fresh server per store per round, store order rotated) × ${pairs} pairs;`,
    "the ratio is read ÷ plain within each pair, so both halves saw the same machine load.",
    "The machine is shared with other work: read the range before trusting small differences.",
    "",
    ...lines,
    "",
    `In process, the same routes through \`app.fetch\` (no sockets), ${values.batches} alternating`,
    `batches of ${values["batch-size"]} requests per route (one request at a time):`,
    "",
    ...inprocLines,
    "",
    load.length === 3
      ? `Load average when the run ended: ${
        load.join(" ")
      } (on ${machine.cores} cores; other work was running).`
      : "",
    "Command: `deno task bench sessions" + (args.length ? " " + args.join(" ") : "") + "`.",
  ].join("\n");
  console.log("\n" + body);
  if (!values["no-write"]) {
    await writeSection(new URL("../RESULTS.md", import.meta.url), "sessions", body, machine);
  }
}
