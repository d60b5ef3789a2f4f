/**
 * The blocking-views app extension: plain-function views (and plain-function websocket
 * views) run in the app's executor. Each call ships a snapshot of the request to a worker,
 * where `_worker_side.ts` rebuilds a request with the same members as the main one (request
 * methods imported there, or run here through the synchronize channel), calls the view and
 * sends back a value for the renderer or a whole response. The executor knows nothing of
 * HTTP; this extension turns its refusals into 503 and 504.
 *
 * @module
 */

import { Executor } from "../executor/pool.ts";
import {
  type CallableRef,
  loadCallable,
  locateCallable,
  siteModuleUrl,
  staticImportsOf,
} from "../executor/registry.ts";
import { EXECUTOR } from "../executor/spawn.ts";
import { registerService, type ServiceHandler } from "../executor/channel.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { Registry, ViewRegistration } from "../config/registry.ts";
import {
  HTTPGatewayTimeout,
  HTTPInternalServerError,
  HTTPServiceUnavailable,
} from "../httpexceptions.ts";
import { ExecutorError, ExecutorOverloaded, ExecutorTimeout } from "../executor/errors.ts";
import { logError } from "../log.ts";
import { RefusalLog } from "./_refusals.ts";
import { BLOCKING_VIEWS, type MappedView, type ViewMapperOptions } from "../views/mapper.ts";
import { BLOCKING_WEBSOCKETS } from "../websocket/mapper.ts";
import type { WebsocketConnection } from "../websocket/connection.ts";
import type { AppExtension, ExtensionHost } from "../extension.ts";
import { DEFAULT_ROOT } from "../traversal/default_root.ts";
import type {
  AppSnapshot,
  BlockingResult,
  RequestMethodSnapshot,
  RequestSnapshot,
} from "./_snapshot.ts";

const WORKER_SIDE = new URL("./_worker_side.ts", import.meta.url).href;
const VIEW_VIA: CallableRef = { moduleUrl: WORKER_SIDE, exportName: "callBlockingView" };
const WEBSOCKET_VIA: CallableRef = { moduleUrl: WORKER_SIDE, exportName: "runBlockingWebsocket" };

// What a service handler gets as `call.context` for a blocking call.
interface BlockingCallContext {
  request?: PyramidRequest;
  ws?: WebsocketConnection;
}
function contextOf(call: { context: unknown }): BlockingCallContext {
  return (call.context ?? {}) as BlockingCallContext;
}
function requestOf(call: { context: unknown }, service: string): PyramidRequest {
  const request = contextOf(call).request;
  if (!request) throw new Error(`${service} is available only while a blocking view runs.`);
  return request;
}

// Services are looked up by name in the isolate; the handlers are the same functions for
// every app (they find the app through the call's context), so registering twice is a no-op.
const SERVICES: Record<string, ServiceHandler> = {
  "aio.websocket.recv": (_args, call) => contextOf(call).ws!.recv(),
  "aio.websocket.send": (args, call) => contextOf(call).ws!.send(args[0] as string),
  "aio.websocket.close": (args, call) => {
    contextOf(call).ws!.close(args[0] as number | undefined, args[1] as string | undefined);
  },
  "aio.app": (args) => {
    const describe = appSnapshots.get(args[0] as string);
    if (!describe) throw new Error(`The app ${args[0]} is closed; its views no longer run.`);
    return describe();
  },
  // A request member that runs on the main isolate, for a blocking view's request.
  "aio.request.member": (args, call) => {
    const [name, kind, callArgs] = args as [string, "property" | "method", unknown[]];
    const request = requestOf(call, "aio.request.member") as unknown as Record<string, unknown>;
    if (kind === "property") return request[name];
    return (request[name] as (...a: unknown[]) => unknown)(...callArgs);
  },
  // A response or finished callback a blocking view added, named by reference.
  "aio.request.callback": async (args, call) => {
    const [kind, ref] = args as ["response" | "finished", CallableRef];
    const request = requestOf(call, "aio.request.callback");
    const fn = await loadCallable(ref);
    if (kind === "response") request.addResponseCallback(fn);
    else request.addFinishedCallback(fn);
  },
};

