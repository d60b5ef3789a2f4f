/**
 * The sessions benchmark: requests/s of an async view that reads its session, for each
 * store (signed cookie, encrypted cookie, Redis), as a ratio to the same view without a
 * session served by the same process in the same run. Each store's server is its own
 * subprocess pinned to CPU 0; wrk runs on CPU 1 with the session cookie a first request
 * got; redis-server (for the Redis store) is not pinned. Results go to the "Sessions"
 * section of `bench/RESULTS.md`.
 *
 * Options: `--rounds N` (3), `--duration S` (5), `--warmup S` (2), `--connections N` (50),
 * `--stores signed,encrypted,redis`, `--no-write`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { median } from "../_stats.ts";
import { hasCommand, loadGenerator, type LoadResult, parseWrk } from "../http/_load.ts";
import { freePort, startServer } from "../http/_server.ts";
import { machineInfo, writeSection } from "../http/results_md.ts";

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

/** Runs the suite. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rounds: { type: "string", default: "3" },
      duration: { type: "string", default: "5" },
      warmup: { type: "string", default: "2" },
      connections: { type: "string", default: "50" },
      stores: { type: "string", default: STORES.join(",") },
      "no-write": { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
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
  const samples: {
    store: Store;
    route: "read" | "plain";
    round: number;
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
          // Alternate which route goes first, so neither always runs on a warmer process.
          const routes = round % 2 ? ["plain", "read"] as const : ["read", "plain"] as const;
          for (const route of routes) {
            const url = `${server.base}/${route}`;
            if (warmup) {
              await wrk(url, cookie, { connections, seconds: warmup, cpu: pin ? 1 : undefined });
            }
            const result = await wrk(url, cookie, {
              connections,
              seconds,
              cpu: pin ? 1 : undefined,
            });
            if (result.non2xx || result.errors) {
              throw new Error(
                `${store} /${route}: ${result.non2xx} non-2xx, ${result.errors} socket errors`,
              );
            }
            samples.push({ store, route, round, rps: result.rps, p99: result.p99Ms });
            console.log(
              `  round ${round + 1}/${rounds}  ${store.padEnd(9)} /${route.padEnd(5)} ` +
                `${Math.round(result.rps).toLocaleString("en-US").padStart(7)} req/s  p99 ${
                  result.p99Ms.toFixed(2)
                } ms`,
            );
          }
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await redis?.stop();
  }

  const lines = [
    "| store | reading its session, req/s | same view without a session, req/s | ratio (median of per-round ratios) | range of ratios | p99 read / plain |",
    "|---|---|---|---|---|---|",
  ];
  for (const store of stores) {
    const of = (route: string) => samples.filter((s) => s.store === store && s.route === route);
    const ratios = [...Array(rounds).keys()].map((round) => {
      const read = of("read").find((s) => s.round === round)!;
      const plain = of("plain").find((s) => s.round === round)!;
      return read.rps / plain.rps;
    });
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    lines.push(
      `| ${LABELS[store]} | ${fmt(median(of("read").map((s) => s.rps)))} | ${
        fmt(median(of("plain").map((s) => s.rps)))
      } | ${(median(ratios) * 100).toFixed(1)}% | ${(Math.min(...ratios) * 100).toFixed(1)}–${
        (Math.max(...ratios) * 100).toFixed(1)
      }% | ${median(of("read").map((s) => s.p99)).toFixed(2)} / ${
        median(of("plain").map((s) => s.p99)).toFixed(2)
      } ms |`,
    );
  }
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
    "process per store (`bench/sessions/server.ts`), one after the other, with the same",
    "cookie header. The session was written once by `/seed` (three keys); stores use",
    "`timeout: 1200, reissueTime: 120`, so these reads write nothing (with Pyramid's default",
    "`reissueTime: 0` every read older than a second would also re-save). Load:",
    `\`${
      pin ? "taskset -c 1 " : ""
    }wrk -t1 -c${connections} -d${seconds}s --latency -H "Cookie: …" URL\` after a ${warmup} s warm-up;`,
    `server ${
      pin ? "pinned to CPU 0" : "not pinned"
    }; redis-server (local, no persistence) not pinned.`,
    `${rounds} rounds, store order rotated; ratios are per round (same process, minutes apart).`,
    "The machine is shared with other work: read the range before trusting small differences.",
    "",
    ...lines,
    "",
    "Command: `deno task bench sessions" + (args.length ? " " + args.join(" ") : "") + "`.",
  ].join("\n");
  console.log("\n" + body);
  if (!values["no-write"]) {
    await writeSection(new URL("../RESULTS.md", import.meta.url), "sessions", body, machine);
  }
}
