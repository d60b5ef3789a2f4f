// `server_model = processes`: one supervisor process and `workers` server processes
// (./_process.ts) sharing the port with reusePort. The supervisor restarts a process that
// dies (with back-off), replaces one that asks for it (a runaway executor worker, or
// max_requests) by starting the replacement first and draining the old one, reloads on
// SIGHUP (fresh code, re-read ini, new processes first, then the old ones drain), relays the
// local broker between processes, and on SIGTERM/SIGINT drains everything and exits 0.
// Used only by ./cli.ts.
import { join } from "node:path";
import { type AppConfig, loadAppConfig, resolveAppFactory } from "../settings/load.ts";
import { IpcChannel, type ProcessReport, type SupervisorOrder } from "./_ipc.ts";
import { claimPort } from "./_port.ts";
import { watchSignals } from "./_signals.ts";
import { formatUrl } from "./serve.ts";

const PROCESS_ENTRY = new URL("./_process.ts", import.meta.url).href;
// A process that lived at least this long before dying starts its slot's back-off afresh.
const HEALTHY_MS = 10_000;
const MAX_BACKOFF_MS = 10_000;
// On top of grace_period_ms, how long a draining process may take before it is killed.
const EXIT_SLACK_MS = 5_000;

type Listening = Extract<ProcessReport, { type: "listening" }>;

/** Start-up errors a server process reported, with its stack for --debug. */
export class ProcessStartError extends Error {
  /** Creates the error from the process's report. */
  constructor(message: string, stack?: string) {
    super(message);
    this.name = "ProcessStartError";
    if (stack) this.stack = stack;
  }
}

function describeStatus(status: Deno.CommandStatus): string {
  return status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
}

class ServerProcess {
  readonly child: Deno.ChildProcess;
  readonly startedAt = performance.now();
  state: "starting" | "serving" | "retiring" = "starting";
  replacing = false;
  handoff = false;
  ipc: IpcChannel<ProcessReport, SupervisorOrder> | undefined;
  executorWorkers = 0;
  readonly listening: Promise<Listening>;
  // Settles once everything the process sent has been read (its socket closed).
  readonly talked: Promise<void>;
  endTalk!: () => void;
  resolveListening!: (report: Listening) => void;
  rejectListening!: (error: Error) => void;
  #killTimer: ReturnType<typeof setTimeout> | undefined;

  readonly id: number;
  readonly slot: number;
  readonly generation: number;

  constructor(
    id: number,
    args: { slot: number; generation: number; file: string; port: number; socket: string },
  ) {
    this.id = id;
    this.slot = args.slot;
    this.generation = args.generation;
    this.child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-net",
        PROCESS_ENTRY,
        args.file,
        String(args.port),
        String(id),
      ],
      env: { AIO_SUPERVISOR_SOCKET: args.socket },
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    this.listening = new Promise((resolve, reject) => {
      this.resolveListening = resolve;
      this.rejectListening = reject;
    });
    this.listening.catch(() => {});
    this.talked = new Promise((resolve) => (this.endTalk = resolve));
  }

  get pid(): number {
    return this.child.pid;
  }

  /**
   * Stops accepting, finishes in-flight requests, exits; killed if it overstays. `handoff`:
   * other processes go on serving the port, so first tell keep-alive clients to move.
   */
  retire(graceMs: number, handoff = false): void {
    if (this.state === "retiring") return;
    this.state = "retiring";
    this.handoff = handoff;
    if (this.ipc) this.ipc.send({ type: "drain", handoff });
    else this.signal("SIGTERM");
    this.#killTimer = setTimeout(() => this.signal("SIGKILL"), graceMs + EXIT_SLACK_MS);
  }

  signal(signal: Deno.Signal): void {
    try {
      this.child.kill(signal);
    } catch {
      // already exited
    }
  }

  exited(): void {
    clearTimeout(this.#killTimer);
    this.rejectListening(new ProcessStartError("the server process exited before listening"));
  }
}

/** Runs the server processes until a stop signal; resolves to the exit code. */
export class Supervisor {
  #config: AppConfig;
  #port = 0;
  #socket = "";
  #processes = new Map<number, ServerProcess>();
  #nextId = 1;
  #generation = 0;
  #crashes = new Map<number, number>();
  #stopping = false;
  #reloading = false;
  #done!: (code: number) => void;
  #finished = new Promise<number>((resolve) => (this.#done = resolve));
  #restartTimers = new Set<ReturnType<typeof setTimeout>>();

