// The main-isolate side of blocking views: CoroutineOrExecutorMapper and ExecutorMapper send
// plain-function views here; each call ships a request snapshot to an executor worker, where
// `_blocking_worker.ts` rebuilds the request, calls the view and sends the outcome back.
import { Executor } from "../executor/pool.ts";
import { type CallableRef, locateCallable } from "../executor/registry.ts";
import { getCurrentExecutor, setCurrentExecutor } from "../executor/spawn.ts";
import { registerService } from "../executor/channel.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { Registry, ViewRegistration } from "../config/registry.ts";
import { asInt } from "../config/settings.ts";
import {
  HTTPException,
  type HTTPExceptionOptions,
  HTTPServiceUnavailable,
} from "../httpexceptions.ts";
import { logError } from "../router/_log.ts";
import { RefusalLog } from "./_refusals.ts";
import { type MappedView, setBlockingViewMapper, type ViewMapperOptions } from "./mapper.ts";
import { setBlockingWebsocketRunner } from "../websocket/mapper.ts";
import type { WebsocketConnection } from "../websocket/connection.ts";
import { DEFAULT_ROOT } from "../router/_default_root.ts";
import type { App } from "../router/app.ts";
import type { AppSnapshot, BlockingResult, RequestSnapshot } from "./_snapshot.ts";

const WORKER_SIDE = new URL("./_blocking_worker.ts", import.meta.url).href;
const VIEW_VIA: CallableRef = { moduleUrl: WORKER_SIDE, exportName: "callBlockingView" };
const WEBSOCKET_VIA: CallableRef = { moduleUrl: WORKER_SIDE, exportName: "runBlockingWebsocket" };

// Websocket services for blocking websocket views: the worker's `ws.recv()`/`ws.send()` wait
// on the synchronize channel while the main isolate talks to the real socket.
interface WebsocketCallContext {
  ws: WebsocketConnection;
}
function wsOf(context: unknown): WebsocketConnection {
  return (context as WebsocketCallContext).ws;
}
registerService("aio.websocket.recv", (_args, call) => wsOf(call.context).recv());
registerService("aio.websocket.send", (args, call) => wsOf(call.context).send(args[0] as string));
registerService("aio.websocket.close", (args, call) => {
  wsOf(call.context).close(args[0] as number | undefined, args[1] as string | undefined);
});

// What a worker asks for the first time it runs a view of an app, instead of every request
// carrying the settings and route table.
const appSnapshots = new Map<string, () => AppSnapshot>();
registerService("aio.app", (args) => {
  const describe = appSnapshots.get(args[0] as string);
  if (!describe) throw new Error(`The app ${args[0]} is closed; its views no longer run.`);
  return describe();
});

const STATIC_IMPORT = /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm;

// The local modules a module imports statically: a view imported from "./views.ts" and
// passed to addView() is found among that module's exports.
async function importsOf(moduleUrl: string): Promise<string[]> {
  if (!moduleUrl.startsWith("file:")) return [];
  let source: string;
  try {
    source = await Deno.readTextFile(new URL(moduleUrl));
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const [, specifier] of source.matchAll(STATIC_IMPORT)) {
    if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:")) {
      found.push(new URL(specifier, moduleUrl).href);
    }
  }
  return found;
}

async function locate(registration: ViewRegistration, registry: Registry): Promise<CallableRef> {
  if (registration.ref) return registration.ref;
  const modules = [registration.baseUrl, ...registry.knownModules];
  return await locateCallable(registration.view as (...args: unknown[]) => unknown, {
    modules: [...modules, ...(await importsOf(registration.baseUrl))],
    base: registration.baseUrl,
  });
}

const warnedUncloneable = new WeakSet<object>();

function cloneContext(context: unknown, label: string): unknown {
  if (context === DEFAULT_ROOT || context === undefined || context === null) return undefined;
  try {
    return structuredClone(context);
  } catch (error) {
    // Resources with methods cannot cross to a worker: say so once per context class.
    const key = (Object.getPrototypeOf(context) ?? context) as object;
    if (!warnedUncloneable.has(key)) {
      warnedUncloneable.add(key);
      console.warn(
        `[aio.pyramid] The context of the blocking view ${label} cannot be structured-cloned ` +
          `(${(error as Error).message}); the view receives undefined as its context. ` +
          "Give the resource plain data only, or make the view async.",
      );
    }
    return undefined;
  }
}

function snapshot(
  request: PyramidRequest,
  context: unknown,
  appId: string,
  label: string,
): RequestSnapshot {
  return {
    appId,
    method: request.method,
    url: request.url,
    headers: [...request.headers],
    body: request.body,
    matchdict: { ...request.matchdict },
    routeName: request.matchedRoute?.name,
    viewName: request.viewName,
    subpath: request.subpath,
    traversed: request.traversed,
    virtualRootPath: request.virtualRootPath,
    context: cloneContext(context, label),
  };
}

function decode(result: BlockingResult, request: PyramidRequest): unknown {
  if (result.kind === "response") {
    return new Response(result.body.byteLength ? result.body : null, {
      status: result.status,
      headers: result.headers,
    });
  }
  if (result.draft) {
    const draft = request.response;
    draft.status = result.draft.status;
    for (const [name, value] of result.draft.headers) {
      if (name === "set-cookie") draft.headers.append(name, value);
      else draft.headers.set(name, value);
    }
  }
  return result.value;
}

