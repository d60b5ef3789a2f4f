/**
 * `WebsocketMapper`: a view registered with it receives a websocket connection instead
 * of returning a response. Built on the native `Deno.upgradeWebSocket`.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { formatSite } from "../_callsite.ts";
import { HTTPBadRequest, HTTPServiceUnavailable } from "../httpexceptions.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { Registry } from "../config/registry.ts";
import { UtilityKey } from "../app_context.ts";
import type { AppExtension } from "../extension.ts";
import type { MappedView, ViewMapper, ViewMapperOptions } from "../views/mapper.ts";
import { isAsync, isClass } from "../is_async.ts";
import { logError } from "../log.ts";
import { type Websocket, WebsocketConnection } from "./connection.ts";
import { WebsocketClosed } from "./errors.ts";
import { driveView } from "./_drive.ts";

/** Per-application websocket state: live connections and limits. */
export interface WebsocketState {
  /** Open connections and the tasks running their views. */
  live: Map<WebsocketConnection, Promise<void>>;
  /** Whether `WebsocketClosed` escaping a view is logged. */
  ignoreClosed: boolean;
  /** `aio.websocket.max_message_bytes`. */
  maxMessageBytes: number;
  /** `aio.websocket.idle_timeout_ms` (rounded up to whole seconds; 0 turns idle pings off). */
  idleTimeoutMs: number;
  /** `aio.websocket.shutdown_grace_ms`: how long `app.close()` waits for views. */
  shutdownGraceMs: number;
  /** Whether the server is shutting down (new upgrades are refused). */
  closing: boolean;
}

/**
 * The registry key of the app's websocket state, registered by {@linkcode websocketExtension}.
 *
 * @example Counting an app's open websockets
 * ```ts
 * import { Configurator, WEBSOCKETS } from "@aio/pyramid";
 * const app = await new Configurator().makeApp();
 * console.assert(app.registry.queryUtility(WEBSOCKETS)?.live.size === 0);
 * await app.close();
 * ```
 */
export const WEBSOCKETS: UtilityKey<WebsocketState> = new UtilityKey("websockets");

/** The app's websocket state; a clear error when the websocket extension is missing. */
export function websocketState(registry: Registry): WebsocketState {
  const state = registry.queryUtility(WEBSOCKETS);
  if (state) return state;
  throw new ConfigurationError(
    "This app has no websocket extension. Use the Configurator exported by @aio/pyramid " +
      "(it installs it), or config.addExtension(websocketExtension).",
  );
}

/**
 * The websocket app extension: per-app state and limits from `aio.websocket.*`, and on
 * `app.close()` a 1001 to every open socket, then up to `aio.websocket.shutdown_grace_ms`
 * for their views to finish — before the executor (installed earlier) drains.
 *
 * @example Adding it to a bare configurator
 * ```ts
 * import { CoreConfigurator, websocketExtension } from "@aio/pyramid";
 * const config = new CoreConfigurator();
 * config.addExtension(websocketExtension);
 * ```
 */
export const websocketExtension: AppExtension = {
  name: "websockets",
  under: "executor",
  install(host) {
    const { maxMessageBytes, idleTimeoutMs, shutdownGraceMs } = host.registry.aio.websocket;
    const state: WebsocketState = {
      live: new Map(),
      ignoreClosed: false,
      maxMessageBytes,
      idleTimeoutMs,
      shutdownGraceMs,
      closing: false,
    };
    host.registry.registerUtility(WEBSOCKETS, state);
    host.onClose(function closeWebsockets() {
      return closeAll(state);
    });
  },
};

async function closeAll(state: WebsocketState): Promise<void> {
  state.closing = true;
  const tasks = [...state.live.values()];
  for (const ws of state.live.keys()) ws.close(1001, "Server shutting down.");
  if (tasks.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.allSettled(tasks),
    new Promise((resolve) => (timer = setTimeout(resolve, state.shutdownGraceMs))),
  ]);
  clearTimeout(timer);
}

/** Whether the request is a valid WebSocket opening handshake (RFC 6455 §4.2.1). */
export function isWebsocketHandshake(request: Request): boolean {
  if (request.method !== "GET") return false;
  const headers = request.headers;
  if (headers.get("upgrade")?.toLowerCase() !== "websocket") return false;
  const connection = headers.get("connection")?.toLowerCase() ?? "";
  if (!connection.split(",").some((token) => token.trim() === "upgrade")) return false;
  if (headers.get("sec-websocket-version") !== "13") return false;
  const key = headers.get("sec-websocket-key") ?? "";
  return /^[A-Za-z0-9+/]{22}==$/.test(key);
}

