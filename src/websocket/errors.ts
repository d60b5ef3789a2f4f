/**
 * The error raised when a websocket view talks to a connection that has closed. It lives
 * with the framework's other errors (`src/errors.ts`), so the executor can keep its class
 * across isolates without knowing about websockets.
 *
 * @module
 */

export { WebsocketClosed } from "../errors.ts";
