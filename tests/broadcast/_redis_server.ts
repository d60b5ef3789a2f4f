// Finds (installing it with apt-get if needed) and runs a throwaway redis-server on a
// free 127.0.0.1 port, without persistence.

async function run(command: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, {
      args,
      stdout: "null",
      stderr: "null",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** Returns why redis-server cannot be had, or undefined when it is ready to run. */
export async function ensureRedisServer(): Promise<string | undefined> {
  if (await run("redis-server", ["--version"])) return undefined;
  if (Deno.build.os !== "linux") return `redis-server is not installed (and this is not Linux)`;
  if (!(await run("apt-get", ["install", "-y", "redis-server"]))) {
    await run("apt-get", ["update"]);
    await run("apt-get", ["install", "-y", "redis-server"]);
  }
  if (await run("redis-server", ["--version"])) return undefined;
  return "redis-server is not installed and `apt-get install -y redis-server` failed " +
    "(needs root and a reachable Debian archive)";
}

export interface RedisServer {
  port: number;
  url(db?: number): string;
  stop(): Promise<void>;
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Options of {@linkcode startRedisServer}. */
export interface RedisServerOptions {
  /** The port (default: a free one); a stopped server can be started again on its port. */
  port?: number;
  /** How `stop()` ends it: SIGTERM (default), or SIGKILL to simulate a crash. */
  kill?: Deno.Signal;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? freePort();
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      child.kill(options.kill ?? "SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const connection = await Deno.connect({ hostname: "127.0.0.1", port });
      connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not start on 127.0.0.1:${port}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { port, url: (db = 0) => `redis://127.0.0.1:${port}/${db}`, stop };
}
