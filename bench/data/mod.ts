/**
 * The data benchmark (issue 12): req/s of a schema-validated JSON POST against the same view
 * without a schema (JSON Schema and zod; same run, same server process), and req/s of a view
 * doing one `SELECT 1` through the per-request pooled connection and transaction, against the
 * same view without the database. PostgreSQL is a throwaway server started here (as in the
 * tasks example's tests). Results go to the "Validation and database" section of
 * `bench/RESULTS.md`.
 *
 * Options: `--rounds N` (3), `--duration S` (10), `--warmup S` (3), `--connections N` (50),
 * `--no-write` (print only).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { median } from "../_stats.ts";
import { TASK_BODY } from "./_schemas.ts";
import { hasCommand, parseWrk } from "../http/_load.ts";
import { startServer } from "../http/_server.ts";
import { machineInfo, writeSection } from "../http/results_md.ts";
import { findPostgres, startPostgres } from "../../examples/tasks/tests/_postgres.ts";

/** One line of `deno task bench` help. */
export const description =
  "Validation and database: schema-validated POST vs none; SELECT 1 per request (wrk, PostgreSQL)";

/** The environment variable the server reads the database URL from. */
export const DATABASE_ENV = "AIO_BENCH_DATABASE_URL";

const BODY = JSON.stringify(TASK_BODY);

const ENDPOINTS = [
  { key: "plain", method: "POST", path: "/plain", label: "POST JSON, no schema" },
  { key: "validated", method: "POST", path: "/validated", label: "POST JSON, JSON Schema (ajv)" },
  { key: "zod", method: "POST", path: "/zod", label: "POST JSON, zod (Standard Schema)" },
  { key: "nodb", method: "GET", path: "/nodb", label: "GET, no database" },
  { key: "select1", method: "GET", path: "/select1", label: "GET, SELECT 1 per request" },
  { key: "pool", method: "GET", path: "/select1-pool", label: "GET, SELECT 1 on the pool" },
] as const;

async function wrkScript(method: string): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "aio-bench-", suffix: ".lua" });
  await Deno.writeTextFile(
    path,
    method === "POST"
      ? `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`
      : `wrk.method = "GET"\n`,
  );
  return path;
}

