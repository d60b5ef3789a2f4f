/**
 * The websocket suite: echo throughput and p99 round trip with 64 concurrent clients,
 * the framework's `/echo` view against a bare `Deno.upgradeWebSocket` echo (each server
 * in its own subprocess, one at a time, several rounds, medians); then 10,000 idle
 * connections to one framework process (RSS per connection, and a new connection's echo).
 * Writes `bench/websocket/RESULTS.md`.
 *
 * @module
 */

import { echoLoad, type LoadResult, probe, sleep } from "./_load.ts";
import { median } from "../_stats.ts";

/** One line for the bench help text. */
export const description = "websocket echo throughput/p99 vs raw Deno, and 10k idle connections";

const HERE = new URL(".", import.meta.url);
const decoder = new TextDecoder();

interface Options {
  rounds: number;
  seconds: number;
  warmup: number;
  clients: number;
  bytes: number;
  idle: number;
  out: string;
}

function parse(args: string[]): Options {
  const options: Options = {
    rounds: 5,
    seconds: 5,
    warmup: 1,
    clients: 64,
    bytes: 64,
    idle: 10_000,
    out: new URL("RESULTS.md", HERE).pathname,
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i].replace(/^--/, "") as keyof Options;
    if (!(key in options) || args[i + 1] === undefined) {
      throw new Error(
        `unknown option ${args[i]}; use --rounds --seconds --warmup --clients --bytes --idle --out`,
      );
    }
    (options as unknown as Record<string, unknown>)[key] = key === "out"
      ? args[i + 1]
      : Number(args[i + 1]);
  }
  return options;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A subprocess with its file limit raised (`ulimit -n`), `exec`ed so its PID is Deno's. */
function spawnWithUlimit(args: string[], stdin: "piped" | "null" = "null"): Deno.ChildProcess {
  const quoted = args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  return new Deno.Command("bash", {
    args: ["-c", `ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec ${quoted}`],
    stdin,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** Reads stdout lines until one starts with `prefix`; keeps draining the rest. */
async function waitFor(child: Deno.ChildProcess, prefix: string, ms: number): Promise<string> {
  const reader = child.stdout.getReader();
  let buffer = "";
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const line = buffer.split("\n").find((l) => l.startsWith(prefix));
    if (line) {
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      return line;
    }
  }
  throw new Error(`subprocess never printed ${prefix} (got ${JSON.stringify(buffer)})`);
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch { /* already gone */ }
  await child.status;
}

function rssKb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]);
}

async function startServer(script: string): Promise<{ child: Deno.ChildProcess; port: number }> {
  const port = freePort();
  const child = spawnWithUlimit([
    Deno.execPath(),
    "run",
    "-A",
    new URL(script, HERE).pathname,
    String(port),
  ]);
  await waitFor(child, "READY", 30_000);
  return { child, port };
}

async function throughput(options: Options): Promise<Record<string, LoadResult[]>> {
  const results: Record<string, LoadResult[]> = { framework: [], raw: [] };
  for (let round = 1; round <= options.rounds; round++) {
    // Alternate which server goes first so drift on the machine hits both alike.
    const order = round % 2 ? ["framework", "raw"] : ["raw", "framework"];
    for (const kind of order) {
      const { child, port } = await startServer(`server_${kind}.ts`);
      try {
        const result = await echoLoad(`ws://127.0.0.1:${port}/echo`, {
          clients: options.clients,
          seconds: options.seconds,
          warmupSeconds: options.warmup,
          bytes: options.bytes,
        });
        results[kind].push(result);
        console.log(
          `round ${round} ${kind.padEnd(9)} ${
            result.messagesPerSecond.toFixed(0).padStart(7)
          } msg/s  ` +
            `p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms`,
        );
      } finally {
        await stop(child);
      }
    }
  }
  return results;
}

interface IdleResult {
  connections: number;
  baselineKb: number;
  loadedKb: number;
  perConnectionKb: number;
  probes: { connectAndEchoMs: number; echoMs: number }[];
}

