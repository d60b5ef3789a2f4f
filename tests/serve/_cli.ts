// Running `deno task serve` as a subprocess in tests: its output as text to wait on, a
// temporary ini file, a server reaped whatever happens, and the processes it started.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../src/serve/cli.ts", import.meta.url));
export const FIXTURE = fileURLToPath(new URL("./fixtures/app.ts", import.meta.url));

/** Collects a child's output as text and lets a test wait for a pattern in it. */
export class Output {
  text = "";
  #waiters: (() => void)[] = [];
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text += chunk;
        for (const wake of this.#waiters.splice(0)) wake();
      }
      for (const wake of this.#waiters.splice(0)) wake();
    })();
  }

  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.text);
      if (match) return match;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${pattern}; output:\n${this.text}`);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#waiters.push(resolve)),
        this.done,
        new Promise((resolve) => (timer = setTimeout(resolve, 100))),
      ]);
      clearTimeout(timer);
    }
  }
}

export interface Cli {
  child: Deno.ChildProcess;
  stdout: Output;
  stderr: Output;
  /** Waits for the process to end and for its output to be read. */
  finish(): Promise<Deno.CommandStatus>;
}

export function spawnCli(args: string[], cwd?: string, flags = ["--unstable-net"]): Cli {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...flags, CLI, ...args],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const stdout = new Output(child.stdout);
  const stderr = new Output(child.stderr);
  return {
    child,
    stdout,
    stderr,
    async finish() {
      const status = await child.status;
      await Promise.all([stdout.done, stderr.done]);
      return status;
    },
  };
}

export async function withIni<T>(
  ini: string,
  fn: (file: string, dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "aio-serve-" });
  try {
    const file = join(dir, "development.ini");
    await Deno.writeTextFile(file, ini);
    return await fn(file, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs the CLI until it says it is listening, hands the URL to `fn`, always reaps the child. */
export async function withServer(
  ini: string,
  fn: (url: string, cli: Cli) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  await withIni(ini, async (file) => {
    const cli = spawnCli([...args, file]);
    try {
      const [, url] = await cli.stdout.waitFor(/Serving on (http:\/\/\S+)/);
      await fn(url, cli);
    } finally {
      try {
        cli.child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await cli.finish();
    }
  });
}

/** The pids whose parent is `pid` (its server processes, for the supervisor). */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // Fields after the ")" that ends the command name: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) found.push(Number(entry.name));
    } catch {
      // the process ended while we looked
    }
  }
  return found.sort((a, b) => a - b);
}

/** CPU time (user + system, in clock ticks) a process has used, or undefined once it is gone. */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `check()` returns a value other than undefined/false, polling every 100 ms. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(100);
  }
}