async function wrk(
  url: string,
  script: string,
  connections: number,
  seconds: number,
  cpu: number | undefined,
) {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url];
  const [cmd, argv] = cpu === undefined
    ? ["wrk", args]
    : ["taskset", ["-c", String(cpu), "wrk", ...args]];
  const out = await new Deno.Command(cmd, { args: argv, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`wrk failed:\n${text}`);
  return parseWrk(text);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
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
      "no-write": { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  if (!(await hasCommand("wrk"))) {
    throw new Error("wrk is needed: apt-get install -y wrk (the http suite installs it too).");
  }
  const found = await findPostgres();
  if ("reason" in found) console.warn(`No PostgreSQL (${found.reason}): SELECT 1 is skipped.`);
  const pg = "bin" in found ? await startPostgres(found.bin) : undefined;
  const pin = navigator.hardwareConcurrency >= 2 && await hasCommand("taskset");
  const scripts = { GET: await wrkScript("GET"), POST: await wrkScript("POST") };
  const samples: { key: string; rps: number; p99Ms: number; cpuUs: number }[] = [];
  try {
    // The server reads the database URL from its environment (inherited).
    if (pg) Deno.env.set(DATABASE_ENV, pg.url);
    const withDb = await startServer(new URL("./server.ts", import.meta.url).pathname, {
      cpu: pin ? 0 : undefined,
    });
    try {
      // Every endpoint must answer 200 with the right body before its figure means anything.
      for (const e of ENDPOINTS) {
        if ((e.key === "select1" || e.key === "pool") && !pg) continue;
        const response = await fetch(withDb.base + e.path, {
          method: e.method,
          body: e.method === "POST" ? BODY : undefined,
          headers: e.method === "POST" ? { "content-type": "application/json" } : undefined,
        });
        const text = await response.text();
        if (response.status !== 200) {
          throw new Error(`${e.method} ${e.path}: ${response.status} ${text}`);
        }
      }
      for (let round = 0; round < rounds; round++) {
        const order = ENDPOINTS.map((_, i) => ENDPOINTS[(i + round) % ENDPOINTS.length]);
        for (const e of order) {
          if ((e.key === "select1" || e.key === "pool") && !pg) continue;
          const url = withDb.base + e.path;
          const script = scripts[e.method];
          if (warmup > 0) await wrk(url, script, connections, warmup, pin ? 1 : undefined);
          const cpuBefore = withDb.cpuSeconds();
          const result = await wrk(url, script, connections, duration, pin ? 1 : undefined);
          const cpuUs = (withDb.cpuSeconds() - cpuBefore) * 1e6 / result.requests;
          if (result.non2xx > 0) throw new Error(`${e.label}: ${result.non2xx} non-2xx responses`);
          samples.push({ key: e.key, rps: result.rps, p99Ms: result.p99Ms, cpuUs });
          console.log(
            `  round ${round + 1}/${rounds}  ${e.label.padEnd(34)} ${
              fmt(result.rps).padStart(7)
            } req/s` +
              `  p99 ${result.p99Ms.toFixed(2)} ms  server CPU ${cpuUs.toFixed(1)} µs/req`,
          );
        }
      }
    } finally {
      await withDb.stop();
    }
  } finally {
    await pg?.destroy();
    await Deno.remove(scripts.GET).catch(() => {});
    await Deno.remove(scripts.POST).catch(() => {});
  }

  const of = (key: string) => samples.filter((s) => s.key === key);
  const rps = (key: string) => median(of(key).map((s) => s.rps));
  const range = (key: string) => {
    const all = of(key).map((s) => s.rps);
    return `${fmt(Math.min(...all))}–${fmt(Math.max(...all))}`;
  };
  const p99 = (key: string) => median(of(key).map((s) => s.p99Ms));
  const cpu = (key: string) => median(of(key).map((s) => s.cpuUs));
  const rows = ENDPOINTS.filter((e) => of(e.key).length > 0).map((e) => {
    const base = e.method === "POST" ? "plain" : "nodb";
    return `| ${e.label} | ${fmt(rps(e.key))} | ${range(e.key)} | ${
      (rps(e.key) / rps(base) * 100).toFixed(1)
    }% | ${p99(e.key).toFixed(2)} | ${cpu(e.key).toFixed(1)} | ${
      (cpu(e.key) - cpu(base)).toFixed(1)
    } |`;
  });
  const inProcess = await validationCost();
  const machine = await machineInfo();
  const section = [
    "## Validation and database",
    "",
    `Measured ${machine.date} on ${machine.cores} cores (${machine.cpu}), ${machine.deno}.`,
    "",
    "One server process (`AIO_BENCH_DATABASE_URL=… deno run -A bench/data/server.ts PORT`) with every " +
    "endpoint, so the figures compare in the same run; " +
    (pin ? "server pinned to CPU 0 and wrk to CPU 1 (`taskset`); PostgreSQL unpinned. " : "") +
    `Load: \`wrk -t1 -c${connections} -d${duration}s --latency -s SCRIPT URL\` after a ${warmup} s ` +
    `warm-up, ${rounds} rounds, endpoint order rotated each round, medians over rounds. ` +
    `The POST body is \`${BODY}\` (${BODY.length} bytes); the view reads it and answers ` +
    "its title. *vs baseline* compares with the same view without a schema (POSTs) or " +
    "without the database (GETs). *Server CPU µs/req* is the server process's user+system CPU " +
    "time (all threads, `/proc/PID/stat`) over the run divided by the requests completed: on a " +
    "shared, busy machine it is steadier than req/s, and its difference from the baseline is " +
    "what validation (or the database client) costs per request. SELECT 1 runs on the tasks example's per-request " +
    "connection: pool checkout, `BEGIN`, the query, `COMMIT` in the finished callback, " +
    "release: 3 round trips (BEGIN, SELECT, COMMIT) to a throwaway PostgreSQL 15 on the same machine, pool of 10. *SELECT 1 on the pool* is the same query with `pool.query()`, no transaction (1 round trip), for comparison.",
    "",
    "| Endpoint | req/s (median) | req/s range | req/s vs baseline | p99 ms (median) | server CPU µs/req | CPU µs/req over baseline |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    "In process (`deno run -A bench/data/validate_cost.ts`; µs per call, the median over 7 " +
    "batches of the batch mean): the compiled validators alone on the same body, and for scale " +
    "a request built and its body parsed:",
    "",
    "| Step | µs per call |",
    "|---|---:|",
    ...inProcess,
  ].join("\n");
  console.log("\n" + section);
  if (!values["no-write"]) {
    await writeSection(new URL("../RESULTS.md", import.meta.url), "data", section, machine);
  }
}

// The validation step alone, in process: bench/data/validate_cost.ts prints JSON.
async function validationCost(): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./validate_cost.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("bench/data/validate_cost.ts failed");
  const costs = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<string, number>;
  return Object.entries(costs).map(([step, us]) => `| ${step} | ${us.toFixed(2)} |`);
}
