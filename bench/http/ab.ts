/**
 * A quick A/B of benchmark server scripts (any script that takes a PORT argument and prints
 * `READY`, as `server_*.ts` do): each is started in turn, pinned to CPU 0, loaded by the
 * suite's load generator pinned to CPU 1 (2 s warm-up, then the measured run), the order
 * rotating each round. Prints
 * the median req/s and server CPU µs per request of each, relative to the first script. Use
 * it to compare a change against the tree before it (a `git worktree` of the old commit
 * gives its own `bench/http/server_pyramid.ts`); record figures with `mod.ts`, not this.
 *
 * Usage: `deno run -A bench/http/ab.ts ROUNDS SECONDS PATH SCRIPT...`, e.g.
 * `deno run -A bench/http/ab.ts 5 5 /hello bench/http/server_hono.ts bench/http/server_pyramid.ts`
 *
 * @module
 */

import { median } from "../_stats.ts";
import { loadGenerator } from "./_load.ts";
import { startServer } from "./_server.ts";

const [rounds, seconds, path, ...scripts] = Deno.args;
if (!rounds || !seconds || !path?.startsWith("/") || scripts.length === 0) {
  console.error("usage: deno run -A bench/http/ab.ts ROUNDS SECONDS PATH SCRIPT...");
  Deno.exit(2);
}

// The same load and pinning as mod.ts: wrk on CPU 1, the server on CPU 0.
const load = await loadGenerator(1);
const settings = { connections: 50, threads: 1, duration: Number(seconds) };

const rps = new Map<string, number[]>(scripts.map((s) => [s, []]));
const cpu = new Map<string, number[]>(scripts.map((s) => [s, []]));
for (let round = 0; round < Number(rounds); round++) {
  for (let i = 0; i < scripts.length; i++) {
    const script = scripts[(i + round) % scripts.length];
    const server = await startServer(script, { cpu: 0 });
    try {
      await load.run(server.base + path, settings, 2);
      const before = server.cpuSeconds();
      const run = await load.run(server.base + path, settings, settings.duration);
      if (run.non2xx > 0) throw new Error(`${script} answered ${run.non2xx} non-2xx responses`);
      cpu.get(script)!.push((server.cpuSeconds() - before) * 1e6 / run.requests);
      rps.get(script)!.push(run.rps);
    } finally {
      await server.stop();
    }
  }
}

const baseRps = median(rps.get(scripts[0])!);
const baseCpu = median(cpu.get(scripts[0])!);
for (const script of scripts) {
  const r = median(rps.get(script)!);
  const c = median(cpu.get(script)!);
  console.log(
    `${(r / baseRps * 100).toFixed(1)}% req/s  ${
      (baseCpu / c * 100).toFixed(1)
    }% CPU efficiency  ` +
      `${c.toFixed(2)} µs/req  [${rps.get(script)!.map((x) => x.toFixed(0)).join(" ")}]  ${script}`,
  );
}