/**
 * A 5xx HTTP exception from the executor is logged — a full queue (503) or a timeout (504)
 * as one rate-limited line (overload is expected), a dead worker with its stack — and outside
 * `aio.debug` its detail, which names module paths, stays out of the body.
 */
function serverSideFailure(
  error: unknown,
  { request, registry, refusals, pool, label }: {
    request: PyramidRequest;
    registry: Registry;
    refusals: RefusalLog;
    pool: Executor;
    label: string;
  },
): unknown {
  if (!(error instanceof HTTPException) || error.status < 500) return error;
  const what = `${request.method} ${request.pathname}`;
  if (error.status === 503) {
    const { workers, queued } = pool.stats;
    const detail = `${workers} worker${workers === 1 ? "" : "s"}, ${queued} waiting`;
    if (pool.closed) {
      refusals.record("closed", {
        line: `503 ${what} (view ${label}): the executor is shutting down`,
        detail,
      });
    } else {
      refusals.record("queue full", {
        line: `503 ${what} (view ${label}): executor queue full (${detail})`,
        detail,
      });
    }
  } else if (error.status === 504) {
    const limit = `over ${registry.executor.timeoutMs} ms, aio.executor.timeout_ms`;
    // The executor's detail names the view: "…#loops ran longer than 300 ms in the executor…".
    refusals.record("timeout", {
      line: `504 ${what}: ${error.detail ?? `the blocking view ran ${limit}`}`,
      detail: limit,
    });
  } else logError("The executor could not complete a blocking view", error, request);
  if (registry.aio.debug) return error;
  const Class = error.constructor as new (options: HTTPExceptionOptions) => HTTPException;
  return new Class({ headers: error.headers });
}

/** Wires the executor into an app being built: blocking views and websocket views use it. */
export function installExecutor(app: App): void {
  const registry = app.registry;
  const appId = crypto.randomUUID();
  let executor: Executor | undefined;
  const refusals = new RefusalLog();
  app.onClose(() => refusals.close());

  function ensureExecutor(): Executor {
    if (executor) return executor;
    const { maxWorkers, timeoutMs, maxQueue } = registry.executor;
    const started = new Executor({ maxWorkers, timeoutMs, maxQueue });
    executor = started;
    const previous = setCurrentExecutor(started);
    app.executor = started;
    app.onReady(() => started.ready());
    app.onClose(async function closeExecutor() {
      if (getCurrentExecutor() === started) setCurrentExecutor(previous);
      await started.close();
    });
    return started;
  }

  let described: AppSnapshot | undefined;
  appSnapshots.set(appId, () =>
    described ??= {
      settings: { ...registry.settings },
      routes: [...registry.routesByName.values()].map((r) => [r.name, r.compiled.pattern]),
    });
  app.onClose(function forgetApp() {
    appSnapshots.delete(appId);
  });

  setBlockingViewMapper(registry, async (view, options: ViewMapperOptions) => {
    const { registration } = options;
    const target = await locate({ ...registration, view }, registry);
    const pool = ensureExecutor();
    const name = registration.label;
    const args = { attr: registration.attr };
    return async function callBlockingView(context, request) {
      let result: unknown;
      try {
        result = await pool.run(
          {
            target,
            args: [snapshot(request, context, appId, name), args],
            via: VIEW_VIA,
            name,
          },
          { context: request },
        );
      } catch (error) {
        throw serverSideFailure(error, { request, registry, refusals, pool, label: name });
      }
      return decode(result as BlockingResult, request);
    } satisfies MappedView;
  });

  const settings = registry.settings;
  const maxBlocking = "aio.websocket.max_blocking" in settings
    ? asInt(settings["aio.websocket.max_blocking"], "aio.websocket.max_blocking")
    : Math.max(1, registry.executor.maxWorkers - 1);
  const lifetimeMs = "aio.websocket.blocking_timeout_ms" in settings
    ? asInt(settings["aio.websocket.blocking_timeout_ms"], "aio.websocket.blocking_timeout_ms")
    : 24 * 60 * 60 * 1000;
  let activeBlocking = 0;

  setBlockingWebsocketRunner(registry, async (view, options) => {
    const { registration } = options;
    const target = await locate({ ...registration, view }, registry);
    const pool = ensureExecutor();
    const name = registration.label;
    return function prepareBlockingWebsocket() {
      // Each blocking websocket view holds a worker for its lifetime: refuse the upgrade
      // beyond the bound, so HTTP views keep a worker.
      if (activeBlocking >= maxBlocking) {
        throw new HTTPServiceUnavailable({
          detail: `All ${maxBlocking} blocking websocket slots are busy ` +
            "(aio.websocket.max_blocking); try again later.",
          headers: { "retry-after": "1" },
        });
      }
      activeBlocking++;
      let released = false;
      const release = () => {
        if (!released) activeBlocking--;
        released = true;
      };
      return {
        abandon: release,
        start: async function runBlockingWebsocket(ws) {
          try {
            await pool.run(
              { target, via: WEBSOCKET_VIA, name },
              { context: { ws } satisfies WebsocketCallContext, timeoutMs: lifetimeMs },
            );
          } finally {
            release();
          }
        },
      };
    };
  });
}
