/**
 * `deno task bench serve [stall|slowloris|reload] [--rounds N] [--seconds S]`:
 *
 * - `stall`: GET /hello req/s with the stall detector on (`aio.stall_warning_ms = 100`) and
 *   off, alternating rounds (server pinned to CPU 0, wrk to CPU 1), medians and the cost.
 * - `slowloris`: 1,000 connections that send a header line every 10 s and never finish,
 *   held for `--seconds` (default 60) on loopback, while /hello is fetched every 250 ms:
 *   how many slow connections the server still holds, its memory and file descriptors,
 *   and /hello latency meanwhile.
 * - `reload`: SIGHUP reloads under `deno task serve` (2 server processes) while 4 loops
 *   send requests, on keep-alive connections and on a fresh connection each: requests that
 *   failed.
 *
 * @module
 */

import { median, percentile } from "../_stats.ts";
import { loadGenerator } from "../http/_load.ts";
import { startServer } from "../http/_server.ts";

/** One line for `deno task bench --help`. */
export const description =
  "serving: stall detector cost on /hello, 1,000 slowloris connections, requests through SIGHUP reloads";

const HERE = new URL(".", import.meta.url);
const CLI = new URL("../../src/serve/cli.ts", import.meta.url).pathname;

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

async function stall(rounds: number, seconds: number): Promise<void> {
  const load = await loadGenerator(1);
  const settings = { connections: 50, threads: 1, duration: seconds };
  const rps: Record<"off" | "on", number[]> = { off: [], on: [] };
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? ["off", "on"] as const : ["on", "off"] as const) {
      Deno.env.set("AIO_BENCH_STALL_MS", mode === "on" ? "100" : "0");
      const server = await startServer(new URL("server_hello.ts", HERE).pathname, { cpu: 0 });
      try {
        await load.run(`${server.base}/hello`, settings, 1); // warm-up
        const result = await load.run(`${server.base}/hello`, settings, seconds);
        if (result.non2xx || result.errors) throw new Error(`bad run: ${JSON.stringify(result)}`);
        rps[mode].push(result.rps);
        console.log(`round ${round + 1} ${mode}: ${Math.round(result.rps)} req/s`);
      } finally {
        await server.stop();
      }
    }
  }
  const off = median(rps.off);
  const on = median(rps.on);
  // Each round's on/off pair ran back to back: the median of their ratios resists the
  // load drifting on a shared machine better than the ratio of the medians.
  const ratios = rps.on.map((value, i) => value / rps.off[i]);
  console.log(
    `\nstall detector, GET /hello (${load.describe(settings)}, ${rounds} rounds): ` +
      `medians off ${Math.round(off)} req/s, on ${Math.round(on)} req/s; ` +
      `median per-round cost ${((1 - median(ratios)) * 100).toFixed(1)}%`,
  );
}

// The same comparison without sockets or wrk: app.fetch() in-process, interleaved batches,
// so the machine's other load hits both sides alike and the detector's own work shows.
async function stallInProcess(rounds: number, batch = 2_000): Promise<void> {
  const { main } = await import("./app.ts");
  const apps = {
    off: await main({ "aio.stall_warning_ms": "0" }),
    on: await main({ "aio.stall_warning_ms": "100" }),
  };
  const rate: Record<"off" | "on", number[]> = { off: [], on: [] };
  const request = () => new Request("http://127.0.0.1/hello");
  for (let round = 0; round < rounds + 1; round++) {
    for (const mode of round % 2 === 0 ? ["off", "on"] as const : ["on", "off"] as const) {
      const app = apps[mode];
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) {
        await (await app.fetch(request())).arrayBuffer();
        // A server returns to the event loop between requests; so do we, or the heartbeat
        // (and every timer) would starve and the detector would rightly complain.
        if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 0));
      }
      const perSecond = batch / ((performance.now() - t0) / 1000);
      if (round > 0) rate[mode].push(perSecond); // round 0 warms up
    }
  }
  await apps.off.close();
  await apps.on.close();
  const off = median(rate.off);
  const on = median(rate.on);
  const ratios = rate.on.map((value, i) => value / rate.off[i]);
  console.log(
    `stall detector, app.fetch(GET /hello) in-process (${rounds} rounds of ${batch} each way): ` +
      `medians off ${Math.round(off)}/s, on ${Math.round(on)}/s; median per-round cost ${
        ((1 - median(ratios)) * 100).toFixed(1)
      }%`,
  );
}

function memoryKb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

function openFds(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
}

