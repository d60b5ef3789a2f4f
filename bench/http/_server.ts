// Starting and stopping one benchmark server as its own subprocess.

/** A running server. */
export interface RunningServer {
  /** Base URL, `http://127.0.0.1:PORT`. */
  base: string;
  /** The server's process id (taskset execs, so this is the Deno process itself). */
  pid: number;
  /** CPU seconds (user + system, all threads) the server has used so far; NaN off Linux. */
  cpuSeconds(): number;
  /** Sends SIGTERM (SIGKILL after 5 s) and waits for the process to end. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts `deno run -A <script> PORT` (pinned to `cpu` when given) and waits for `READY`. */
export async function startServer(
  script: string,
  options: { cpu?: number; denoFlags?: string[]; timeoutMs?: number } = {},
): Promise<RunningServer> {
  const port = freePort();
  const deno = Deno.execPath();
  const args = ["run", "-A", ...(options.denoFlags ?? []), script, String(port)];
  const [cmd, argv] = options.cpu === undefined
    ? [deno, args]
    : ["taskset", ["-c", String(options.cpu), deno, ...args]];
  const child = new Deno.Command(cmd, { args: argv, stdout: "piped", stderr: "inherit" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`${script} did not print READY within ${options.timeoutMs ?? 30_000} ms`)),
      options.timeoutMs ?? 30_000,
    );
  });
  try {
    while (!seen.includes("READY")) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error(`${script} exited before it was ready:\n${seen}`);
      seen += value;
    }
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // Keep draining stdout so a chatty server never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  return {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    cpuSeconds: () => cpuSeconds(child.pid),
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const killer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 5_000);
      await child.status;
      clearTimeout(killer);
      await drained;
    },
  };
}

const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux architecture Deno ships for

function cpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
