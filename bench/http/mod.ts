/**
 * The HTTP dispatch benchmark: raw `Deno.serve` (with a plain and an `async` handler), bare
 * Hono, bare Hono behind the framework's `Host` check, the same with `async` handlers (as the
 * framework's views are), and `@aio/pyramid`, each with the same 50 routes, each started as
 * its own subprocess on 127.0.0.1, one at a time. `GET /hello` and `GET /users/{id}` are
 * loaded with wrk; every (server, endpoint) is measured over several rounds, the server order
 * rotating each round to spread machine noise, and the medians are compared with bare Hono.
 * Results go to the "HTTP dispatch" section of `bench/RESULTS.md`.
 *
 * Options: `--rounds N` (3), `--duration S` (10), `--warmup S` (3), `--connections N` (50),
 * `--threads N` (1), `--servers raw,raw-async,hono,hono-host,hono-async,pyramid`,
 * `--no-write` (print only).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { median } from "../_stats.ts";
import { hasCommand, type LoadGenerator, loadGenerator, type LoadSettings } from "./_load.ts";
import { startServer } from "./_server.ts";
import { machineInfo, writeSection } from "./results_md.ts";
import { fillerBody, helloBody, ROUTES, samplePath, toRawPattern, userBody } from "./routes.ts";

/** One line of `deno task bench` help. */
export const description =
  "HTTP dispatch: raw Deno.serve (plain, async) vs bare Hono (plain, behind the Host check, async) vs @aio/pyramid (wrk)";

const SERVERS = {
  raw: { label: "raw Deno.serve", script: "server_raw.ts" },
  // The same handler returning a promise: Deno's slower path for it is a floor for async views.
  "raw-async": { label: "raw, async handler", script: "server_raw_async.ts" },
  hono: { label: "bare Hono", script: "server_hono.ts" },
  "hono-host": { label: "Hono + Host check", script: "server_hono_host.ts" },
  // Every view of the framework's benchmark app is an `async function`; so are these handlers.
  "hono-async": { label: "Hono async + Host", script: "server_hono_async.ts" },
  pyramid: { label: "@aio/pyramid", script: "server_pyramid.ts" },
} as const;
type ServerKey = keyof typeof SERVERS;

// The share of bare Hono's requests/s the framework must reach: issue 7 asks 95% for both
// endpoints; issue 11 asks at least 90% for `/users/{id}`.
const ENDPOINTS = [
  { key: "hello", path: "/hello", label: "GET /hello", targets: [0.95] },
  { key: "user", path: "/users/42", label: "GET /users/{id}", targets: [0.95, 0.90] },
] as const;

interface Sample {
  server: ServerKey;
  endpoint: string;
  round: number;
  rps: number;
  p99Ms: number;
  /** Server CPU time (user + system) per request, in microseconds. */
  cpuUs: number;
  errors: number;
}