async function slowloris(seconds: number, count = 1000): Promise<void> {
  const server = await startServer(new URL("server_hello.ts", HERE).pathname);
  const [, port] = /:(\d+)$/.exec(server.base)!;
  const before = { rss: memoryKb(server.pid), fds: openFds(server.pid) };
  const encoder = new TextEncoder();
  const conns: Deno.Conn[] = [];
  let closedByServer = 0;
  let connectFailures = 0;
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
      await conn.write(encoder.encode(`GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n`));
      conns.push(conn);
      // A read ending (null or error) means the server gave up on the connection.
      conn.read(new Uint8Array(1024)).then(() => closedByServer++, () => closedByServer++);
    } catch {
      connectFailures++;
    }
  }
  const openedInMs = Date.now() - started;
  const latencies: number[] = [];
  let helloFailures = 0;
  let peak = { rss: 0, fds: 0 };
  const deadline = started + seconds * 1000;
  let nextDrip = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const client = Deno.createHttpClient({});
    const t0 = performance.now();
    try {
      const response = await fetch(`${server.base}/hello`, { client });
      await response.text();
      if (response.ok) latencies.push(performance.now() - t0);
      else helloFailures++;
    } catch {
      helloFailures++;
    } finally {
      client.close();
    }
    peak = {
      rss: Math.max(peak.rss, memoryKb(server.pid)),
      fds: Math.max(peak.fds, openFds(server.pid)),
    };
    if (Date.now() >= nextDrip) {
      nextDrip += 10_000;
      for (const conn of conns) {
        conn.write(encoder.encode(`X-Drip: ${Date.now()}\r\n`)).catch(() => {});
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const stillHeld = conns.length - closedByServer;
  for (const conn of conns) {
    try {
      conn.close();
    } catch {
      // closed already
    }
  }
  await server.stop();
  console.log(
    `\nslowloris: ${count} connections (opened in ${openedInMs} ms, ${connectFailures} refused), ` +
      `a header line every 10 s, for ${seconds} s on loopback:\n` +
      `  still held open by the server at the end: ${stillHeld}\n` +
      `  server RSS ${Math.round(before.rss / 1024)} MB before, peak ${
        Math.round(peak.rss / 1024)
      } MB; open fds ${before.fds} before, peak ${peak.fds}\n` +
      `  GET /hello meanwhile (fresh connection, every 250 ms): ${latencies.length} answered, ` +
      `${helloFailures} failed, p50 ${median(latencies).toFixed(1)} ms, p99 ${
        percentile(latencies, 99).toFixed(1)
      } ms`,
  );
}

async function reload(reloads: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "aio-bench-reload-" });
  const ini = `${dir}/bench.ini`;
  await Deno.writeTextFile(
    ini,
    `[app:main]\nuse = ${new URL("app.ts", HERE).pathname}#main\n\n[server:main]\n` +
      `host = 127.0.0.1\nport = 0\nworkers = 2\naccess_log = false\ngrace_period_ms = 2000\n`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ini],
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  let url = "";
  while (!url) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server exited: ${output}`);
    output += value;
    url = /Serving on (http:\/\/\S+)/.exec(output)?.[1] ?? "";
  }
  const drain = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      output += value;
    }
  })();
  const counts = { pooled: { ok: 0, failed: 0 }, fresh: { ok: 0, failed: 0 } };
  let running = true;
  const loops = [0, 1, 2, 3].map(async (i) => {
    const kind = i % 2 === 0 ? "pooled" : "fresh";
    const pooled = Deno.createHttpClient({});
    while (running) {
      const client = kind === "pooled" ? pooled : Deno.createHttpClient({});
      try {
        const response = await fetch(`${url}/hello`, { client });
        await response.text();
        counts[kind][response.ok ? "ok" : "failed"]++;
      } catch {
        counts[kind].failed++;
      } finally {
        if (client !== pooled) client.close();
      }
    }
    pooled.close();
  });
  for (let i = 0; i < reloads; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const seen = output.split("Reloaded").length;
    child.kill("SIGHUP");
    while (output.split("Reloaded").length === seen) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 2500));
  running = false;
  await Promise.all(loops);
  child.kill("SIGTERM");
  await child.status;
  await drain;
  await Deno.remove(dir, { recursive: true });
  console.log(
    `\nreload: ${reloads} SIGHUP reloads, 2 server processes, 4 request loops:\n` +
      `  keep-alive connections: ${counts.pooled.ok} answered, ${counts.pooled.failed} failed\n` +
      `  a fresh connection per request: ${counts.fresh.ok} answered, ${counts.fresh.failed} failed`,
  );
}

/** Runs the named parts (default: all). */
export async function run(args: string[]): Promise<void> {
  const parts = args.filter((a) => !a.startsWith("--") && !/^\d+$/.test(a));
  const all = parts.length === 0;
  if (all || parts.includes("stall")) {
    await stallInProcess(option(args, "--rounds", 5) * 8);
    await stall(option(args, "--rounds", 5), option(args, "--seconds", 5));
  }
  if (parts.includes("stall-inprocess")) await stallInProcess(option(args, "--rounds", 41));
  if (all || parts.includes("slowloris")) await slowloris(option(args, "--seconds", 60));
  if (all || parts.includes("reload")) await reload(option(args, "--rounds", 5));
}
