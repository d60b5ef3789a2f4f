/**
 * The command behind `deno task serve [file.ini]`: reads a PasteDeploy-style
 * ini file (default `development.ini` in the current directory), builds the app
 * its `[app:main] use =` names, and serves it as `[server:main]` says:
 *
 * - `server_model = processes` (the default) with `workers = N`: a supervisor
 *   and N server processes sharing the port. A process that dies is restarted (with
 *   back-off); one whose executor abandoned a runaway worker, or that served
 *   `max_requests` (+ up to `max_requests_jitter`), is replaced (the new one starts, then
 *   the old one drains); SIGHUP reloads without downtime (fresh code, the ini re-read).
 * - `server_model = isolates`: one process, the app on the main isolate (`workers = 1`,
 *   the default) or on N Worker isolates sharing the port.
 *
 * SIGINT or SIGTERM drains every request in flight and exits 0. The same signal again
 * within a second (what `deno task` forwarding a process-group signal looks like) is the
 * same shutdown; one after that exits at once with 1. A bad ini file, `use =`, or a port
 * in use prints one line naming the file, line and key and exits 1; `--debug` adds the
 * stack.
 *
 * As the package's `./serve` export it also re-exports {@linkcode serve} and its
 * types, so `import { serve } from "@aio/pyramid/serve"` works as a library.
 *
 * @example Serving development.ini
 * ```sh
 * deno run -A --unstable-net src/serve/cli.ts development.ini
 * ```
 *
 * @module
 */

import { IniError } from "../settings/ini.ts";
import { type AppConfig, loadApp, loadAppConfig, resolveAppFactory } from "../settings/load.ts";
import type { StartMessage, WorkerReport } from "./_worker.ts";
import { claimPort, explainBindError } from "./_port.ts";
import { watchSignals } from "./_signals.ts";
import { Supervisor } from "./_supervisor.ts";
import { formatUrl, type RunningServer, serve } from "./serve.ts";

export {
  formatUrl,
  type RunningServer,
  type ServableApp,
  serve,
  type ServeOptions,
} from "./mod.ts";

const USAGE = `Usage: deno task serve [options] [file.ini]

Serves the app that [app:main] "use =" names, as [server:main] says
(host, port, workers, server_model, max_requests, max_requests_jitter,
access_log, grace_period_ms). Under server_model = processes, SIGHUP reloads.

Options:
  --debug      print stack traces for start-up errors
  -h, --help   show this help`;

function stackOf(error: unknown): string {
  let text = "";
  for (let e = error; e instanceof Error; e = e.cause) {
    text += (text ? "\nCaused by: " : "") + (e.stack ?? `${e.name}: ${e.message}`);
  }
  return text || String(error);
}

function reportError(error: unknown, debug: boolean): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(debug ? stackOf(error) : `error: ${message}`);
}

function workerCount(count: number): string {
  return `${count === 0 ? "no" : count} executor worker${count === 1 ? "" : "s"}`;
}

function listening(url: string, isolates: number, executorWorkers: number): void {
  console.log(
    `Serving on ${url} (${isolates} server isolate${isolates === 1 ? "" : "s"}, ` +
      `${workerCount(executorWorkers)}${isolates > 1 && executorWorkers > 0 ? " each" : ""})`,
  );
}

function executorWorkersOf(app: unknown): number {
  const executor = (app as { executor?: { stats?: { workers?: unknown } } }).executor;
  const workers = executor?.stats?.workers;
  return typeof workers === "number" ? workers : 0;
}

// Resolves on the first SIGINT/SIGTERM (the same signal again within a second is the same
// shutdown; a later one exits at once). SIGHUP reloads only under server_model = processes.
function waitForSignal(): { stopped: Promise<Deno.Signal>; dispose(): void } {
  let resolve!: (signal: Deno.Signal) => void;
  const stopped = new Promise<Deno.Signal>((r) => (resolve = r));
  const watch = watchSignals({
    stop: resolve,
    reload() {
      console.error(
        "Received SIGHUP: reloading needs server_model = processes in [server:main]; " +
          "this server keeps running the code it started with.",
      );
    },
  });
  return { stopped, dispose: () => watch.dispose() };
}

async function serveOnMainIsolate(
  config: AppConfig,
  stopped: Promise<Deno.Signal>,
): Promise<number> {
  const { app } = await loadApp(config);
  const { server: settings } = config;
  let server: RunningServer;
  try {
    server = serve(app, {
      hostname: settings.host,
      port: settings.port,
      accessLog: settings.accessLog,
      gracePeriodMs: settings.gracePeriodMs,
    });
  } catch (error) {
    await app.close();
    throw explainBindError(config, error);
  }
  listening(server.url, 1, executorWorkersOf(app));
  const signal = await Promise.race([stopped, server.finished.then(() => undefined)]);
  if (signal) console.log(`Received ${signal}: shutting down.`);
  await server.shutdown();
  return 0;
}

