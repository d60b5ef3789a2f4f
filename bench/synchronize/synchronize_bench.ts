/**
 * `synchronize` round trip from an executor worker, both transports, next to synckit on Node.
 *
 * Setup once: `bash bench/synchronize/setup.sh` (installs synckit into node_modules here).
 * Run: `deno run -A bench/synchronize/synchronize_bench.ts [rounds=5] [count=5000]`.
 *
 * @module
 */

import { Executor, type Transport } from "../../src/executor/mod.ts";

const rounds = Number(Deno.args[0] ?? 5);
const count = Number(Deno.args[1] ?? 5000);
const warmup = 1000;
const here = new URL("./", import.meta.url);

function summarize(samples: number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p99: at(0.99) };
}

async function ours(transport: Transport): Promise<number[]> {
  const executor = new Executor({ maxWorkers: 1, transport });
  try {
    return await executor.run({
      target: { moduleUrl: new URL("_round_trip.ts", here).href, exportName: "measure" },
      args: [warmup, count],
    }) as number[];
  } finally {
    await executor.close();
  }
}

async function synckit(): Promise<{ median: number; p99: number } | undefined> {
  try {
    await Deno.stat(new URL("node_modules/synckit", here));
  } catch {
    console.error("synckit not installed: run bash bench/synchronize/setup.sh");
    return undefined;
  }
  const output = await new Deno.Command("node", {
    args: [new URL("synckit_bench.mjs", here).pathname, String(warmup), String(count)],
    stdout: "piped",
  }).output();
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

const rows: Record<string, { median: number; p99: number }[]> = {
  "synchronize, buffer (SharedArrayBuffer + Atomics.waitAsync)": [],
  "synchronize, port (MessagePort + receiveMessageOnPort)": [],
  "synckit 0.11 on Node": [],
};
for (let round = 0; round < rounds; round++) {
  rows["synchronize, buffer (SharedArrayBuffer + Atomics.waitAsync)"].push(
    summarize(await ours("buffer")),
  );
  rows["synchronize, port (MessagePort + receiveMessageOnPort)"].push(
    summarize(await ours("port")),
  );
  const baseline = await synckit();
  if (baseline) rows["synckit 0.11 on Node"].push(baseline);
}

console.log(`${count} timed calls after ${warmup} warm-up calls, ${rounds} rounds`);
console.log("| transport | median µs (per round) | p99 µs (per round) | median of medians µs |");
console.log("|---|---|---|---|");
for (const [name, results] of Object.entries(rows)) {
  if (results.length === 0) continue;
  const medians = results.map((r) => r.median.toFixed(1));
  const p99s = results.map((r) => r.p99.toFixed(1));
  const mid = summarize(results.map((r) => r.median)).median.toFixed(1);
  console.log(`| ${name} | ${medians.join(" / ")} | ${p99s.join(" / ")} | ${mid} |`);
}
