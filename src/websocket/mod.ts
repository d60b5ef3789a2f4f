/**
 * WebSockets as views: `WebsocketMapper` hands a function view a connection with
 * `recv()`/`send()`/`close()`; `WebsocketConnectionView` is the class form with
 * `onOpen`/`onMessage`/`onClose`. Both sit on `Deno.upgradeWebSocket`.
 *
 * @example An echo view
 * ```ts
 * import { Configurator, WebsocketMapper } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("echo", "/echo");
 * config.addView(async function echo(ws) {
 *   for (;;) {
 *     const message = await ws.recv();
 *     if (message === null) break;
 *     await ws.send(message);
 *   }
 * }, { routeName: "echo", mapper: WebsocketMapper });
 * ```
 *
 * @module
 */

export {
  type BlockingWebsocket,
  type SocketLike,
  type Websocket,
  WebsocketConnection,
  type WebsocketConnectionOptions,
  type WebsocketMessage,
} from "./connection.ts";
export { WebsocketClosed } from "./errors.ts";
export {
  BLOCKING_WEBSOCKETS,
  type BlockingWebsocketRunner,
  ignoreWebsocketClosed,
  isWebsocketHandshake,
  websocketExtension,
  WebsocketMapper,
  type WebsocketRun,
  WEBSOCKETS,
  type WebsocketState,
} from "./mapper.ts";
export { WebsocketConnectionView } from "./view.ts";