// Every server must answer every route alike before its numbers mean anything.
async function checkServer(base: string, key: ServerKey): Promise<void> {
  const expected: [string, unknown][] = [
    ["/hello", helloBody()],
    ["/users/42", userBody("42")],
  ];
  for (const route of ROUTES) {
    if (route.name === "hello" || route.name === "user") continue;
    const path = samplePath(route.pattern);
    const { names, regex } = toRawPattern(route.pattern);
    const m = regex?.exec(path);
    const params = Object.fromEntries(names.map((name, i) => [name, m?.[i + 1] ?? ""]));
    expected.push([path, fillerBody(route.name, params)]);
  }
  for (const [path, body] of expected) {
    const response = await fetch(base + path);
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    if (
      response.status !== 200 || !type.startsWith("application/json") ||
      text !== JSON.stringify(body)
    ) {
      throw new Error(
        `${
          SERVERS[key].label
        } answered GET ${path} with ${response.status} ${type} ${text}; expected 200 application/json ${
          JSON.stringify(body)
        }`,
      );
    }
  }
  const miss = await fetch(base + "/users/not-a-number");
  await miss.body?.cancel();
  if (miss.status !== 404) {
    throw new Error(
      `${SERVERS[key].label} answered /users/not-a-number with ${miss.status}, not 404`,
    );
  }
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function pct(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

/** Runs the suite. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rounds: { type: "string", default: "3" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      connections: { type: "string", default: "50" },
      threads: { type: "string", default: "1" },
      servers: { type: "string", default: "raw,raw-async,hono,hono-host,hono-async,pyramid" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  const warmup = Number(values.warmup);
  const settings: LoadSettings = {
    connections: Number(values.connections),
    threads: Number(values.threads),
    duration: Number(values.duration),
  };
  for (const [name, n] of Object.entries({ rounds, warmup, ...settings })) {
    if (!Number.isInteger(n) || n < (name === "warmup" ? 0 : 1)) {
      throw new Error(
        `--${name} must be a whole number${name === "warmup" ? "" : " ≥ 1"}, not ${n}.`,
      );
    }
  }
  const servers = values.servers.split(",").map((s) => s.trim()) as ServerKey[];
  for (const s of servers) {
    if (!(s in SERVERS)) {
      throw new Error(
        `Unknown server '${s}' in --servers; choose from ${Object.keys(SERVERS).join(", ")}.`,
      );
    }
  }

  const cores = navigator.hardwareConcurrency;
  const pin = cores >= 2 && await hasCommand("taskset");
  const serverCpu = pin ? 0 : undefined;
  const loadCpu = pin ? 1 : undefined;
  const load: LoadGenerator = await loadGenerator(loadCpu);
  const pinning = pin
    ? "server pinned to CPU 0, load generator to CPU 1 (`taskset`)"
    : `not pinned (${cores < 2 ? "fewer than 2 cores" : "no taskset"})`;
  const perRound = servers.length * ENDPOINTS.length * (settings.duration + warmup);
  console.log(
    `HTTP dispatch: ${servers.join(", ")} × ${ENDPOINTS.map((e) => e.path).join(", ")}; ` +
      `${rounds} rounds, ~${Math.ceil(perRound * rounds / 60)} min. ${
        load.describe(settings)
      }; ${pinning}.`,
  );

  const samples: Sample[] = [];
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so drift in machine load hits every server alike.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]);
    for (const key of order) {
      const script = new URL(SERVERS[key].script, import.meta.url).pathname;
      const server = await startServer(script, { cpu: serverCpu });
      try {
        await checkServer(server.base, key);
        for (const endpoint of ENDPOINTS) {
          const url = server.base + endpoint.path;
          if (warmup > 0) await load.run(url, settings, warmup);
          const cpuBefore = server.cpuSeconds();
          const result = await load.run(url, settings, settings.duration);
          const cpuUs = (server.cpuSeconds() - cpuBefore) * 1e6 / result.requests;
          if (result.non2xx > 0) {
            throw new Error(
              `${SERVERS[key].label} ${endpoint.label}: ${result.non2xx} non-2xx responses.`,
            );
          }
          samples.push({ server: key, endpoint: endpoint.key, round, ...result, cpuUs });
          console.log(
            `  round ${round + 1}/${rounds}  ${SERVERS[key].label.padEnd(18)} ${
              endpoint.label.padEnd(16)
            } ` +
              `${fmt(result.rps).padStart(8)} req/s  p99 ${
                result.p99Ms.toFixed(2).padStart(6)
              } ms  ` +
              `server CPU ${cpuUs.toFixed(1)} µs/req` +
              (result.errors ? `  (${result.errors} socket errors)` : ""),
          );
        }
      } finally {
        await server.stop();
      }
    }
  }

  interface Row {
    endpoint: string;
    server: string;
    key: ServerKey;
    rps: number;
    min: number;
    max: number;
    p99: number;
    rpsRatio: number;
    p99Ratio: number;
    cpu: number;
    cpuRatio: number;
    errors: number;
  }
  const rows: Row[] = [];
  for (const endpoint of ENDPOINTS) {
    const of = (key: ServerKey) =>
      samples.filter((s) => s.server === key && s.endpoint === endpoint.key);
    const hono = of("hono");
    const honoRps = hono.length ? median(hono.map((s) => s.rps)) : NaN;
    const honoP99 = hono.length ? median(hono.map((s) => s.p99Ms)) : NaN;
    const honoCpu = hono.length ? median(hono.map((s) => s.cpuUs)) : NaN;
    for (const key of servers) {
      const mine = of(key);
      const rps = mine.map((s) => s.rps);
      const p99 = mine.map((s) => s.p99Ms);
      rows.push({
        endpoint: endpoint.label,
        server: SERVERS[key].label,
        key,
        rps: median(rps),
        min: Math.min(...rps),
        max: Math.max(...rps),
        p99: median(p99),
        rpsRatio: median(rps) / honoRps,
        p99Ratio: median(p99) / honoP99,
        cpu: median(mine.map((s) => s.cpuUs)),
        cpuRatio: honoCpu / median(mine.map((s) => s.cpuUs)),
        errors: mine.reduce((n, s) => n + s.errors, 0),
      });
    }
  }

  const ratio = (n: number) => Number.isNaN(n) ? "–" : pct(n);
  const table = [
    "| Endpoint | Server | req/s (median) | req/s range | req/s vs Hono | p99 ms (median) | p99 vs Hono | server CPU µs/req | CPU efficiency vs Hono |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) =>
      [
        r.endpoint,
        r.server,
        fmt(r.rps),
        `${fmt(r.min)}–${fmt(r.max)}`,
        ratio(r.rpsRatio),
        r.p99.toFixed(2),
        Number.isNaN(r.p99Ratio) ? "–" : `${r.p99Ratio.toFixed(2)}×`,
        r.cpu.toFixed(1),
        ratio(r.cpuRatio),
      ].join(" | ").replace(/^/, "| ").replace(/$/, " |")
    ),
  ].join("\n");
  const verdicts = rows.filter((r) => r.key === "pyramid" && !Number.isNaN(r.rpsRatio)).map((r) => {
    const targets = ENDPOINTS.find((e) => e.label === r.endpoint)?.targets ?? [];
    const judged = targets.map((t) => `${r.rpsRatio >= t ? "meets" : "**misses**"} ${pct(t)}`);
    // Against peers that pay what the framework cannot avoid (the Host check, an async
    // handler's promise): what is left is the framework's own share.
    const peer = (key: ServerKey, what: string) => {
      const other = rows.find((o) => o.key === key && o.endpoint === r.endpoint);
      return other
        ? `; ${pct(r.rps / other.rps)} of ${what} (CPU per request: ${ratio(other.cpu / r.cpu)})`
        : "";
    };
    const fair = peer("hono-host", "Hono behind the same Host check") +
      peer("hono-async", "Hono with async handlers behind it") +
      peer("raw-async", "raw Deno.serve with an async handler");
    return `- ${r.endpoint}: @aio/pyramid at ${pct(r.rpsRatio)} of bare Hono's req/s — ${
      judged.join(", ")
    } (CPU per request: ${ratio(r.cpuRatio)} of Hono's efficiency)${fair}.`;
  });
  const errors = rows.filter((r) => r.errors > 0).map((r) =>
    `- ${r.server} ${r.endpoint}: ${r.errors} socket errors over all rounds.`
  );

  console.log("\n" + table + "\n\n" + [...verdicts, ...errors].join("\n"));

  if (values["no-write"]) return;
  const machine = await machineInfo();
  const body = [
    "## HTTP dispatch",
    "",
    `Measured ${machine.date} on ${machine.cores} cores (${machine.cpu}), ${machine.deno}.`,
    "",
    `Each server is its own subprocess (\`deno run -A bench/http/server_*.ts PORT\`) on 127.0.0.1,`,
    "started one at a time, with 50 routes (24 fillers, `hello`, `user`, 24 fillers). Load:",
    `\`${load.describe(settings)}\` (${load.name}), after a ${warmup} s warm-up per endpoint;`,
    `${pinning}. ${rounds} rounds, server order rotated each round; medians over rounds, ratios`,
    "against bare Hono (req/s: higher is better; p99: lower is better). The machine is shared and",
    "noisy: read the range column before trusting small differences. *Server CPU µs/req* is the",
    "server process's user+system CPU time (all threads, from `/proc/PID/stat`) over the measured run",
    "divided by the requests wrk completed; it is less sensitive to other load than req/s is.",
    "*CPU efficiency vs Hono* = Hono's µs/req ÷ this server's (higher is better, like req/s).",
    "",
    table,
    "",
    ...verdicts,
    ...errors,
  ].join("\n");
  const file = new URL("../RESULTS.md", import.meta.url);
  await writeSection(file, "http", body, machine);
  console.log(`\nWrote the "HTTP dispatch" section of ${file.pathname}.`);
}