const appSnapshots = new Map<string, () => AppSnapshot>();

async function locate(registration: ViewRegistration, registry: Registry): Promise<CallableRef> {
  if (registration.ref) return registration.ref;
  const modules = [registration.baseUrl, ...registry.knownModules];
  return await locateCallable(registration.view as (...args: unknown[]) => unknown, {
    modules: [...modules, ...(await staticImportsOf(registration.baseUrl))],
    base: registration.baseUrl,
  });
}

// Request methods a worker can import run there; the others run here, on the main request.
async function describeRequestMethods(registry: Registry): Promise<RequestMethodSnapshot[]> {
  const modules = [...registry.knownModules];
  const extra = (await Promise.all(modules.map(staticImportsOf))).flat();
  const found: RequestMethodSnapshot[] = [];
  for (const { name, fn, reify, property } of registry.requestMethods) {
    let ref: CallableRef | undefined;
    try {
      ref = await locateCallable(fn as (...args: unknown[]) => unknown, {
        modules: [...modules, ...extra],
      });
    } catch {
      ref = undefined;
    }
    found.push({ name, reify, property, ref });
  }
  return found;
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
    scriptName: request.scriptName,
    headers: [...request.headers],
    body: request.body,
    matchdict: { ...request.matchdict },
    routeName: request.matchedRoute?.name,
    viewName: request.viewName,
    subpath: request.subpath,
    traversed: request.traversed,
    virtualRootPath: request.virtualRootPath,
    context: cloneContext(context, label),
    validated: request.validated,
  };
}

function applyDraft(
  draft: { status: number; headers: [string, string][] } | undefined,
  request: PyramidRequest,
): void {
  if (!draft) return;
  const target = request.response;
  target.status = draft.status;
  for (const [name, value] of draft.headers) {
    if (name === "set-cookie") target.headers.append(name, value);
    else target.headers.set(name, value);
  }
}

function decode(result: BlockingResult, request: PyramidRequest): unknown {
  applyDraft(result.draft, request);
  if (result.kind === "response") {
    return new Response(result.body.byteLength ? result.body : null, {
      status: result.status,
      headers: result.headers,
    });
  }
  return result.value;
}

// Each app's rate-limited log of executor refusals (see ./_refusals.ts) and its executor.
const refusalLogs = new WeakMap<
  Registry,
  { refusals: RefusalLog; executor: () => Executor | undefined }
>();

// A full queue (503) or a timeout (504) is expected under load: one line without a stack,
// rate-limited to a summary a second under a flood. A dead worker is a real error: stack.
function logFailure(error: ExecutorError, request: PyramidRequest, registry: Registry): void {
  const log = refusalLogs.get(registry);
  const refusals = log?.refusals;
  const executor = log?.executor();
  const what = `${request.method} ${request.pathname}`;
  if (refusals && error instanceof ExecutorOverloaded) {
    if (executor === undefined || executor.closed) {
      refusals.record("closed", { line: `503 ${what}: ${error.message}`, detail: "" });
      return;
    }
    const { workers, queued } = executor.stats;
    const detail = `${workers} worker${workers === 1 ? "" : "s"}, ${queued} waiting`;
    refusals.record("queue full", { line: `503 ${what}: ${error.message}`, detail });
  } else if (refusals && error instanceof ExecutorTimeout) {
    const detail = `over ${registry.executor.timeoutMs} ms, aio.executor.timeout_ms`;
    refusals.record("timeout", { line: `504 ${what}: ${error.message}`, detail });
  } else logError("The executor could not complete a blocking call", error, request);
}

/**
 * The executor's errors as HTTP: a full queue or a closed executor is a 503 with
 * `Retry-After`, a timeout a 504, a dead worker a 500. They are logged (see `logFailure`);
 * outside `aio.debug` their detail — which names module paths — stays out of the body.
 */
