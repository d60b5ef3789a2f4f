/**
 * Profiles one benchmark server under wrk load: starts it with `deno run --cpu-prof`,
 * loads one endpoint, stops it (the profile is written at exit) and prints where the
 * time went — self and inclusive time per function, and the share spent in `src/`,
 * Hono, Deno's runtime and V8 (GC, idle).
 *
 * Usage: `deno run -A bench/http/profile.ts [pyramid|hono|raw] [/hello] [seconds] [--keep]`
 *
 * @module
 */

import { loadGenerator } from "./_load.ts";
import { hasCommand } from "./_load.ts";
import { startServer } from "./_server.ts";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const SRC = new URL("../../src/", import.meta.url).href;
const BENCH = new URL("../", import.meta.url).href;

function where(frame: CallFrame): string {
  const url = frame.url;
  const src = url.startsWith(SRC) ? SRC.length - 5 : -1; // index of "/src/"
  const file = url.startsWith(BENCH)
    ? "bench/" + url.slice(BENCH.length)
    : src >= 0
    ? url.slice(src + 1)
    : url.includes("/hono/")
    ? "hono:" + url.slice(url.lastIndexOf("/dist/") + 6)
    : url.includes("/node_modules/") || url.includes("/npm/")
    ? "npm:" + url.slice(url.lastIndexOf("/npm/") + 5)
    : url.startsWith("ext:")
    ? url
    : url || "(native)";
  return `${frame.functionName || "(anonymous)"} ${file}${url ? `:${frame.lineNumber + 1}` : ""}`;
}

function bucket(frame: CallFrame): string {
  const url = frame.url;
  if (url.startsWith(SRC)) return "@aio/pyramid src/";
  if (url.includes("/hono/")) return "hono";
  if (url.startsWith(BENCH)) return "bench server";
  if (url.includes("/npm/") || url.includes("/node_modules/")) return "other npm packages";
  if (url.startsWith("ext:")) return "Deno runtime (ext:)";
  return frame.functionName ? `V8 ${frame.functionName}` : "V8 (other)";
}

/** Summarizes a `.cpuprofile`. */
export function summarize(profile: CpuProfile, requests: number, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const buckets = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i])!;
    if (node.callFrame.functionName === "(idle)") {
      idle += dt;
      continue;
    }
    total += dt;
    const key = where(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const b = bucket(node.callFrame);
    buckets.set(b, (buckets.get(b) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = where(byId.get(id)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
  const share = (v: number) => `${(100 * v / total).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>, filter: (k: string) => boolean = () => true) =>
    [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([k, v]) => `  ${share(v)}  ${k}`).join("\n");
  return [
    `JS thread busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms ` +
    `(idle includes Rust-side HTTP I/O); ${requests} requests, ` +
    `${(total / requests).toFixed(2)} µs of busy JS time per request. Shares are of busy time.`,
    "",
    "By origin (self time):",
    list(buckets),
    "",
    "Top functions by self time:",
    list(self),
    "",
    "src/ functions by inclusive time:",
    list(inclusive, (k) => / src\//.test(k)),
    "",
    "hono functions by inclusive time:",
    list(inclusive, (k) => / hono:/.test(k)),
  ].join("\n");
}

if (import.meta.main) {
  const [server = "pyramid", path = "/hello", seconds = "10"] = Deno.args.filter((a) =>
    !a.startsWith("--")
  );
  const keep = Deno.args.includes("--keep");
  const dir = await Deno.makeTempDir({ prefix: "aio-bench-prof-" });
  const pin = navigator.hardwareConcurrency >= 2 && await hasCommand("taskset");
  const load = await loadGenerator(pin ? 1 : undefined);
  const script = new URL(`server_${server}.ts`, import.meta.url).pathname;
  const running = await startServer(script, {
    cpu: pin ? 0 : undefined,
    denoFlags: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
  });
  const settings = { connections: 50, threads: 1, duration: Number(seconds) };
  let requests = 0;
  try {
    const warm = await load.run(running.base + path, settings, 2);
    const result = await load.run(running.base + path, settings, settings.duration);
    requests = warm.requests + result.requests;
    console.log(
      `${server} ${path} under --cpu-prof: ${result.rps.toFixed(0)} req/s, p99 ${result.p99Ms} ms`,
    );
  } finally {
    await running.stop();
  }
  const files = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".cpuprofile"));
  if (files.length === 0) throw new Error(`No .cpuprofile was written in ${dir}.`);
  const file = `${dir}/${files[0].name}`;
  console.log(summarize(JSON.parse(await Deno.readTextFile(file)), requests));
  if (keep) console.log(`\nProfile kept at ${file} (open it in Chrome DevTools).`);
  else await Deno.remove(dir, { recursive: true });
}