function invalidHandshake(): HTTPBadRequest {
  return new HTTPBadRequest({
    body: "Invalid WebSocket handshake.\n",
    detail: "Invalid WebSocket handshake.",
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** How blocking websocket views reach the executor; installed by the executor module. */
export type BlockingWebsocketRunner = (
  view: unknown,
  options: ViewMapperOptions,
) => Promise<WebsocketRun>;

/**
 * Prepares a view run for one upgrade request, before the upgrade, while the request is
 * still readable (it may refuse with an HTTP exception, e.g. 503 when no worker is free).
 * `start` runs the view once the socket exists; `abandon` releases what `prepare` took when
 * the upgrade fails.
 */
export type WebsocketRun = (
  context: unknown,
  request: PyramidRequest,
) => { start(ws: WebsocketConnection): Promise<void>; abandon(): void };

/**
 * The registry key of the {@linkcode BlockingWebsocketRunner} the executor extension provides.
 *
 * @example Checking whether blocking websocket views can run
 * ```ts
 * import { BLOCKING_WEBSOCKETS, Configurator } from "@aio/pyramid";
 * const app = await new Configurator().makeApp();
 * console.assert(app.registry.queryUtility(BLOCKING_WEBSOCKETS) !== undefined);
 * await app.close();
 * ```
 */
export const BLOCKING_WEBSOCKETS: UtilityKey<BlockingWebsocketRunner> = new UtilityKey(
  "blocking websocket views (the executor extension)",
);

/**
 * Maps a websocket view. An `async function (ws)` or a `WebsocketConnectionView` subclass
 * runs on the event loop; a plain `function (ws)` runs in the executor with a `ws` whose
 * `recv()`/`send()` are synchronous. The framework closes the socket with 1000 when the
 * view returns and 1011 when it throws.
 *
 * @example An echo view
 * ```ts
 * import { Configurator, WebsocketMapper, type WebsocketConnection } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("echo", "/echo");
 * config.addView(async function echo(ws: WebsocketConnection) {
 *   for (;;) {
 *     const message = await ws.recv();
 *     if (message === null) break;
 *     await ws.send(message);
 *   }
 * }, { routeName: "echo", mapper: WebsocketMapper });
 * ```
 */
export class WebsocketMapper implements ViewMapper {
  /** The view shape whose parameters `addView`/`viewConfig` type: `async (ws) => …`. */
  declare static readonly viewShape?: (ws: Websocket) => unknown;
  /** Deliver text frames as `Uint8Array` (aiopyramid's `use_bytes`). */
  static useBytes = false;
  /** Deliver binary frames as `string` where they are valid UTF-8 (aiopyramid's `use_str`). */
  static useStr = false;

  #options: ViewMapperOptions;

  /** Creates the mapper for one view. */
  constructor(options: ViewMapperOptions) {
    this.#options = options;
  }

  /** Maps the view to an upgrade handler. */
  async mapView(view: unknown): Promise<MappedView> {
    const { registry, registration } = this.#options;
    const state = websocketState(registry);
    const label = registration.label;
    let prepare: WebsocketRun;
    if (isClass(view) || isAsync(view)) {
      prepare = (context, request) => ({
        start: (ws) => driveView(view, ws, context, request),
        abandon() {},
      });
    } else if (typeof view === "function") {
      const runner = registry.queryUtility(BLOCKING_WEBSOCKETS);
      if (!runner) {
        throw new ConfigurationError(
          `The websocket view ${label} (registered at ${
            formatSite(registration.site)
          }) is a plain function, so it must run in the executor, which is not available. Make it an \`async function\`.`,
        );
      }
      prepare = await runner(view, this.#options);
    } else {
      throw new ConfigurationError(`The websocket view ${label} must be a function or a class.`);
    }
    const mapper = this.constructor as typeof WebsocketMapper;
    // Deno counts whole seconds and treats 0 as "never ping".
    const idleTimeout = state.idleTimeoutMs <= 0 ? 0 : Math.ceil(state.idleTimeoutMs / 1000);

    return async function upgradeWebsocket(context: unknown, request: PyramidRequest) {
      if (!isWebsocketHandshake(request.raw)) throw invalidHandshake();
      if (state.closing) {
        // Not the client's fault: 503 tells it to reconnect (to the next server) later.
        throw new HTTPServiceUnavailable({
          detail: "The server is shutting down; reconnect shortly.",
          headers: { "retry-after": "1" },
        });
      }
      const run = prepare(context, request);
      let upgraded: { socket: WebSocket; response: Response };
      // The view (and security, sessions) may read headers after Deno closes the Request.
      request.keepHeaders();
      try {
        upgraded = Deno.upgradeWebSocket(request.raw, { idleTimeout });
      } catch {
        run.abandon();
        throw invalidHandshake();
      }
      const ws = new WebsocketConnection(upgraded.socket, {
        maxMessageBytes: state.maxMessageBytes,
        useBytes: mapper.useBytes,
        useStr: mapper.useStr,
      });
      const task = (async function websocketView() {
        try {
          await run.start(ws);
          ws.close(1000);
        } catch (error) {
          if (!(error instanceof WebsocketClosed && state.ignoreClosed)) {
            logError(`The websocket view ${label} failed`, error, request);
          }
          ws.close(1011, "Internal error.");
        }
        await ws.done;
      })();
      state.live.set(ws, task);
      task.finally(() => state.live.delete(ws));
      return upgraded.response;
    };
  }
}

/**
 * Keeps `WebsocketClosed` errors that escape websocket views out of the error log
 * (aiopyramid's `ignore_websocket_closed`). Returns the app.
 *
 * @example Wrapping the app in its constructor
 * ```ts
 * import { Configurator, ignoreWebsocketClosed } from "@aio/pyramid";
 * const app = ignoreWebsocketClosed(await new Configurator().makeApp());
 * await app.close();
 * ```
 */
export function ignoreWebsocketClosed<A extends { registry: Registry }>(app: A): A {
  websocketState(app.registry).ignoreClosed = true;
  return app;
}