  constructor(config: AppConfig) {
    this.#config = config;
  }

  async run(): Promise<number> {
    const signals = watchSignals({
      stop: (signal) => this.#stop(signal),
      force: (signal) => this.#force(signal),
      reload: () => void this.#reload(),
    });
    const dir = await Deno.makeTempDir({ prefix: "aio-serve-" });
    let listener: Deno.Listener | undefined;
    let accepting: Promise<void> | undefined;
    try {
      // Fail here, with one clear message, before starting any process.
      await resolveAppFactory(this.#config);
      this.#port = claimPort(this.#config);
      this.#socket = join(dir, "supervisor.sock");
      listener = Deno.listen({ transport: "unix", path: this.#socket });
      accepting = this.#accept(listener);
      let started: ServerProcess[];
      try {
        started = await this.#startGeneration(this.#config);
      } catch (error) {
        // A stop signal during start-up ends the processes it was waiting for.
        if (this.#stopping) return await this.#finished;
        throw error;
      }
      this.#announce("Serving on", started);
      return await this.#finished;
    } finally {
      signals.dispose();
      for (const timer of this.#restartTimers) clearTimeout(timer);
      for (const process of this.#processes.values()) process.signal("SIGKILL");
      await Promise.all([...this.#processes.values()].map((p) => p.child.status));
      listener?.close();
      await accepting;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }

  #announce(what: string, started: ServerProcess[]): void {
    const { workers } = this.#config.server;
    const executor = Math.max(0, ...started.map((p) => p.executorWorkers));
    const url = formatUrl({
      transport: "tcp",
      hostname: this.#config.server.host,
      port: this.#port,
    });
    console.log(
      `${what} ${url} (${workers} server process${workers === 1 ? "" : "es"}, ` +
        `${executor === 0 ? "no" : executor} executor worker${executor === 1 ? "" : "s"}` +
        `${workers > 1 && executor > 0 ? " each" : ""})`,
    );
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    const serving: Promise<void>[] = [];
    try {
      for await (const conn of listener) serving.push(this.#talk(conn));
    } catch {
      // the listener was closed
    }
    await Promise.all(serving);
  }

  async #talk(conn: Deno.Conn): Promise<void> {
    const ipc = new IpcChannel<ProcessReport, SupervisorOrder>(conn);
    let process: ServerProcess | undefined;
    for await (const report of ipc.messages()) {
      if (report.type === "hello") {
        process = this.#processes.get(report.id);
        if (!process) break;
        process.ipc = ipc;
        if (process.state === "retiring") ipc.send({ type: "drain", handoff: process.handoff });
      } else if (process) this.#handle(process, report);
    }
    process?.endTalk();
    await ipc.close();
  }

  #handle(process: ServerProcess, report: ProcessReport): void {
    switch (report.type) {
      case "listening":
        process.executorWorkers = report.executorWorkers;
        if (process.state === "starting") process.state = "serving";
        process.resolveListening(report);
        break;
      case "error":
        process.rejectListening(new ProcessStartError(report.message, report.stack));
        break;
      case "recycle":
        void this.#replace(process, report.reason);
        break;
      case "publish":
        for (const other of this.#processes.values()) {
          if (other !== process) other.ipc?.send(report);
        }
        break;
    }
  }

  #spawn(slot: number, generation: number, config: AppConfig): ServerProcess {
    const process = new ServerProcess(this.#nextId++, {
      slot,
      generation,
      file: config.file,
      port: this.#port,
      socket: this.#socket,
    });
    this.#processes.set(process.id, process);
    process.child.status.then(async (status) => {
      // A process that reports a start-up error and exits: read the report before the exit
      // (a process that never connected is given a moment).
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([process.talked, new Promise((r) => (timer = setTimeout(r, 1000)))]);
      clearTimeout(timer);
      this.#exited(process, status);
    });
    return process;
  }

  // Starts `workers` processes; if one fails, kills the others and throws its error.
  async #startGeneration(config: AppConfig): Promise<ServerProcess[]> {
    const generation = ++this.#generation;
    const started = Array.from(
      { length: config.server.workers },
      (_, slot) => this.#spawn(slot, generation, config),
    );
    try {
      await Promise.all(started.map((p) => p.listening));
      return started;
    } catch (error) {
      for (const process of started) {
        process.state = "retiring";
        process.signal("SIGKILL");
      }
      await Promise.all(started.map((p) => p.child.status));
      throw error;
    }
  }

  #exited(process: ServerProcess, status: Deno.CommandStatus): void {
    this.#processes.delete(process.id);
    process.exited();
    if (this.#stopping) {
      if (this.#processes.size === 0) this.#done(0);
      return;
    }
    if (process.state !== "serving" || process.generation !== this.#generation) return;
    const lived = performance.now() - process.startedAt;
    const crashes = lived >= HEALTHY_MS ? 1 : (this.#crashes.get(process.slot) ?? 0) + 1;
    this.#crashes.set(process.slot, crashes);
    const delay = crashes <= 1 ? 0 : Math.min(MAX_BACKOFF_MS, 250 * 2 ** (crashes - 2));
    console.error(
      `error: server process ${process.pid} exited unexpectedly (${describeStatus(status)}); ` +
        `starting another${delay ? ` in ${delay} ms` : ""}.`,
    );
    this.#restartLater(process.slot, process.generation, delay);
  }

  #restartLater(slot: number, generation: number, delay: number): void {
    const timer = setTimeout(async () => {
      this.#restartTimers.delete(timer);
      if (this.#stopping || generation !== this.#generation) return;
      const process = this.#spawn(slot, generation, this.#config);
      try {
        await process.listening;
      } catch (error) {
        // #exited does not restart a process that never listened: back off here.
        const crashes = (this.#crashes.get(slot) ?? 0) + 1;
        this.#crashes.set(slot, crashes);
        const next = Math.min(MAX_BACKOFF_MS, 250 * 2 ** (crashes - 2));
        console.error(
          `error: a new server process did not start: ${(error as Error).message}; ` +
            `trying again in ${next} ms.`,
        );
        process.signal("SIGKILL");
        this.#restartLater(slot, generation, next);
      }
    }, delay);
    this.#restartTimers.add(timer);
  }

  // Replacement first, then the old process drains: the port never goes unserved.
  async #replace(process: ServerProcess, reason: string): Promise<void> {
    if (this.#stopping || process.state !== "serving" || process.replacing) return;
    process.replacing = true;
    console.log(`Replacing server process ${process.pid}: ${reason}.`);
    const replacement = this.#spawn(process.slot, process.generation, this.#config);
    try {
      await replacement.listening;
    } catch (error) {
      console.error(
        `error: the replacement for server process ${process.pid} did not start ` +
          `(${(error as Error).message}); it keeps serving.`,
      );
      replacement.signal("SIGKILL");
      process.replacing = false;
      return;
    }
    if (process.generation !== this.#generation) replacement.retire(0);
    process.retire(this.#config.server.gracePeriodMs, true);
  }

  async #reload(): Promise<void> {
    if (this.#stopping || this.#reloading) return;
    this.#reloading = true;
    const previousGeneration = this.#generation;
    try {
      console.log("Received SIGHUP: starting new server processes with fresh code.");
      const config = await loadAppConfig(this.#config.file);
      const { host, port } = config.server;
      if (host !== this.#config.server.host || (port !== 0 && port !== this.#port)) {
        this.#port = claimPort(config);
      }
      const old = [...this.#processes.values()];
      const started = await this.#startGeneration(config);
      this.#config = config;
      for (const process of old) process.retire(this.#config.server.gracePeriodMs, true);
      this.#announce("Reloaded: serving on", started);
    } catch (error) {
      this.#generation = previousGeneration;
      console.error(
        `error: reload failed, the running server processes keep serving: ${
          (error as Error)?.message ?? error
        }`,
      );
    } finally {
      this.#reloading = false;
    }
  }

  #stop(signal: Deno.Signal): void {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const timer of this.#restartTimers) clearTimeout(timer);
    this.#restartTimers.clear();
    const count = this.#processes.size;
    console.log(
      `Received ${signal}: shutting down ${count} server process${count === 1 ? "" : "es"}.`,
    );
    for (const process of this.#processes.values()) {
      process.retire(this.#config.server.gracePeriodMs);
    }
    if (this.#processes.size === 0) this.#done(0);
  }

  #force(signal: Deno.Signal): void {
    console.error(`Received ${signal} again: exiting without waiting.`);
    this.#stopping = true;
    for (const process of this.#processes.values()) process.signal("SIGKILL");
    this.#done(1);
  }
}