class ServerWorker {
  #worker: Worker;
  #reports: ((report: WorkerReport | { type: "crashed"; message: string }) => void)[] = [];
  #crashed?: string;

  constructor(onCrash: (message: string) => void) {
    this.#worker = new Worker(new URL("./_worker.ts", import.meta.url), { type: "module" });
    this.#worker.onmessage = (event: MessageEvent<WorkerReport>) => this.#report(event.data);
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#crashed = event.message;
      this.#report({ type: "crashed", message: event.message });
      onCrash(event.message);
    };
  }

  #report(report: WorkerReport | { type: "crashed"; message: string }): void {
    for (const listener of this.#reports.splice(0)) listener(report);
  }

  next(): Promise<WorkerReport | { type: "crashed"; message: string }> {
    if (this.#crashed !== undefined) {
      return Promise.resolve({ type: "crashed", message: this.#crashed });
    }
    return new Promise((resolve) => this.#reports.push(resolve));
  }

  async start(
    message: StartMessage,
  ): Promise<{ hostname: string; port: number; executorWorkers: number }> {
    const report = this.next();
    this.#worker.postMessage(message);
    const result = await report;
    if (result.type === "listening") return result;
    const error = new Error(
      result.type === "error"
        ? result.message
        : `server isolate crashed: ${result.type === "crashed" ? result.message : result.type}`,
    );
    if (result.type === "error") error.stack = result.stack;
    throw error;
  }

  async stop(timeoutMs: number): Promise<void> {
    if (this.#crashed === undefined) {
      const report = this.next();
      this.#worker.postMessage({ type: "shutdown" });
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([report, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
    this.#worker.terminate();
  }
}

async function serveOnWorkers(config: AppConfig, stopped: Promise<Deno.Signal>): Promise<number> {
  const { server: settings } = config;
  // Deno.serve({ reusePort }) is behind --unstable-net, and without it Deno exits from
  // inside the worker with code 70; say so here, pointing at the setting that asked for it.
  if (typeof (Deno as { listenDatagram?: unknown }).listenDatagram !== "function") {
    throw new IniError(
      {
        file: config.file,
        line: config.document.option("server:main", "workers")?.line,
        section: "server:main",
        key: "workers",
      },
      `workers = ${settings.workers} shares the port between isolates (reusePort), which needs ` +
        `Deno's --unstable-net flag. Run "deno run -A --unstable-net src/serve/cli.ts", add ` +
        `"unstable": ["net"] to deno.json, set server_model = processes, or set workers = 1.`,
    );
  }
  // Fail in the main isolate, with one clear message, before starting any worker.
  await resolveAppFactory(config);
  const port = claimPort(config);
  let crash!: (message: string) => void;
  const crashed = new Promise<string>((resolve) => (crash = resolve));
  const workers: ServerWorker[] = [];
  const stopAll = () => Promise.all(workers.map((w) => w.stop(settings.gracePeriodMs + 1000)));
  const message: StartMessage = {
    type: "start",
    file: config.file,
    hostname: settings.host,
    port,
    accessLog: settings.accessLog,
    gracePeriodMs: settings.gracePeriodMs,
  };
  try {
    workers.push(...Array.from({ length: settings.workers }, () => new ServerWorker(crash)));
    const bound = await Promise.all(workers.map((w) => w.start(message)));
    listening(
      formatUrl({ transport: "tcp", hostname: settings.host, port }),
      workers.length,
      Math.max(...bound.map((b) => b.executorWorkers)),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  const outcome = await Promise.race([stopped, crashed.then((message) => ({ message }))]);
  if (typeof outcome === "object") {
    console.error(`error: a server isolate crashed: ${outcome.message}. Shutting down.`);
    await stopAll();
    return 1;
  }
  console.log(`Received ${outcome}: shutting down ${workers.length} server isolates.`);
  await stopAll();
  return 0;
}

/**
 * Runs the serve command with command-line arguments (without the program name)
 * and resolves to the exit code once the server has shut down.
 *
 * @example Running the command from a script
 * ```ts ignore
 * import { main } from "./cli.ts";
 * Deno.exit(await main(["development.ini"]));
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const debug = args.includes("--debug");
  if (args.includes("-h") || args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const unknown = args.find((arg) => arg.startsWith("-") && arg !== "--debug");
  const files = args.filter((arg) => !arg.startsWith("-"));
  if (unknown !== undefined || files.length > 1) {
    console.error(`error: unexpected argument "${unknown ?? files[1]}".\n\n${USAGE}`);
    return 2;
  }
  let signals: { stopped: Promise<Deno.Signal>; dispose(): void } | undefined;
  try {
    const config = await loadAppConfig(files[0] ?? "development.ini");
    if (config.server.serverModel === "processes") return await new Supervisor(config).run();
    signals = waitForSignal();
    return config.server.workers > 1
      ? await serveOnWorkers(config, signals.stopped)
      : await serveOnMainIsolate(config, signals.stopped);
  } catch (error) {
    reportError(error, debug);
    return 1;
  } finally {
    signals?.dispose();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
