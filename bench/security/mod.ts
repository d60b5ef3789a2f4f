/**
 * The security benchmark, two parts:
 *
 * 1. HTTP: requests/s of a permission-protected async JSON view fetched with a valid AuthTkt
 *    cookie (AuthTkt sha512 + async groupfinder + ACL) against the same view in an app without
 *    security, each server its own subprocess, alternating within the same run (wrk).
 * 2. In process: the cost of verifying one auth_tkt cookie (`identify`) for each hash
 *    algorithm, of writing one (`remember`), and of the whole permission check a protected
 *    view pays (`LegacySecurityPolicy.permits`).
 *
 * Results go to the "Security" section of `bench/RESULTS.md`.
 *
 * Options: `--rounds N` (5), `--duration S` (10), `--warmup S` (3), `--connections N` (50),
 * `--iterations N` (20000, per micro-benchmark round), `--no-write`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { median } from "../_stats.ts";
import { hasCommand, loadGenerator, parseWrk } from "../http/_load.ts";
import { startServer } from "../http/_server.ts";
import { machineInfo, writeSection } from "../http/results_md.ts";
import {
  ACLAuthorizationPolicy,
  Allow,
  AuthTktAuthenticationPolicy,
  AuthTktCookieHelper,
  LegacySecurityPolicy,
  type TicketHashAlgorithm,
} from "@aio/pyramid";
import { DummyRequest } from "@aio/pyramid/testing";
import { BODY, makeApp, SECRET } from "./server.ts";

/** One line of `deno task bench` help. */
export const description =
  "Security: protected async view with an AuthTkt cookie vs no security (wrk); AuthTkt verify cost";

const LABELS: Record<string, string> = {
  plain: "no security",
  headers: "no security, view reads the Cookie header",
  secured: "permission + AuthTkt cookie",
};

/** The protected view must keep this share of the unprotected one's req/s. */
const TARGET = 0.85;

const HASHES: TicketHashAlgorithm[] = ["sha512", "sha384", "sha256", "sha1", "md5"];

function cookieFor(userid: string): string {
  const helper = new AuthTktCookieHelper(SECRET);
  const header = helper.remember(new DummyRequest(), userid)[0][1];
  return header.slice(0, header.indexOf(";"));
}

