// The load generator: Debian's wrk (installed with apt-get when missing and we are root),
// falling back to `npx -y autocannon` only when wrk cannot be had. Optionally pinned to
// one core with taskset so it does not compete with the server on a 2-core machine.

/** One measured run. */
export interface LoadResult {
  /** Requests per second over the run. */
  rps: number;
  /** Requests completed over the run. */
  requests: number;
  /** 99th percentile latency in milliseconds. */
  p99Ms: number;
  /** Requests answered with a status outside 2xx/3xx (must be 0 for a valid run). */
  non2xx: number;
  /** Socket errors (connect/read/write/timeout) summed. */
  errors: number;
}

/** Settings shared by every run. */
export interface LoadSettings {
  /** Concurrent connections. */
  connections: number;
  /** wrk threads. */
  threads: number;
  /** Seconds per measured run. */
  duration: number;
}

/** A ready load generator. */
export interface LoadGenerator {
  /** `wrk 4.1.0` or `autocannon`. */
  name: string;
  /** The command line used, for the results file. */
  describe(settings: LoadSettings): string;
  /** Runs load against `url` for `seconds`. */
  run(url: string, settings: LoadSettings, seconds: number): Promise<LoadResult>;
}

async function output(cmd: string, args: string[]): Promise<{ ok: boolean; text: string }> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: out.success, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { ok: false, text: `${cmd}: not found` };
    throw error;
  }
}

/** Whether `name` is on the PATH. */
export async function hasCommand(name: string): Promise<boolean> {
  return (await output("sh", ["-c", `command -v ${name}`])).ok;
}

async function installWrk(): Promise<boolean> {
  if (await hasCommand("wrk")) return true;
  const isRoot = Deno.uid() === 0;
  if (!isRoot || !(await hasCommand("apt-get"))) {
    console.error(
      `wrk is missing and cannot be installed here (${isRoot ? "no apt-get" : "not root"}).`,
    );
    return false;
  }
  console.error("wrk is missing: installing it with apt-get …");
  const update = await output("apt-get", ["update", "-qq"]);
  if (!update.ok) console.error(`apt-get update failed:\n${update.text.slice(-2000)}`);
  const install = await new Deno.Command("apt-get", {
    args: ["install", "-y", "-qq", "wrk"],
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!install.success) {
    console.error(
      `apt-get install wrk failed:\n${new TextDecoder().decode(install.stderr).slice(-2000)}`,
    );
  }
  return await hasCommand("wrk");
}

/** Parses a wrk duration such as `812.00us`, `2.34ms`, `1.02s` into milliseconds. */
export function parseWrkDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`Cannot parse the wrk latency '${text}'.`);
  const value = Number(m[1]);
  return m[2] === "us"
    ? value / 1000
    : m[2] === "ms"
    ? value
    : m[2] === "s"
    ? value * 1000
    : value * 60_000;
}

/** Parses `wrk --latency` output. */
export function parseWrk(text: string): LoadResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const requests = /(\d+) requests in /.exec(text);
  const p99 = /^\s*99%\s+(\S+)\s*$/m.exec(text);
  if (!rps || !p99) throw new Error(`Unexpected wrk output (is --latency set?):\n${text}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    rps: Number(rps[1]),
    requests: requests ? Number(requests[1]) : NaN,
    p99Ms: parseWrkDuration(p99[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

function pinned(cpu: number | undefined, cmd: string, args: string[]): [string, string[]] {
  return cpu === undefined ? [cmd, args] : ["taskset", ["-c", String(cpu), cmd, ...args]];
}

function wrk(cpu: number | undefined, version: string): LoadGenerator {
  const argsFor = (s: LoadSettings, seconds: number, url: string) => [
    `-t${s.threads}`,
    `-c${s.connections}`,
    `-d${seconds}s`,
    "--latency",
    url,
  ];
  return {
    name: version,
    describe: (s) =>
      (cpu === undefined ? "" : `taskset -c ${cpu} `) +
      `wrk ${argsFor(s, s.duration, "URL").join(" ")}`,
    async run(url, settings, seconds) {
      const [cmd, args] = pinned(cpu, "wrk", argsFor(settings, seconds, url));
      const out = await output(cmd, args);
      if (!out.ok) throw new Error(`wrk failed:\n${out.text}`);
      return parseWrk(out.text);
    },
  };
}

function autocannon(cpu: number | undefined): LoadGenerator {
  const argsFor = (s: LoadSettings, seconds: number, url: string) => [
    "-y",
    "autocannon",
    "-c",
    String(s.connections),
    "-d",
    String(seconds),
    "-j",
    url,
  ];
  return {
    name: "autocannon (npx)",
    describe: (s) =>
      (cpu === undefined ? "" : `taskset -c ${cpu} `) +
      `npx ${argsFor(s, s.duration, "URL").join(" ")}`,
    async run(url, settings, seconds) {
      const [cmd, args] = pinned(cpu, "npx", argsFor(settings, seconds, url));
      const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
      const text = new TextDecoder().decode(out.stdout);
      if (!out.success) {
        throw new Error(`autocannon failed:\n${text}${new TextDecoder().decode(out.stderr)}`);
      }
      const json = JSON.parse(text.slice(text.indexOf("{")));
      return {
        rps: json.requests.average,
        requests: json.requests.total,
        p99Ms: json.latency.p99,
        non2xx: json.non2xx ?? 0,
        errors: (json.errors ?? 0) + (json.timeouts ?? 0),
      };
    },
  };
}

/** Finds (or installs) the load generator, pinned to `cpu` when given. */
export async function loadGenerator(cpu: number | undefined): Promise<LoadGenerator> {
  if (await installWrk()) {
    const version = (await output("wrk", ["-v"])).text.match(/^wrk \S+/)?.[0] ?? "wrk";
    return wrk(cpu, version);
  }
  if (await hasCommand("npx")) {
    console.error("Falling back to `npx -y autocannon` (wrk could not be installed).");
    return autocannon(cpu);
  }
  throw new Error(
    "No load generator: install wrk (`apt-get install -y wrk`, as root) or Node.js for `npx autocannon`.",
  );
}
