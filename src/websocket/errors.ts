/**
 * The error raised when a websocket view talks to a connection that has closed.
 *
 * @module
 */

/**
 * Thrown by `ws.send()` (and `WebsocketConnectionView.send()`) once the connection has
 * closed. A view that lets it escape simply ends; wrap the app with
 * `ignoreWebsocketClosed(app)` to keep these out of the error log.
 *
 * @example Stopping a broadcast loop when the peer goes away
 * ```ts
 * import { WebsocketClosed } from "@aio/pyramid";
 * try {
 *   throw new WebsocketClosed(1001, "going away");
 * } catch (error) {
 *   console.assert(error instanceof WebsocketClosed && error.code === 1001);
 * }
 * ```
 */
export class WebsocketClosed extends Error {
  /** The close code, when known. */
  readonly code: number | undefined;
  /** The close reason, when known. */
  readonly reason: string;
  /** Creates the error. */
  constructor(code?: number, reason = "") {
    super(
      `The websocket is closed${
        code === undefined ? "" : ` (code ${code}${reason ? `: ${reason}` : ""})`
      }; ` +
        "stop sending, or catch WebsocketClosed.",
    );
    this.name = "WebsocketClosed";
    this.code = code;
    this.reason = reason;
  }
}
