/**
 * `WebsocketConnectionView`: the class form of a websocket view, with `onOpen`,
 * `onMessage` and `onClose` callbacks.
 *
 * @module
 */

import type { PyramidRequest } from "../request/request.ts";
import type { WebsocketConnection, WebsocketMessage } from "./connection.ts";
import { WebsocketMapper } from "./mapper.ts";

/**
 * Subclass it and override the callbacks; register the subclass with
 * `mapper: WebsocketMapper` (or rely on the static `viewMapper`, already set here).
 *
 * @example A class-based echo
 * ```ts
 * import { WebsocketConnectionView } from "@aio/pyramid";
 * export class Echo extends WebsocketConnectionView {
 *   override async onMessage(message: string | Uint8Array<ArrayBuffer>) {
 *     await this.send(message);
 *   }
 * }
 * ```
 */
export class WebsocketConnectionView {
  /** The mapper used when the view is registered without one (aiopyramid's `__view_mapper__`). */
  static viewMapper: typeof WebsocketMapper = WebsocketMapper;
  /** The context resource. */
  readonly context: unknown;
  /** The upgrade request. */
  readonly request: PyramidRequest;
  /** The connection, set before `onOpen` runs. */
  ws!: WebsocketConnection;

  /** Constructed by the mapper with the context and request. */
  constructor(context: unknown, request: PyramidRequest) {
    this.context = context;
    this.request = request;
  }

  /** Called once the connection is open. */
  onOpen(): void | Promise<void> {}

  /** Called for each message, in order. */
  onMessage(_message: WebsocketMessage): void | Promise<void> {}

  /** Called exactly once when the connection ends, whatever ended it. */
  onClose(): void | Promise<void> {}

  /** Sends a message on the connection. */
  send(message: WebsocketMessage): Promise<void> {
    return this.ws.send(message);
  }
}
