// DummyBlockingWebsocket: the synchronous websocket of a blocking websocket view, for tests.
import type { BlockingWebsocket, WebsocketMessage } from "../websocket/connection.ts";
import { WebsocketClosed } from "../websocket/errors.ts";

/**
 * A websocket for blocking (plain-function) websocket views: `recv()` returns `incoming` in
 * order, then `null` (the peer has finished); `send()` records into `sent`; all of it is
 * synchronous, as in the executor. Call the view with it directly, or hand it to
 * {@linkcode callBlockingWebsocketView} to run the view in a real executor worker, whose
 * `ws.recv()`/`ws.send()` then reach this object on the main isolate.
 *
 * @example Calling a blocking echo view directly
 * ```ts
 * import { DummyBlockingWebsocket } from "@aio/pyramid/testing";
 * import type { BlockingWebsocket } from "@aio/pyramid";
 * function echo(ws: BlockingWebsocket): void {
 *   for (let message = ws.recv(); message !== null; message = ws.recv()) ws.send(message);
 * }
 * const ws = new DummyBlockingWebsocket(["hi", "there"]);
 * echo(ws);
 * console.assert(ws.sent.join(" ") === "hi there");
 * ```
 */
export class DummyBlockingWebsocket implements BlockingWebsocket {
  /** Messages the view sent, in order. */
  readonly sent: WebsocketMessage[] = [];
  #incoming: WebsocketMessage[];
  #closed = false;
  #closeCode: number | undefined;
  #closeReason: string | undefined;

  /** Creates the websocket with the messages the "peer" will send. */
  constructor(incoming: WebsocketMessage[] = []) {
    this.#incoming = [...incoming];
  }

  /** Whether the view closed the socket or read past the last message. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The code the view closed with (undefined unless it called `close()`). */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  /** The reason the view gave to `close()`. */
  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  /** The next incoming message, then `null` (and `null` again) once they are used up. */
  recv(): WebsocketMessage | null {
    if (this.#closed) return null;
    const message = this.#incoming.shift();
    if (message === undefined) {
      this.#closed = true;
      return null;
    }
    return message;
  }

  /** Records the message; throws `WebsocketClosed` once the connection has closed. */
  send(data: WebsocketMessage): void {
    if (this.#closed) throw new WebsocketClosed(this.#closeCode);
    this.sent.push(data);
  }

  /** Records the close (the first one wins). */
  close(code = 1000, reason = ""): void {
    if (this.#closeCode !== undefined) return;
    this.#closed = true;
    this.#closeCode = code;
    this.#closeReason = reason;
  }
}
