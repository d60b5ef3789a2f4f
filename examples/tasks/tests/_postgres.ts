// A throwaway PostgreSQL server for tests and benchmarks: Debian's postgresql binaries
// (installed with apt-get when missing), a temporary data directory, `initdb` and `pg_ctl`
// run as the non-root `postgres` user when we are root, a free 127.0.0.1 port, and the unix
// socket directory inside the temporary directory.

/** A running (or stopped, restartable) test server. */
export interface PostgresServer {
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** A connection string for the `postgres` superuser and database (trust auth). */
  readonly url: string;
  /** Stops the server, keeping its data (a "dropped database"). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

const decoder = new TextDecoder();

async function run(command: string, args: string[], env: Record<string, string> = {}) {
  try {
    const output = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C", ...env },
    }).output();
    return {
      success: output.success,
      text: decoder.decode(output.stdout) + decoder.decode(output.stderr),
    };
  } catch (error) {
    return { success: false, text: String(error) };
  }
}

async function findBin(): Promise<string | undefined> {
  try {
    const versions: string[] = [];
    for await (const entry of Deno.readDir("/usr/lib/postgresql")) versions.push(entry.name);
    versions.sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = `/usr/lib/postgresql/${version}/bin`;
      if ((await run(`${bin}/pg_ctl`, ["--version"])).success) return bin;
    }
  } catch { /* not installed */ }
  return undefined;
}

const isRoot = Deno.uid() === 0;

/**
 * Finds (or installs) PostgreSQL. Returns the bin directory, or why there is none: the tests
 * then skip with that reason printed.
 */
export async function findPostgres(): Promise<{ bin: string } | { reason: string }> {
  if (Deno.build.os !== "linux") return { reason: "PostgreSQL tests run on Linux only" };
  let bin = await findBin();
  if (!bin && isRoot) {
    // dpkg's lock is shared with other jobs on the machine: wait for it.
    for (let attempt = 0; attempt < 30 && !bin; attempt++) {
      const install = await run("apt-get", ["install", "-y", "postgresql"]);
      if (!install.success && /Could not get lock|dpkg.*lock/i.test(install.text)) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        continue;
      }
      if (!install.success) {
        await run("apt-get", ["update"]);
        await run("apt-get", ["install", "-y", "postgresql"]);
      }
      bin = await findBin();
      break;
    }
  }
  if (!bin) {
    return {
      reason: "PostgreSQL is not installed and `apt-get install -y postgresql` was not possible " +
        "(needs root and the Debian archive)",
    };
  }
  if (isRoot && !(await run("id", ["postgres"])).success) {
    return { reason: "there is no `postgres` user to run the server as (initdb refuses root)" };
  }
  return { bin };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Starts a fresh server; throws with the server's log when it cannot. */
export async function startPostgres(bin: string): Promise<PostgresServer> {
  const dir = await Deno.makeTempDir({ prefix: "aio-pg-" });
  const data = `${dir}/data`;
  const log = `${dir}/server.log`;
  const port = freePort();
  // initdb and the server refuse to run as root: run them as `postgres`, owner of the directory.
  const as = (command: string, args: string[]) =>
    isRoot ? run("runuser", ["-u", "postgres", "--", command, ...args]) : run(command, args);
  if (isRoot) {
    await Deno.chmod(dir, 0o755);
    const chown = await run("chown", ["postgres:postgres", dir]);
    if (!chown.success) throw new Error(`chown of ${dir} failed: ${chown.text}`);
  }
  const init = await as(`${bin}/initdb`, [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  if (!init.success) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new Error(`initdb failed:\n${init.text}`);
  }
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=50",
  ].join(" ");
  let running = false;
  const start = async () => {
    const started = await as(`${bin}/pg_ctl`, [
      "-D",
      data,
      "-l",
      log,
      "-o",
      options,
      "-w",
      "start",
    ]);
    if (!started.success) {
      const serverLog = await Deno.readTextFile(log).catch(() => "");
      throw new Error(`pg_ctl start failed:\n${started.text}\n${serverLog}`);
    }
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    const stopped = await as(`${bin}/pg_ctl`, ["-D", data, "-m", "fast", "-w", "stop"]);
    if (!stopped.success) throw new Error(`pg_ctl stop failed:\n${stopped.text}`);
    running = false;
  };
  try {
    await start();
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      try {
        await stop();
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}
