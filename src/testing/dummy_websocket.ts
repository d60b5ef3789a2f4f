// DummyWebsocket: a websocket for unit tests that replays incoming messages and records sends.
import type { Websocket, WebsocketMessage } from "../websocket/connection.ts";
import { WebsocketClosed } from "../websocket/errors.ts";

/**
 * A websocket for calling websocket views directly: `recv()` yields `incoming` in order,
 * then `null` (the peer has finished); `send()` records into `sent`.
 *
 * @example Testing an echo view
 * ```ts
 * import { DummyWebsocket } from "@aio/pyramid/testing";
 * import type { Websocket } from "@aio/pyramid";
 * async function echo(ws: Websocket) {
 *   for (;;) {
 *     const message = await ws.recv();
 *     if (message === null) break;
 *     await ws.send(message);
 *   }
 * }
 * const ws = new DummyWebsocket(["hi", "there"]);
 * await echo(ws);
 * console.assert(ws.sent.join(" ") === "hi there");
 * ```
 */
export class DummyWebsocket implements Websocket {
  /** Messages the view sent, in order. */
  readonly sent: (WebsocketMessage | ArrayBuffer)[] = [];
  #incoming: WebsocketMessage[];
  #closed = false;
  #closeCode: number | undefined;
  /** The reason given to `close()`, if any. */
  closeReason: string | undefined;

  /** Creates the websocket with the messages the "peer" will send. */
  constructor(incoming: WebsocketMessage[] = []) {
    this.#incoming = [...incoming];
  }

  /** Whether the view closed the socket. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The code the view closed with. */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  /** The next incoming message, then `null`. */
  recv(): Promise<WebsocketMessage | null> {
    return Promise.resolve(this.#incoming.shift() ?? null);
  }

  /** Records the message; throws `WebsocketClosed` after `close()`. */
  send(data: WebsocketMessage | ArrayBuffer): Promise<void> {
    if (this.#closed) return Promise.reject(new WebsocketClosed(this.#closeCode));
    this.sent.push(data);
    return Promise.resolve();
  }

  /** Records the close. */
  close(code = 1000, reason = ""): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeCode = code;
    this.closeReason = reason;
  }
}
