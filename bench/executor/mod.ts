/**
 * The executor benchmark: what running a view in the executor costs and buys.
 *
 * - **Dispatch overhead**: the latency a trivial blocking view adds over the same view
 *   written async: a sequential keep-alive client (one request at a time, `--requests`
 *   each) gives exact p50/p99, and `wrk -c4` gives req/s and p99 under light load.
 * - **Loop isolation**: while `2 × max_workers` wrk connections hammer a CPU-bound view
 *   (`--cpu-ms` of fixed work per request), a paced client sends `GET /ping` (async) every
 *   10 ms and records its latency; once with the work in a blocking view (executor), once
 *   inline in an async view (the naive alternative, on the event loop).
 * - **Scaling**: req/s of the CPU-bound blocking view with `aio.executor.max_workers` 2 vs 1.
 *
 * Each round starts fresh servers (`bench/executor/server.ts`, a subprocess on 127.0.0.1);
 * the order of the compared variants alternates between rounds; figures are medians over
 * rounds. Results go to the "executor" section of `bench/RESULTS.md`.
 *
 * Options: `--rounds N` (3), `--requests N` (3000), `--duration S` (10), `--warmup S` (2),
 * `--cpu-ms MS` (50), `--connections N` (4, for dispatch wrk and scaling), `--no-write`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { median, percentile } from "../_stats.ts";
import { type LoadGenerator, loadGenerator, type LoadResult } from "../http/_load.ts";
import { type RunningServer, startServer } from "../http/_server.ts";
import { machineInfo, writeSection } from "../http/results_md.ts";
import { Executor } from "../../src/executor/pool.ts";
import { work } from "./views.ts";

/** One line of `deno task bench` help. */
export const description =
  "Executor: blocking-view dispatch overhead, event-loop isolation, worker scaling";

const SERVER = new URL("./server.ts", import.meta.url).pathname;
const TARGET_ADDED_P50_US = 150;
const TARGET_PING_P99_MS = 20;
const TARGET_SCALING = 1.7;
const PING_EVERY_MS = 10;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rounds of {@linkcode work} that cost about `ms` of CPU in this process (warm JIT). */
function calibrate(ms: number): number {
  let n = 1_000_000;
  for (let i = 0; i < 3; i++) work(n);
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    work(n);
    samples.push(performance.now() - start);
    n = Math.round(n * ms / Math.max(0.01, median(samples)));
  }
  return n;
}

async function get(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.status;
}

/** Latencies (ms) of `count` sequential requests over one keep-alive connection. */
async function sequential(url: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await get(url);
    latencies.push(performance.now() - start);
  }
  return latencies;
}

async function withServer<T>(
  maxWorkers: number,
  body: (server: RunningServer) => Promise<T>,
): Promise<T> {
  Deno.env.set("AIO_BENCH_MAX_WORKERS", String(maxWorkers));
  const server = await startServer(SERVER);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

interface DispatchSample {
  variant: "async" | "blocking";
  p50: number;
  p99: number;
  wrk: LoadResult;
}

interface IsolationSample {
  variant: "blocking" | "async";
  pingP50: number;
  pingP99: number;
  pingMax: number;
  pings: number;
  cpuRps: number;
}

interface ScalingSample {
  workers: number;
  rps: number;
  cpuMsPerRequest: number;
  /** Server CPU seconds per wall second: the cores the server actually got. */
  coresUsed: number;
}

/** p50/p99 (ms) of `count` sequential `Executor.run()` calls of a no-op, in this process. */
async function executorFloor(count: number): Promise<{ p50: number; p99: number }> {
  const executor = new Executor({ maxWorkers: 1 });
  const call = {
    target: { moduleUrl: new URL("./views.ts", import.meta.url).href, exportName: "noop" },
  };
  try {
    for (let i = 0; i < 500; i++) await executor.run(call);
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await executor.run(call);
      latencies.push(performance.now() - start);
    }
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await executor.close();
  }
}