async function idle(options: Options): Promise<IdleResult> {
  const { child, port } = await startServer("server_framework.ts");
  const url = `ws://127.0.0.1:${port}/echo`;
  try {
    await probe(url); // warm the paths the idle connections use
    await sleep(500);
    const baselineKb = rssKb(child.pid);
    // Several client processes, so no single one needs 10,000 descriptors.
    const perClient = 2500;
    const clients: Deno.ChildProcess[] = [];
    for (let left = options.idle; left > 0; left -= perClient) {
      clients.push(spawnWithUlimit(
        [
          Deno.execPath(),
          "run",
          "-A",
          new URL("idle_clients.ts", HERE).pathname,
          url,
          String(Math.min(perClient, left)),
        ],
        "piped",
      ));
    }
    try {
      await Promise.all(clients.map((c) => waitFor(c, "OPEN", 120_000)));
      await sleep(2000);
      const loadedKb = rssKb(child.pid);
      const probes = [];
      for (let i = 0; i < 5; i++) probes.push(await probe(url));
      const result = {
        connections: options.idle,
        baselineKb,
        loadedKb,
        perConnectionKb: (loadedKb - baselineKb) / options.idle,
        probes,
      };
      console.log(
        `idle: ${options.idle} connections, RSS ${baselineKb} → ${loadedKb} kB ` +
          `(${result.perConnectionKb.toFixed(2)} kB/connection); new connection echoes: ` +
          probes.map((p) => `${p.connectAndEchoMs.toFixed(1)}/${p.echoMs.toFixed(1)} ms`).join(
            ", ",
          ),
      );
      return result;
    } finally {
      for (const client of clients) {
        await client.stdin.close();
        await client.status;
      }
    }
  } finally {
    await stop(child);
  }
}

async function text(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
  return decoder.decode(out.stdout).trim();
}

/** Runs the suite and writes RESULTS.md. */
export async function run(args: string[]): Promise<void> {
  const options = parse(args);
  const load = await throughput(options);
  const idleResult = await idle(options);
  const cpu = /model name\s*:\s*(.*)/.exec(await Deno.readTextFile("/proc/cpuinfo"))?.[1] ??
    "unknown";
  const fw = load.framework, raw = load.raw;
  const fwRate = median(fw.map((r) => r.messagesPerSecond));
  const rawRate = median(raw.map((r) => r.messagesPerSecond));
  const fwP99 = median(fw.map((r) => r.p99Ms));
  const rawP99 = median(raw.map((r) => r.p99Ms));
  const fwP50 = median(fw.map((r) => r.p50Ms));
  const rawP50 = median(raw.map((r) => r.p50Ms));
  const worstProbe = Math.max(...idleResult.probes.map((p) => p.connectAndEchoMs));
  const ratio = fwRate / rawRate;
  const md = `# WebSocket benchmark

Date: 2026-11-21 · Deno ${Deno.version.deno} (V8 ${Deno.version.v8})
Machine: ${await text("nproc", [])} CPUs (${cpu}) · \`${await text("uname", ["-a"])}\`
Command: \`deno run -A bench/websocket/run.ts${args.length ? " " + args.join(" ") : ""}\`

## Echo throughput, ${options.clients} concurrent clients

Closed loop: each client sends a ${options.bytes}-byte text message and waits for its echo.
Each server runs alone in its own subprocess; ${options.rounds} rounds (order alternating),
${options.warmup} s warm-up + ${options.seconds} s measured each; the load generator is one Deno
process on the same machine. Figures are medians over rounds.

| server | messages/s | p50 round trip | p99 round trip |
|---|---:|---:|---:|
| @aio/pyramid \`/echo\` view (examples/echo) | ${fwRate.toFixed(0)} | ${fwP50.toFixed(2)} ms | ${
    fwP99.toFixed(2)
  } ms |
| raw \`Deno.upgradeWebSocket\` echo | ${rawRate.toFixed(0)} | ${rawP50.toFixed(2)} ms | ${
    rawP99.toFixed(2)
  } ms |
| **ratio (framework / raw)** | **${(ratio * 100).toFixed(1)} %** | | p99 ×${
    (fwP99 / rawP99).toFixed(2)
  } |

Target ≥ 90 % of raw: **${ratio >= 0.9 ? "met" : "NOT met"}**.

Per round (messages/s): framework ${fw.map((r) => r.messagesPerSecond.toFixed(0)).join(", ")};
raw ${raw.map((r) => r.messagesPerSecond.toFixed(0)).join(", ")}.

## ${idleResult.connections.toLocaleString("en-US")} idle connections to one framework process

Clients: ${
    Math.ceil(idleResult.connections / 2500)
  } Deno processes × ≤ 2,500 sockets (\`ulimit -n\` raised by the script).

| measure | value |
|---|---:|
| server RSS before (after one echo) | ${(idleResult.baselineKb / 1024).toFixed(1)} MiB |
| server RSS with ${idleResult.connections.toLocaleString("en-US")} open | ${
    (idleResult.loadedKb / 1024).toFixed(1)
  } MiB |
| **RSS per connection** | **${idleResult.perConnectionKb.toFixed(2)} kB** |
| new connection: connect + first echo (worst of 5) | ${worstProbe.toFixed(1)} ms |
| new connection: echo only (worst of 5) | ${
    Math.max(...idleResult.probes.map((p) => p.echoMs)).toFixed(1)
  } ms |

New connection echoes within 50 ms: **${worstProbe <= 50 ? "yes" : "NO"}**.
`;
  await Deno.writeTextFile(options.out, md);
  console.log(`\nwrote ${options.out}`);
}
