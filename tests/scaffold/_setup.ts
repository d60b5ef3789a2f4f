// Set-up shared by the scaffold tests: generate a project with the real CLI into a
// temporary directory (importing this checkout with --framework), run commands in it, and
// serve it from its own development.ini as a real process.

/** The checkout under test. */
export const ROOT: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** The generator command. */
export const CLI = `${ROOT}/scaffold/cli.ts`;

const decoder = new TextDecoder();

/** What a finished command printed, and how it exited. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno <args>` in `cwd` and collects its output. */
export async function deno(args: string[], cwd: string = ROOT): Promise<Ran> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Runs the generator CLI with `args` (in `cwd`). */
export function scaffold(args: string[], cwd: string = ROOT): Promise<Ran> {
  return deno(["run", "-A", CLI, ...args], cwd);
}

/** A generated project in a temporary directory; `remove()` deletes the directory. */
export interface Project {
  dir: string;
  parent: string;
  generated: Ran;
  remove(): Promise<void>;
}

/** Generates `name` from `which` with the CLI, importing this checkout. */
export async function generateProject(which: string, name: string): Promise<Project> {
  const parent = await Deno.makeTempDir({ prefix: `aio_${which}_` });
  const generated = await scaffold([which, name, "--framework", ROOT], parent);
  if (generated.code !== 0) {
    await Deno.remove(parent, { recursive: true });
    throw new Error(`the generator failed (${generated.code}): ${generated.stderr}`);
  }
  return {
    dir: `${parent}/${name}`,
    parent,
    generated,
    remove: () => Deno.remove(parent, { recursive: true }),
  };
}

/** A project served by `deno task serve development.ini` as a real process. */
export interface Served {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Stops the server with one SIGTERM and returns its exit code and output. */
  stop(): Promise<{ code: number; output: string }>;
}

/**
 * Serves the project from its development.ini, with `port =` rewritten to 0 (a free
 * port), and waits for the "Serving on" line.
 */
export async function serveProject(dir: string): Promise<Served> {
  const ini = await Deno.readTextFile(`${dir}/development.ini`);
  if (!/^port = 6543$/m.test(ini)) throw new Error(`development.ini has no "port = 6543" line`);
  await Deno.writeTextFile(`${dir}/development.ini`, ini.replace(/^port = 6543$/m, "port = 0"));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "serve", "development.ini"],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let output = "";
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const rest = async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      output += value;
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const port = await Promise.race([
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`the server exited before listening`);
          output += value;
          const port = /Serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
          if (port) return Number(port);
        }
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("the server did not listen within 60 s")),
          60_000,
        );
      }),
    ]);
    clearTimeout(timer);
    const draining = rest();
    return {
      origin: `http://127.0.0.1:${port}`,
      async stop() {
        // Only `deno task`'s own process: it passes the signal on to the server once.
        child.kill("SIGTERM");
        const status = await child.status;
        await draining;
        return { code: status.code, output: output + (await stderr) };
      },
    };
  } catch (error) {
    clearTimeout(timer);
    child.kill("SIGKILL");
    await child.status;
    await rest().catch(() => {});
    throw new Error(`${(error as Error).message}: ${output}${await stderr}`);
  }
}