function checkLoad(what: string, result: LoadResult): void {
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${what}: ${result.non2xx} non-2xx responses and ${result.errors} socket errors.`,
    );
  }
}

/** Pings `url` every PING_EVERY_MS until `until` settles; returns the latencies (ms). */
async function pingWhile(url: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  until.finally(() => done = true);
  const latencies: number[] = [];
  while (!done) {
    const start = performance.now();
    await get(url);
    latencies.push(performance.now() - start);
    await sleep(PING_EVERY_MS);
  }
  return latencies;
}

const us = (ms: number) => (ms * 1000).toFixed(0);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Runs the suite. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rounds: { type: "string", default: "3" },
      requests: { type: "string", default: "3000" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      "cpu-ms": { type: "string", default: "50" },
      connections: { type: "string", default: "4" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  const requests = Number(values.requests);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const cpuMs = Number(values["cpu-ms"]);
  const connections = Number(values.connections);
  for (const [name, n] of Object.entries({ rounds, requests, duration, cpuMs, connections })) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1.`);
  }
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error("--warmup must be ≥ 0.");

  const cores = navigator.hardwareConcurrency;
  const maxWorkers = Math.max(2, cores);
  const hammer = 2 * maxWorkers;
  const load: LoadGenerator = await loadGenerator(undefined);
  const n = calibrate(cpuMs);
  const cpuPath = (kind: "blocking" | "async") => `/${kind}/cpu?n=${n}`;
  console.log(
    `Executor: ${rounds} rounds; work(${n}) ≈ ${cpuMs} ms of CPU; ${maxWorkers} workers for ` +
      `dispatch and isolation; ${load.name}; nothing pinned (the workers need both cores).`,
  );

  const dispatch: DispatchSample[] = [];
  const isolation: IsolationSample[] = [];
  const scaling: ScalingSample[] = [];
  const floors: { p50: number; p99: number }[] = [];
  const dispatchWrk = { connections, threads: 1, duration: 5 };
  const hammerWrk = { connections: hammer, threads: 1, duration };
  const scalingWrk = { connections, threads: 1, duration };

  for (let round = 0; round < rounds; round++) {
    const flip = round % 2 === 1;
    await withServer(maxWorkers, async (server) => {
      // Dispatch overhead: the same trivial view, async and blocking, one request at a time.
      const variants = (flip ? ["blocking", "async"] : ["async", "blocking"]) as (
        | "async"
        | "blocking"
      )[];
      for (const variant of variants) {
        const url = `${server.base}/${variant}/trivial`;
        await sequential(url, Math.min(500, requests));
        const latencies = await sequential(url, requests);
        if (warmup > 0) await load.run(url, dispatchWrk, warmup);
        const wrk = await load.run(url, dispatchWrk, dispatchWrk.duration);
        checkLoad(`${variant} trivial`, wrk);
        const sample = {
          variant,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          wrk,
        };
        dispatch.push(sample);
        console.log(
          `  round ${round + 1}/${rounds}  dispatch  ${variant.padEnd(8)} sequential p50 ${
            us(sample.p50)
          } µs p99 ${us(sample.p99)} µs; wrk -c${connections} ${fmt(wrk.rps)} req/s p99 ${
            wrk.p99Ms.toFixed(2)
          } ms`,
        );
      }

      // The floor: the executor's own round trip, no HTTP, no snapshot.
      const f = await executorFloor(requests);
      floors.push(f);
      console.log(
        `  round ${round + 1}/${rounds}  floor     Executor.run(noop) p50 ${us(f.p50)} µs p99 ${
          us(f.p99)
        } µs`,
      );

      // Loop isolation: ping the event loop while CPU-bound requests hammer the server.
      for (
        const variant of (flip ? ["async", "blocking"] : ["blocking", "async"]) as (
          | "blocking"
          | "async"
        )[]
      ) {
        const url = server.base + cpuPath(variant);
        await get(url);
        const hammering = load.run(url, hammerWrk, duration);
        await sleep(500); // let every connection get going
        const pings = await pingWhile(`${server.base}/ping`, hammering);
        const result = await hammering;
        checkLoad(`${variant} cpu`, result);
        const sample = {
          variant,
          pingP50: percentile(pings, 50),
          pingP99: percentile(pings, 99),
          pingMax: Math.max(...pings),
          pings: pings.length,
          cpuRps: result.rps,
        };
        isolation.push(sample);
        console.log(
          `  round ${round + 1}/${rounds}  isolation ${variant.padEnd(8)} ping p50 ${
            sample.pingP50.toFixed(2)
          } ms p99 ${sample.pingP99.toFixed(2)} ms max ${
            sample.pingMax.toFixed(1)
          } ms (${sample.pings} pings); cpu view ${fmt(result.rps, 1)} req/s`,
        );
        await sleep(500);
      }
    });

    // Scaling: the CPU-bound blocking view with 1 and 2 workers.
    for (const workers of flip ? [2, 1] : [1, 2]) {
      await withServer(workers, async (server) => {
        const url = server.base + cpuPath("blocking");
        if (warmup > 0) await load.run(url, scalingWrk, warmup);
        const cpuBefore = server.cpuSeconds();
        const wallBefore = performance.now();
        const result = await load.run(url, scalingWrk, duration);
        const cpu = server.cpuSeconds() - cpuBefore;
        const coresUsed = cpu * 1000 / (performance.now() - wallBefore);
        checkLoad(`scaling ${workers}`, result);
        const cpuMsPerRequest = cpu * 1000 / result.requests;
        scaling.push({ workers, rps: result.rps, cpuMsPerRequest, coresUsed });
        console.log(
          `  round ${round + 1}/${rounds}  scaling   ${workers} worker${workers > 1 ? "s" : " "} ${
            fmt(result.rps, 2)
          } req/s, server CPU ${cpuMsPerRequest.toFixed(1)} ms/req, ${
            coresUsed.toFixed(2)
          } cores used`,
        );
      });
    }
  }

  // ------------------------------------------------------------------ summary
  const of = <T extends { variant: string }>(list: T[], variant: string) =>
    list.filter((s) => s.variant === variant);
  const asyncD = of(dispatch, "async");
  const blockD = of(dispatch, "blocking");
  const addedP50 = median(blockD.map((s, i) => s.p50 - asyncD[i].p50));
  const addedP99 = median(blockD.map((s, i) => s.p99 - asyncD[i].p99));
  const dispatchRows = [asyncD, blockD].map((list) => ({
    variant: list[0].variant,
    p50: median(list.map((s) => s.p50)),
    p99: median(list.map((s) => s.p99)),
    rps: median(list.map((s) => s.wrk.rps)),
    wrkP99: median(list.map((s) => s.wrk.p99Ms)),
  }));
  const wrkAddedP99 = dispatchRows[1].wrkP99 - dispatchRows[0].wrkP99;
  const isoRows = ["blocking", "async"].map((variant) => {
    const list = of(isolation, variant);
    return {
      variant,
      p50: median(list.map((s) => s.pingP50)),
      p99: median(list.map((s) => s.pingP99)),
      p99Range: [Math.min(...list.map((s) => s.pingP99)), Math.max(...list.map((s) => s.pingP99))],
      max: median(list.map((s) => s.pingMax)),
      rps: median(list.map((s) => s.cpuRps)),
    };
  });
  const one = scaling.filter((s) => s.workers === 1);
  const two = scaling.filter((s) => s.workers === 2);
  const ratios = two.map((s, i) => s.rps / one[i].rps);
  const ratio = median(ratios);

  const dispatchTable = [
    "| View | sequential p50 µs | sequential p99 µs | wrk -c" + connections +
    " req/s | wrk p99 ms |",
    "|---|---:|---:|---:|---:|",
    ...dispatchRows.map((r) =>
      `| ${r.variant === "async" ? "async (event loop)" : "blocking (executor)"} | ${us(r.p50)} | ${
        us(r.p99)
      } | ${fmt(r.rps)} | ${r.wrkP99.toFixed(2)} |`
    ),
    `| **added by the executor** | **${us(addedP50)}** | **${us(addedP99)}** | ${
      (dispatchRows[1].rps / dispatchRows[0].rps * 100).toFixed(0)
    }% of async | ${wrkAddedP99 >= 0 ? "+" : ""}${wrkAddedP99.toFixed(2)} |`,
    `| *floor: \`Executor.run()\` of a no-op, no HTTP* | ${
      us(median(floors.map((f) => f.p50)))
    } | ${us(median(floors.map((f) => f.p99)))} | | |`,
  ].join("\n");
  const isoTable = [
    `| CPU-bound view (${hammer} wrk connections) | /ping p50 ms | /ping p99 ms (median) | p99 range over rounds | /ping max ms | CPU view req/s |`,
    "|---|---:|---:|---:|---:|---:|",
    ...isoRows.map((r) =>
      `| ${r.variant === "blocking" ? "blocking (executor)" : "naive: inline in an async view"} | ${
        r.p50.toFixed(2)
      } | ${r.p99.toFixed(2)} | ${r.p99Range[0].toFixed(2)}–${r.p99Range[1].toFixed(2)} | ${
        r.max.toFixed(1)
      } | ${fmt(r.rps, 1)} |`
    ),
  ].join("\n");
  const scaleTable = [
    "| max_workers | req/s (median) | req/s range | server CPU ms/req | cores the server got |",
    "|---:|---:|---:|---:|---:|",
    ...[one, two].map((list) => {
      const rps = list.map((s) => s.rps);
      return `| ${list[0].workers} | ${fmt(median(rps), 2)} | ${fmt(Math.min(...rps), 2)}–${
        fmt(Math.max(...rps), 2)
      } | ${median(list.map((s) => s.cpuMsPerRequest)).toFixed(1)} | ${
        median(list.map((s) => s.coresUsed)).toFixed(2)
      } |`;
    }),
    `| **2 vs 1** | **${ratio.toFixed(2)}×** | ${
      ratios.map((r) => r.toFixed(2)).join(", ")
    } per round (ideal 2.00×) | | |`,
  ].join("\n");
  const verdict = (ok: boolean) => ok ? "meets" : "**misses**";
  const blockingIso = isoRows[0];
  const verdicts = [
    `- Dispatch: the executor adds ${us(addedP50)} µs at p50 (${us(addedP99)} µs at p99) — ${
      verdict(addedP50 * 1000 <= TARGET_ADDED_P50_US)
    } the ≤ ${TARGET_ADDED_P50_US} µs p50 target.`,
    `- Isolation: /ping p99 ${blockingIso.p99.toFixed(2)} ms while blocking views burn every ` +
    `worker — ${verdict(blockingIso.p99 <= TARGET_PING_P99_MS)} the ≤ ${TARGET_PING_P99_MS} ms ` +
    `target; the naive inline version gives ${isoRows[1].p99.toFixed(2)} ms.`,
    `- Scaling: 2 workers give ${ratio.toFixed(2)}× the throughput of 1 — ${
      verdict(ratio >= TARGET_SCALING)
    } the ≥ ${TARGET_SCALING}× target.`,
  ];
  console.log(
    ["", dispatchTable, "", isoTable, "", scaleTable, "", ...verdicts].join("\n"),
  );
  if (values["no-write"]) return;

  const machine = await machineInfo();
  const command = `deno task bench executor${args.length ? " " + args.join(" ") : ""}`;
  const body = [
    "## Executor (blocking views)",
    "",
    `Measured ${machine.date} on ${machine.cores} cores (${machine.cpu}), ${machine.deno}.`,
    `Command: \`${command}\` (= \`deno run -A bench/run.ts executor …\`; ${rounds} rounds).`,
    "",
    "The server is `bench/executor/server.ts` (a subprocess on 127.0.0.1, `AIO_BENCH_MAX_WORKERS`",
    "sets `aio.executor.max_workers`), restarted every round; compared variants alternate order",
    "between rounds; figures are medians over rounds. Nothing is pinned: the executor's workers",
    "need both cores, so the load generator and the client share them — the machine is shared",
    `and noisy. CPU-bound requests run \`work(${n})\` (fixed xorshift rounds, calibrated to ≈ ${cpuMs}`,
    "ms in the harness), not a spin-until-deadline, so two workers on one core could not fake",
    "parallelism.",
    "",
    "### Dispatch overhead",
    "",
    `The same trivial JSON view (\`{ ok: true }\`) written \`async\` and as a plain function, on a`,
    `${maxWorkers}-worker server. *Sequential*: ${requests} requests one at a time over one keep-alive`,
    "connection from a Deno `fetch` client (after 500 warm-up requests); the client's own cost is",
    "in both rows, so the difference is what the executor adds (snapshot, worker round trip,",
    `decoding). *wrk*: \`${load.describe(dispatchWrk)}\` after a ${warmup} s warm-up. The *floor*`,
    "row is a bare `Executor.run()` of a no-op in the harness process (one worker, no HTTP, no",
    "snapshot): the two shared-buffer hand-offs and thread wake-ups every blocking view pays.",
    "",
    dispatchTable,
    "",
    "### Event-loop isolation",
    "",
    `\`${load.describe(hammerWrk)}\` (${hammer} = 2 × max_workers connections) on the CPU-bound`,
    `view while the harness sends \`GET /ping\` (an async view) every ${PING_EVERY_MS} ms and records`,
    `its latency; ${maxWorkers} workers. Blocking: the work runs in the executor. Naive: the same work`,
    "inline in an `async` view, on the event loop.",
    "",
    isoTable,
    "",
    "### Scaling",
    "",
    `\`${load.describe(scalingWrk)}\` on the CPU-bound blocking view with`,
    "`aio.executor.max_workers` = 1, then 2 (a fresh server each), after a warm-up. The client is",
    `light (${connections} connections, ≈ ${cpuMs} ms requests, well under 1% of a core), but the main`,
    "isolate, wrk and the OS still share the same 2 cores with the workers. *Server CPU ms/req* is",
    "the server's user+system CPU (all threads, `/proc/PID/stat`) per completed request; *cores the",
    "server got* is that CPU time over the wall time of the run: when it stays near 1 with 2",
    "workers, other load on the shared machine held the second core, not the executor.",
    "",
    scaleTable,
    "",
    ...verdicts,
  ].join("\n");
  const file = new URL("../RESULTS.md", import.meta.url);
  await writeSection(file, "executor", body, machine);
  console.log(`\nWrote the "executor" section of ${file.pathname}.`);
}