async function wrkRun(
  url: string,
  cookie: string | undefined,
  options: { connections: number; seconds: number; cpu: number | undefined },
) {
  const args = ["-t1", `-c${options.connections}`, `-d${options.seconds}s`, "--latency"];
  if (cookie) args.push("-H", `Cookie: ${cookie}`);
  args.push(url);
  const [cmd, argv] = options.cpu === undefined
    ? ["wrk", args]
    : ["taskset", ["-c", String(options.cpu), "wrk", ...args]];
  const out = await new Deno.Command(cmd, { args: argv, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed:\n${text}${new TextDecoder().decode(out.stderr)}`);
  return parseWrk(text);
}

// Checks each server answers as the benchmark assumes: 200 with the body for the cookie, and
// (secured) 403 without it, so a rejected cookie can never pass for a fast server.
async function check(base: string, mode: string, cookie: string): Promise<void> {
  const ok = await fetch(base + "/data", { headers: { cookie } });
  const text = await ok.text();
  if (ok.status !== 200 || text !== JSON.stringify(BODY)) {
    throw new Error(`${mode} server answered /data with ${ok.status} ${text}`);
  }
  if (mode === "secured") {
    const anonymous = await fetch(base + "/data");
    await anonymous.body?.cancel();
    if (anonymous.status !== 403) {
      throw new Error(`secured server let an anonymous request through (${anonymous.status})`);
    }
  }
}

function signed(n: number, digits = 1): string {
  return (n >= 0 ? "+" : "−") + Math.abs(n).toFixed(digits);
}

function perOp(iterations: number, rounds: number, fn: () => unknown): number {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    times.push((performance.now() - start) * 1000 / iterations);
  }
  return median(times);
}

async function perOpAsync(
  iterations: number,
  rounds: number,
  fn: () => Promise<unknown>,
): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) await fn();
    times.push((performance.now() - start) * 1000 / iterations);
  }
  return median(times);
}

/** Runs the suite. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rounds: { type: "string", default: "5" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      connections: { type: "string", default: "50" },
      iterations: { type: "string", default: "20000" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.duration);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  const iterations = Number(values.iterations);

  // --- in process: verification cost -------------------------------------------------
  const micro: { what: string; us: number }[] = [];
  for (const hashalg of HASHES) {
    // First sight of a cookie: the full check (two hash passes). Distinct cookies, and a
    // fresh helper (empty cache of verified tickets) each round.
    const writer = new AuthTktCookieHelper(SECRET, { hashalg });
    const distinct = Math.max(500, Math.floor(iterations / 10));
    const requests = Array.from({ length: distinct }, (_, i) => {
      const header = writer.remember(new DummyRequest(), `user${i}`)[0][1];
      return new DummyRequest({ headers: { cookie: header.slice(0, header.indexOf(";")) } });
    });
    const firstSight: number[] = [];
    for (let round = 0; round < 5; round++) {
      const reader = new AuthTktCookieHelper(SECRET, { hashalg });
      const start = performance.now();
      for (const request of requests) {
        if (reader.identify(request) === null) throw new Error(`${hashalg}: refused`);
      }
      firstSight.push((performance.now() - start) * 1000 / distinct);
    }
    micro.push({
      what: `\`identify\`, ${hashalg}, a cookie seen for the first time (verified)`,
      us: median(firstSight),
    });
    const helper = new AuthTktCookieHelper(SECRET, { hashalg });
    const request = requests[0];
    if (helper.identify(request)?.userid !== "user0") throw new Error(`${hashalg}: no identity`);
    perOp(iterations / 4, 1, () => helper.identify(request)); // warm up
    micro.push({
      what: `\`identify\`, ${hashalg}, the same cookie again (verified before)`,
      us: perOp(iterations, 5, () => helper.identify(request)),
    });
  }
  const sha512 = new AuthTktCookieHelper(SECRET);
  const tampered = new DummyRequest({
    headers: { cookie: cookieFor("reader").replace(/=(.)/, (_, c) => `=${c === "a" ? "b" : "a"}`) },
  });
  micro.push({
    what: "`identify`, sha512, a tampered cookie (refused; never kept)",
    us: perOp(iterations, 5, () => sha512.identify(tampered)),
  });
  const blank = new DummyRequest();
  micro.push({
    what: "`remember` (write a cookie), sha512",
    us: perOp(iterations, 5, () => sha512.remember(blank, "reader")),
  });
  const policy = new LegacySecurityPolicy(
    new AuthTktAuthenticationPolicy(SECRET, {
      // deno-lint-ignore require-await -- the async groupfinder the HTTP server uses
      callback: async (userid) => userid === "reader" ? ["group:readers"] : null,
    }),
    new ACLAuthorizationPolicy(),
  );
  const context = { __acl__: [[Allow, "group:readers", "read"]] };
  const withCookie = new DummyRequest({ headers: { cookie: cookieFor("reader") } });
  if (!(await policy.permits(withCookie, context, "read")).valueOf()) throw new Error("denied");
  micro.push({
    what: "`permits` (cookie + async groupfinder + ACL), what `secured_view` pays",
    us: await perOpAsync(
      iterations,
      5,
      async () => await policy.permits(withCookie, context, "read"),
    ),
  });
  for (const m of micro) console.log(`  ${m.what.padEnd(72)} ${m.us.toFixed(2)} µs/op`);

  // --- in process: a whole request through app.fetch, no sockets ----------------------
  // Steadier than req/s on a shared machine: both apps in this isolate, alternating.
  const apps = {
    plain: await makeApp("plain"),
    secured: await makeApp("secured"),
  };
  const fetchCost: Record<string, number[]> = { plain: [], secured: [] };
  try {
    const cookieHeader = cookieFor("reader");
    const make = () => new Request("http://127.0.0.1/data", { headers: { cookie: cookieHeader } });
    for (const app of Object.values(apps)) {
      const response = await app.fetch(make());
      if (response.status !== 200) throw new Error(`in-process /data answered ${response.status}`);
      await response.body?.cancel();
    }
    for (let r = 0; r < 7; r++) {
      for (const mode of r % 2 ? ["secured", "plain"] as const : ["plain", "secured"] as const) {
        const app = apps[mode];
        const n = Math.max(1000, iterations / 4);
        const start = performance.now();
        for (let i = 0; i < n; i++) {
          const response = await app.fetch(make());
          await response.arrayBuffer();
        }
        fetchCost[mode].push((performance.now() - start) * 1000 / n);
      }
    }
  } finally {
    await apps.plain.close();
    await apps.secured.close();
  }
  const plainFetch = median(fetchCost.plain);
  const securedFetch = median(fetchCost.secured);
  console.log(
    `  app.fetch /data: plain ${plainFetch.toFixed(2)} µs, secured ${securedFetch.toFixed(2)} µs ` +
      `(${(plainFetch / securedFetch * 100).toFixed(1)}% of the plain app's throughput)`,
  );

  // --- HTTP: protected vs unprotected -------------------------------------------------
  if (!(await hasCommand("wrk"))) await loadGenerator(undefined); // installs wrk if it can
  if (!(await hasCommand("wrk"))) throw new Error("wrk is needed for the HTTP part.");
  const cores = navigator.hardwareConcurrency;
  const pin = cores >= 2 && await hasCommand("taskset");
  const serverCpu = pin ? 0 : undefined;
  const loadCpu = pin ? 1 : undefined;
  const cookie = cookieFor("reader");
  const modes = ["plain", "headers", "secured"] as const;
  const samples: { mode: string; rps: number; p99: number; cpuUs: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? modes : [...modes].reverse();
    for (const mode of order) {
      const script = new URL(`./server_${mode}.ts`, import.meta.url).pathname;
      const server = await startServer(script, { cpu: serverCpu });
      try {
        await check(server.base, mode, cookie);
        const url = server.base + "/data";
        // Every app gets the same cookie: only the work done with it differs.
        if (warmup > 0) await wrkRun(url, cookie, { connections, seconds: warmup, cpu: loadCpu });
        const before = server.cpuSeconds();
        const result = await wrkRun(url, cookie, { connections, seconds, cpu: loadCpu });
        const cpuUs = (server.cpuSeconds() - before) * 1e6 / result.requests;
        if (result.non2xx > 0) throw new Error(`${mode}: ${result.non2xx} non-2xx responses`);
        samples.push({ mode, rps: result.rps, p99: result.p99Ms, cpuUs });
        console.log(
          `  round ${round + 1}/${rounds}  ${mode.padEnd(8)} ${
            result.rps.toFixed(0).padStart(7)
          } req/s  p99 ${result.p99Ms.toFixed(2)} ms  server CPU ${cpuUs.toFixed(1)} µs/req`,
        );
      } finally {
        await server.stop();
      }
    }
  }
  const of = (mode: string) => samples.filter((s) => s.mode === mode);
  const summary = modes.map((mode) => {
    const rps = of(mode).map((s) => s.rps);
    return {
      mode,
      rps: median(rps),
      min: Math.min(...rps),
      max: Math.max(...rps),
      p99: median(of(mode).map((s) => s.p99)),
      cpuUs: median(of(mode).map((s) => s.cpuUs)),
    };
  });
  const [plain, headers, secured] = summary;
  const ratio = secured.rps / plain.rps;
  // The same ratio per round (each round ran both), to show the spread.
  const perRound = Array.from({ length: rounds }, (_, r) => {
    const p = samples.filter((s) => s.mode === "plain")[r];
    const s = samples.filter((s) => s.mode === "secured")[r];
    return s.rps / p.rps;
  });
  const roundMedian = median(perRound);
  const cpuEfficiency = plain.cpuUs / secured.cpuUs;
  // Each round runs the apps back to back, so a round's ratio compares them under the same
  // machine load; the median of those ratios is the headline. The ratio of the two medians
  // can pair a quiet round with a busy one, so it is shown but not judged.
  const verdict = `${(roundMedian * 100).toFixed(1)}% of the unprotected view's req/s ` +
    `(median of the per-round ratios; per round: ${
      perRound.map((x) => `${(x * 100).toFixed(0)}%`).join(", ")
    }; ratio of the medians: ${(ratio * 100).toFixed(1)}%) — ${
      roundMedian >= TARGET ? "meets" : "**misses**"
    } the ${TARGET * 100}% goal. ` +
    `Server CPU per request: ${plain.cpuUs.toFixed(1)} → ${secured.cpuUs.toFixed(1)} µs ` +
    `(${signed(secured.cpuUs - plain.cpuUs)} µs; CPU efficiency ${
      (cpuEfficiency * 100).toFixed(1)
    }% of the unprotected app's; the app that only reads the Cookie header: ${
      headers.cpuUs.toFixed(1)
    } µs).`;
  console.log("\n" + verdict);
  if (values["no-write"]) return;

  const machine = await machineInfo();
  const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
  const body = [
    "## Security",
    "",
    `Measured ${machine.date} on ${machine.cores} cores (${machine.cpu}), ${machine.deno}; ` +
    "`deno task bench security`.",
    "",
    "**Protected view vs no security.** `GET /data`, an async view rendered by `json`, in three",
    "apps, each run as its own subprocess (`bench/security/server_*.ts`): one without any",
    "security; one without security whose view reads the Cookie header with `request.header()`, as",
    'the AuthTkt policy does (what any cookie check pays); one where the view needs `permission: "read"` under',
    "`AuthTktAuthenticationPolicy` (sha512, async groupfinder) + `ACLAuthorizationPolicy`. Every",
    "request carries the same valid `auth_tkt` cookie, so the secured app verifies it, calls the",
    "groupfinder and walks the ACL on each request. Load: " +
    `\`${
      pin ? "taskset -c 1 " : ""
    }wrk -t1 -c${connections} -d${seconds}s --latency -H "Cookie: auth_tkt=…" URL\`` +
    `, ${warmup} s warm-up per server${pin ? ", server pinned to CPU 0" : ""}; ${rounds} rounds,`,
    "order alternating each round; medians over rounds.",
    "",
    "| app | req/s (median) | req/s range | p99 ms | server CPU µs/req |",
    "|---|---:|---:|---:|---:|",
    ...summary.map((s) =>
      `| ${LABELS[s.mode]} | ${fmt(s.rps)} | ${fmt(s.min)}–${fmt(s.max)} | ${s.p99.toFixed(2)} | ${
        s.cpuUs.toFixed(1)
      } |`
    ),
    "",
    `- The protected view serves ${verdict}`,
    `- In process (\`app.fetch\`, no sockets, both apps in one isolate, 7 alternating rounds of ` +
    `${fmt(Math.max(1000, iterations / 4))} requests): ${plainFetch.toFixed(2)} µs per request ` +
    `without security, ${securedFetch.toFixed(2)} µs with it — the protected view at ${
      (plainFetch / securedFetch * 100).toFixed(1)
    }% of the unprotected one's throughput, ${
      signed(securedFetch - plainFetch, 2)
    } µs per request.`,
    "",
    `**AuthTkt cost, in process** (median of 5 × ${fmt(iterations)} calls, one isolate, no I/O):`,
    "",
    "| operation | µs per call |",
    "|---|---:|",
    ...micro.map((m) => `| ${m.what} | ${m.us.toFixed(2)} |`),
  ].join("\n");
  const file = new URL("../RESULTS.md", import.meta.url);
  await writeSection(file, "security", body, machine);
  console.log(`\nWrote the "Security" section of ${file.pathname}.`);
}