function asHttpFailure(error: unknown, request: PyramidRequest, registry: Registry): unknown {
  if (!(error instanceof ExecutorError)) return error;
  logFailure(error, request, registry);
  const detail = registry.aio.debug ? error.message : undefined;
  if (error instanceof ExecutorOverloaded) {
    return new HTTPServiceUnavailable({
      detail,
      headers: { "retry-after": String(error.retryAfterSeconds) },
      cause: error,
    });
  }
  if (error instanceof ExecutorTimeout) return new HTTPGatewayTimeout({ detail, cause: error });
  return new HTTPInternalServerError({ detail, cause: error });
}

async function install(host: ExtensionHost): Promise<void> {
  const registry = host.registry;
  for (const [name, handler] of Object.entries(SERVICES)) registerService(name, handler);
  const appId = crypto.randomUUID();
  let executor: Executor | undefined;

  // Started when the first blocking view is mapped (or spawnBlocking() runs in a request).
  function ensureExecutor(): Executor {
    if (executor && !executor.closed) return executor;
    const { maxWorkers, timeoutMs, maxQueue } = registry.executor;
    const started = new Executor({ maxWorkers, timeoutMs, maxQueue });
    executor = started;
    host.expose(started);
    return started;
  }
  registry.registerUtility(EXECUTOR, ensureExecutor);
  // Async views calling spawnBlocking() or a useExecutor() function get the same mapping.
  if (!registry.errorTranslators.some((t) => t.name === "executorErrors")) {
    registry.errorTranslators.push(function executorErrors(error, request) {
      return asHttpFailure(error, request, registry);
    });
  }
  host.onReady(async () => {
    await executor?.ready();
  });
  const refusals = new RefusalLog();
  refusalLogs.set(registry, { refusals, executor: () => executor });
  // Registered now, so it runs after the extensions installed later (websockets) closed.
  host.onClose(async function closeExecutor() {
    appSnapshots.delete(appId);
    await executor?.close();
    refusals.close();
  });

  const requestMethods = await describeRequestMethods(registry);
  let described: AppSnapshot | undefined;
  appSnapshots.set(appId, () =>
    described ??= {
      settings: { ...registry.settings },
      routes: [...registry.routesByName.values()].map((r) => [r.name, r.compiled.pattern]),
      staticViews: registry.staticViews.map((v) => ({ ...v })),
      requestMethods,
    });

  registry.registerUtility(BLOCKING_VIEWS, async (view, options: ViewMapperOptions) => {
    const { registration } = options;
    const target = await locate({ ...registration, view }, registry);
    const pool = ensureExecutor();
    const name = registration.label;
    // Modules whose exports may be response or finished callbacks the view adds.
    const viewModule = "moduleUrl" in target ? target.moduleUrl : siteModuleUrl(target.site);
    const args = {
      attr: registration.attr,
      modules: [...new Set([viewModule, registration.baseUrl, ...registry.knownModules])],
    };
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
          { context: { request } satisfies BlockingCallContext },
        );
      } catch (error) {
        throw asHttpFailure(error, request, registry);
      }
      return decode(result as BlockingResult, request);
    } satisfies MappedView;
  });

  const { websocket } = registry.aio;
  // An explicit setting wins; otherwise follow the executor as sized (setExecutor may resize it).
  const maxBlocking = registry.settings["aio.websocket.max_blocking"] !== undefined
    ? websocket.maxBlocking
    : Math.max(1, registry.executor.maxWorkers - 1);
  const lifetimeMs = websocket.blockingTimeoutMs;
  let activeBlocking = 0;

  registry.registerUtility(BLOCKING_WEBSOCKETS, async (view, options) => {
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
              { context: { ws } satisfies BlockingCallContext, timeoutMs: lifetimeMs },
            );
          } finally {
            release();
          }
        },
      };
    };
  });
}

/**
 * The executor app extension: blocking views and blocking websocket views run in a pool of
 * workers sized by `aio.executor.*` (or `config.setExecutor()`), started with the first
 * blocking view; `spawnBlocking()` in the app's requests uses the same pool.
 *
 * @example Adding it to a bare configurator
 * ```ts
 * import { CoreConfigurator, executorExtension } from "@aio/pyramid";
 * const config = new CoreConfigurator();
 * config.addExtension(executorExtension);
 * ```
 */
export const executorExtension: AppExtension = { name: "executor", install };
