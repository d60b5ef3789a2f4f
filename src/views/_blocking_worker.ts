// The worker side of blocking views: rebuild the request from its snapshot, call the view,
// and send back a value for the renderer or a whole response.
import { Registry } from "../config/registry.ts";
import { readSettings } from "../config/settings.ts";
import { compileRoute } from "../routing/pattern.ts";
import { HTTPException } from "../httpexceptions.ts";
import { PyramidRequest } from "../request/request.ts";
import { callService } from "../executor/channel.ts";
import type { BlockingWebsocket, WebsocketMessage } from "../websocket/connection.ts";
import { callView } from "./_call.ts";
import type { AppSnapshot, BlockingResult, RequestSnapshot } from "./_snapshot.ts";

const registries = new Map<string, Registry>();

function registryFor(appId: string): Registry {
  let registry = registries.get(appId);
  if (registry) return registry;
  const app = callService("aio.app", appId) as AppSnapshot;
  const { settings, aio } = readSettings(app.settings);
  registry = new Registry(settings, aio);
  for (const [name, pattern] of app.routes) {
    registry.routesByName.set(name, {
      name,
      compiled: compileRoute(pattern),
      factory: undefined,
      predicates: [],
      static: false,
      site: undefined,
    });
  }
  registries.set(appId, registry);
  return registry;
}

function requestFrom(snapshot: RequestSnapshot): PyramidRequest {
  const registry = registryFor(snapshot.appId);
  const raw = new Request(snapshot.url, { method: snapshot.method, headers: snapshot.headers });
  const request = new PyramidRequest(raw, registry);
  request.setBody(snapshot.body);
  request.matchdict = snapshot.matchdict;
  request.matchedRoute = snapshot.routeName === undefined
    ? undefined
    : registry.routesByName.get(snapshot.routeName);
  request.viewName = snapshot.viewName;
  request.subpath = snapshot.subpath;
  request.traversed = snapshot.traversed;
  request.virtualRootPath = snapshot.virtualRootPath;
  request.context = snapshot.context;
  return request;
}

async function encodeResponse(response: Response): Promise<BlockingResult> {
  return {
    kind: "response",
    status: response.status,
    headers: [...response.headers],
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

/** Runs a blocking view in this worker (the executor's `via` for views). */
export async function callBlockingView(
  view: unknown,
  snapshot: RequestSnapshot,
  options: { attr?: string },
): Promise<BlockingResult> {
  const request = requestFrom(snapshot);
  const value = await callView(view, options.attr, snapshot.context, request);
  if (value instanceof Response) return await encodeResponse(value);
  if (value instanceof HTTPException) {
    return await encodeResponse(value.toResponse({ accept: request.headers.get("accept") }));
  }
  return {
    kind: "value",
    value,
    draft: request.hasResponseDraft
      ? { status: request.response.status, headers: [...request.response.headers] }
      : undefined,
  };
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
