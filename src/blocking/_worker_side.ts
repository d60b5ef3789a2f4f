// The worker side of blocking views: rebuild the request from its snapshot — with the same
// members as the main isolate's request — call the view, and send back a value for the
// renderer or a whole response.
import { Registry } from "../config/registry.ts";
import { readSettings } from "../config/settings.ts";
import { compileRoute } from "../routing/pattern.ts";
import { ConfigurationError } from "../errors.ts";
import { HTTPException } from "../httpexceptions.ts";
import { PyramidRequest } from "../request/request.ts";
import { requestClassWith, type RequestMember } from "../request/request_class.ts";
import { callService } from "../executor/channel.ts";
import { type CallableRef, loadCallable } from "../executor/registry.ts";
import type { BlockingWebsocket, WebsocketMessage } from "../websocket/connection.ts";
import { callView } from "../views/call_view.ts";
import type {
  AppSnapshot,
  BlockingResult,
  RequestMethodSnapshot,
  RequestSnapshot,
} from "./_snapshot.ts";

interface WorkerApp {
  registry: Registry;
  RequestClass: typeof PyramidRequest;
}

const apps = new Map<string, Promise<WorkerApp>>();

function forwarded(name: string, kind: "property" | "method"): RequestMember["fn"] {
  return kind === "property"
    ? () => callService("aio.request.member", name, "property", [])
    : (_request: PyramidRequest, ...args: unknown[]) =>
      callService("aio.request.member", name, "method", args);
}

async function memberFor(method: RequestMethodSnapshot): Promise<RequestMember> {
  const kind = method.reify || method.property ? "property" : "method";
  let fn = forwarded(method.name, kind);
  if (method.ref) {
    try {
      fn = await loadCallable(method.ref) as RequestMember["fn"];
    } catch {
      // Not importable here after all: it runs on the main isolate.
    }
  }
  return { name: method.name, fn, reify: method.reify, property: method.property };
}

// A blocking view's request: the callbacks it adds run on the main isolate, so they must be
// functions a module exports (the main isolate imports them by reference).
class WorkerRequest extends PyramidRequest {
  override addResponseCallback(callback: (r: PyramidRequest, res: Response) => unknown): void {
    shipCallback("response", callback);
  }
  override addFinishedCallback(callback: (r: PyramidRequest) => unknown): void {
    shipCallback("finished", callback);
  }
}

function shipCallback(kind: "response" | "finished", callback: unknown): void {
  const ref = locateSync(callback);
  callService("aio.request.callback", kind, ref);
}

const locatedCallbacks = new WeakMap<object, CallableRef>();

function locateSync(callback: unknown): CallableRef {
  const known = locatedCallbacks.get(callback as object);
  if (known) return known;
  throw new ConfigurationError(
    `A blocking view added the ${
      (callback as { name?: string }).name || "anonymous"
    } callback, which runs on the main isolate after the view, so it must be a function ` +
      "exported by the view's module (or any module the app scanned). Export it, or add " +
      "the callback from an async view, a tween or a request method instead.",
  );
}

const indexed = new Set<string>();

// Callbacks are located ahead of the call (locating imports modules, which is async).
async function indexExports(modules: string[]): Promise<void> {
  for (const moduleUrl of modules) {
    if (indexed.has(moduleUrl)) continue;
    indexed.add(moduleUrl);
    try {
      const namespace = await import(moduleUrl);
      for (const [exportName, value] of Object.entries(namespace)) {
        if (typeof value === "function" && !locatedCallbacks.has(value)) {
          locatedCallbacks.set(value, { moduleUrl, exportName });
        }
      }
    } catch {
      // A module the worker cannot import names nothing here.
    }
  }
}

async function appFor(appId: string): Promise<WorkerApp> {
  let app = apps.get(appId);
  if (app) return await app;
  app = (async () => {
    const snapshot = callService("aio.app", appId) as AppSnapshot;
    const { settings, aio } = readSettings(snapshot.settings, { warn: false });
    const registry = new Registry(settings, aio);
    for (const [name, pattern] of snapshot.routes) {
      registry.routesByName.set(name, {
        name,
        compiled: compileRoute(pattern),
        factory: undefined,
        predicates: [],
        static: false,
        site: undefined,
      });
    }
    registry.staticViews = snapshot.staticViews;
    const members = await Promise.all(snapshot.requestMethods.map(memberFor));
    const RequestClass = requestClassWith(members, WorkerRequest);
    return { registry, RequestClass };
  })();
  apps.set(appId, app);
  return await app;
}

function requestFrom(app: WorkerApp, snapshot: RequestSnapshot): PyramidRequest {
  const registry = app.registry;
  const raw = new Request(snapshot.url, { method: snapshot.method, headers: snapshot.headers });
  const request = new app.RequestClass(raw, registry);
  request.scriptName = snapshot.scriptName;
  request.setBody(snapshot.body);
  request.matchdict = snapshot.matchdict;
  request.matchedRoute = snapshot.routeName === undefined
    ? undefined
    : registry.routesByName.get(snapshot.routeName);
  request.viewName = snapshot.viewName;
  request.subpath = snapshot.subpath;
  request.traversed = snapshot.traversed;
  request.virtualRootPath = snapshot.virtualRootPath;
  request.validated = snapshot.validated;
  request.context = snapshot.context;
  return request;
}

function draftOf(request: PyramidRequest) {
  return request.hasResponseDraft
    ? { status: request.response.status, headers: [...request.response.headers] }
    : undefined;
}

async function encodeResponse(
  response: Response,
  request: PyramidRequest,
): Promise<BlockingResult> {
  return {
    kind: "response",
    status: response.status,
    headers: [...response.headers],
    body: new Uint8Array(await response.arrayBuffer()),
    draft: draftOf(request),
  };
}

/** Runs a blocking view in this worker (the executor's `via` for views). */
export async function callBlockingView(
  view: unknown,
  snapshot: RequestSnapshot,
  options: { attr?: string; modules?: string[] },
): Promise<BlockingResult> {
  const app = await appFor(snapshot.appId);
  if (options.modules) await indexExports(options.modules);
  const request = requestFrom(app, snapshot);
  const value = await callView(view, options.attr, snapshot.context, request);
  if (value instanceof Response) return await encodeResponse(value, request);
  if (value instanceof HTTPException) {
    return await encodeResponse(
      value.toResponse({ accept: request.headers.get("accept") }),
      request,
    );
  }
  return { kind: "value", value, draft: draftOf(request) };
}

/** A websocket whose `recv()` and `send()` block this worker while the main isolate does the I/O. */
class WorkerWebsocket implements BlockingWebsocket {
  #closed = false;
  /** The next message, or `null` once the peer has closed. */
  recv(): WebsocketMessage | null {
    if (this.#closed) return null;
    const message = callService("aio.websocket.recv") as WebsocketMessage | null;
    if (message === null) this.#closed = true;
    return message;
  }
  /** Sends a message; throws `WebsocketClosed` once the connection has closed. */
  send(data: WebsocketMessage): void {
    callService("aio.websocket.send", data);
  }
  /** Closes the connection. */
  close(code = 1000, reason = ""): void {
    this.#closed = true;
    callService("aio.websocket.close", code, reason);
  }
  /** Whether this side has seen the end of the connection. */
  get closed(): boolean {
    return this.#closed;
  }
}

/** Runs a blocking websocket view in this worker (the executor's `via` for websocket views). */
export function runBlockingWebsocket(view: unknown): void {
  (view as (ws: BlockingWebsocket) => unknown)(new WorkerWebsocket());
}
