// One server isolate of `deno task serve` when [server:main] workers > 1: it loads the
// app itself and binds the shared port with reusePort. Used only by ./cli.ts.
import { loadApp } from "../settings/load.ts";
import { type RunningServer, serve } from "./serve.ts";

/** Sent by cli.ts to start this isolate. */
export interface StartMessage {
  type: "start";
  file: string;
  hostname: string;
  port: number;
  accessLog: boolean;
  gracePeriodMs: number;
}

/** What this isolate reports back to cli.ts. */
export type WorkerReport =
  | { type: "listening"; hostname: string; port: number; executorWorkers: number }
  | { type: "error"; message: string; stack: string }
  | { type: "stopped" };

interface WorkerScope {
  postMessage(message: WorkerReport): void;
  onmessage: ((event: MessageEvent<StartMessage | { type: "shutdown" }>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
let server: RunningServer | undefined;

function stackOf(error: unknown): string {
  let text = "";
  for (let e = error; e instanceof Error; e = e.cause) {
    text += (text ? "\nCaused by: " : "") + (e.stack ?? `${e.name}: ${e.message}`);
  }
  return text || String(error);
}

function executorWorkersOf(app: unknown): number {
  const workers = (app as { executor?: { stats?: { workers?: unknown } } }).executor?.stats
    ?.workers;
  return typeof workers === "number" ? workers : 0;
}

async function start(message: StartMessage): Promise<void> {
  try {
    const { app } = await loadApp(message.file);
    server = serve(app, {
      hostname: message.hostname,
      port: message.port,
      reusePort: true,
      accessLog: message.accessLog,
      gracePeriodMs: message.gracePeriodMs,
    });
    scope.postMessage({
      type: "listening",
      hostname: server.addr.hostname,
      port: server.addr.port,
      executorWorkers: executorWorkersOf(app),
    });
  } catch (error) {
    scope.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
      stack: stackOf(error),
    });
  }
}

async function stop(): Promise<void> {
  try {
    await server?.shutdown();
  } catch (error) {
    // The port is already closed; report the failed app.close() and still let the CLI exit.
    console.error(`error: app.close() failed: ${error instanceof Error ? error.message : error}`);
  } finally {
    scope.postMessage({ type: "stopped" });
  }
}

scope.onmessage = function onServerMessage(event) {
  if (event.data.type === "start") start(event.data);
  else if (event.data.type === "shutdown") stop();
};
