// One server process under `server_model = processes`, started by ./_supervisor.ts as
// `deno run -A --unstable-net _process.ts FILE PORT ID` with the supervisor's socket in
// AIO_SUPERVISOR_SOCKET. It builds the app from the ini file itself (so a reload imports
// fresh code), binds the shared port with reusePort, and reports to the supervisor:
// listening, a start-up error, or "replace me" (a runaway executor worker it could not stop,
// or max_requests served). On "drain", SIGTERM or SIGINT it stops accepting, finishes its
// in-flight requests (grace_period_ms), closes the app and exits 0.
import { loadApp } from "../settings/load.ts";
import { ProcessBridge } from "../broadcast/process_bridge.ts";
import { IpcChannel, type ProcessReport, type SupervisorOrder } from "./_ipc.ts";
import { explainBindError } from "./_port.ts";
import { watchSignals } from "./_signals.ts";
import { type RunningServer, serve } from "./serve.ts";
import type { ServableApp } from "../settings/load.ts";

const RUNAWAY_CHECK_MS = 200;
// Handing the port over (reload, replacement): for this long before it stops accepting, the
// process answers with "Connection: close", so busy keep-alive clients reconnect (to the
// new processes) after a complete response instead of racing Deno's close of idle
// connections.
const HANDOFF_MS = 500;

function withConnectionClose(response: Response): Response {
  if (response.status === 101) return response;
  try {
    response.headers.set("connection", "close");
    return response;
  } catch {
    // Immutable headers (a fetched or Response.redirect() response): copy them.
    const copy = new Response(response.body, response);
    copy.headers.set("connection", "close");
    return copy;
  }
}

function stackOf(error: unknown): string {
  let text = "";
  for (let e = error; e instanceof Error; e = e.cause) {
    text += (text ? "\nCaused by: " : "") + (e.stack ?? `${e.name}: ${e.message}`);
  }
  return text || String(error);
}

// Works for the framework's App (its `executor`) and for any app without one.
function executorOf(app: ServableApp): { abandoned: number; stats: { workers: number } } | null {
  const executor = (app as { executor?: unknown }).executor as
    | { abandoned?: unknown; stats?: { workers?: unknown } }
    | undefined;
  return executor && typeof executor.abandoned === "number" ? executor as never : null;
}

async function main(): Promise<number> {
  const [file, portText, idText] = Deno.args;
  const socket = Deno.env.get("AIO_SUPERVISOR_SOCKET");
  if (!file || !socket) {
    console.error("error: _process.ts is started by `deno task serve`, not by hand.");
    return 2;
  }
  const ipc = new IpcChannel<SupervisorOrder, ProcessReport>(
    await Deno.connect({ transport: "unix", path: socket }),
  );
  ipc.send({ type: "hello", id: Number(idText) });

  let server: RunningServer | undefined;
  let bridge: ProcessBridge | undefined;
  let draining: Promise<number> | undefined;
  let handingOff = false;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const drain = (handoff = false): Promise<number> =>
    draining ??= (async () => {
      let code = 0;
      if (handoff && server) {
        handingOff = true;
        await new Promise((resolve) => setTimeout(resolve, HANDOFF_MS));
      }
      try {
        await server?.shutdown();
      } catch (error) {
        console.error(`error: app.close() failed: ${(error as Error)?.message ?? error}`);
        code = 1;
      }
      bridge?.close();
      await ipc.close();
      finish(code);
      return code;
    })();
  const signals = watchSignals({ stop: () => drain(), force: () => Deno.exit(1) });

  // The supervisor's orders; when its socket closes (it was killed), drain and exit.
  const orders = (async () => {
    for await (const order of ipc.messages()) {
      if (order.type === "drain") drain(order.handoff);
      else if (order.type === "publish") bridge?.deliver(order.namespace, order.batch);
    }
    drain();
  })();

  let runawayTimer: ReturnType<typeof setInterval> | undefined;
  try {
    const { app, config } = await loadApp(file);
    if (draining) {
      // Told to stop while the app was starting: never listen.
      await app.close();
      signals.dispose();
      return await draining;
    }
    const settings = config.server;
    const limit = settings.maxRequests > 0
      ? settings.maxRequests + Math.floor(Math.random() * (settings.maxRequestsJitter + 1))
      : Infinity;
    let served = 0;
    let recycling = false;
    const recycle = (reason: string) => {
      if (recycling) return;
      recycling = true;
      ipc.send({ type: "recycle", reason });
    };
    const counted: ServableApp = {
      fetch(request, info) {
        if (++served === limit) recycle(`it served ${served} requests (max_requests)`);
        const response = app.fetch(request, info);
        if (!handingOff) return response;
        return Promise.resolve(response).then(withConnectionClose);
      },
      close: () => app.close(),
    };
    const namespaces = ["default", ...(settings.options["broker_namespaces"] ?? "").split(/[\s,]+/)]
      .filter(Boolean);
    bridge = new ProcessBridge(namespaces, (namespace, batch) => {
      ipc.send({ type: "publish", namespace, batch });
    });
    try {
      server = serve(counted, {
        hostname: settings.host,
        port: Number(portText),
        reusePort: true,
        accessLog: settings.accessLog,
        gracePeriodMs: settings.gracePeriodMs,
      });
    } catch (error) {
      await app.close();
      throw explainBindError(config, error);
    }
    const executor = executorOf(app);
    if (executor) {
      const abandonedAtStart = executor.abandoned;
      runawayTimer = setInterval(() => {
        if (executor.abandoned > abandonedAtStart) {
          clearInterval(runawayTimer);
          recycle(
            "its executor abandoned a worker that outlived its timeout (a thread that may " +
              "still be spinning; only a new process frees its core)",
          );
        }
      }, RUNAWAY_CHECK_MS);
      Deno.unrefTimer(runawayTimer);
    }
    ipc.send({
      type: "listening",
      hostname: server.addr.hostname,
      port: server.addr.port,
      executorWorkers: executor?.stats.workers ?? 0,
    });
  } catch (error) {
    ipc.send({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
      stack: stackOf(error),
    });
    await ipc.close();
    signals.dispose();
    return 1;
  }
  const code = await finished;
  clearInterval(runawayTimer);
  signals.dispose();
  await orders;
  return code;
}

if (import.meta.main) Deno.exit(await main());
