// The worker side of callBlockingWebsocketView(): the view gets a websocket whose calls wait
// on the executor's channel while the main isolate answers from a DummyBlockingWebsocket.
import { callService } from "../executor/mod.ts";
import type { BlockingWebsocket, WebsocketMessage } from "../websocket/connection.ts";

/** Service names, registered on the main isolate by `call_blocking_websocket_view.ts`. */
export const RECV = "aio.testing.websocket.recv";
/** See {@linkcode RECV}. */
export const SEND = "aio.testing.websocket.send";
/** See {@linkcode RECV}. */
export const CLOSE = "aio.testing.websocket.close";

class RelayedWebsocket implements BlockingWebsocket {
  #closed = false;
  recv(): WebsocketMessage | null {
    if (this.#closed) return null;
    const message = callService(RECV) as WebsocketMessage | null;
    if (message === null) this.#closed = true;
    return message;
  }
  send(data: WebsocketMessage): void {
    callService(SEND, data);
  }
  close(code = 1000, reason = ""): void {
    this.#closed = true;
    callService(CLOSE, code, reason);
  }
  get closed(): boolean {
    return this.#closed;
  }
}

/** Runs a blocking websocket view in this worker (the executor's `via`). */
export function runWithRelayedWebsocket(view: unknown): void {
  (view as (ws: BlockingWebsocket) => unknown)(new RelayedWebsocket());
}
