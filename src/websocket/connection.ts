/**
 * The connection a websocket view talks through: `recv()`, `send()`, `close()` over a
 * native WebSocket, with an in-order inbox, backpressure and size limits.
 *
 * @module
 */

import { WebsocketClosed } from "./errors.ts";

/** A websocket message: text or bytes. */
export type WebsocketMessage = string | Uint8Array<ArrayBuffer>;

/** Options for {@linkcode WebsocketConnection}. */
export interface WebsocketConnectionOptions {
  /** Messages larger than this close the connection with 1009. */
  maxMessageBytes?: number;
  /** `send()` waits while `bufferedAmount` is above this many bytes. */
  highWaterMark?: number;
  /** Deliver text frames as bytes. */
  useBytes?: boolean;
  /** Deliver binary frames as text where they are valid UTF-8. */
  useStr?: boolean;
}

const encoder = new TextEncoder();
const RESOLVED = Promise.resolve();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** The part of a WebSocket the connection uses (so tests can pass a fake). */
export interface SocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes queued by `send()` and not yet written. */
  readonly bufferedAmount: number;
  /** How binary messages arrive; the connection sets `"arraybuffer"`. */
  binaryType: BinaryType;
  /** Queues a message. */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Listens for `open`, `message`, `close` and `error`. */
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * What a websocket view may rely on: the methods of {@linkcode WebsocketConnection}, also
 * implemented by the testing helper `DummyWebsocket`. Type view parameters with it.
 *
 * @example A view typed against the interface
 * ```ts
 * import type { Websocket } from "@aio/pyramid";
 * export async function greet(ws: Websocket) {
 *   await ws.send("hello");
 * }
 * ```
 */
export interface Websocket {
  /** The next message, or `null` once the peer has closed. */
  recv(): Promise<WebsocketMessage | null>;
  /** Sends a message (waits while the send buffer is full). */
  send(data: WebsocketMessage | ArrayBuffer): Promise<void>;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Whether the connection has closed. */
  readonly closed: boolean;
  /** The close code once closed. */
  readonly closeCode: number | undefined;
}

/**
 * The websocket a blocking (plain-function) websocket view gets in the executor: the same
 * calls as {@linkcode Websocket}, but synchronous. Each call waits in the worker while the
 * main isolate does the I/O, so legacy code needs no `await`.
 *
 * @example A blocking echo view
 * ```ts
 * import type { BlockingWebsocket } from "@aio/pyramid";
 * export function echo(ws: BlockingWebsocket): void {
 *   for (let message = ws.recv(); message !== null; message = ws.recv()) ws.send(message);
 * }
 * ```
 */
export interface BlockingWebsocket {
  /** The next message, or `null` once the peer has closed. */
  recv(): WebsocketMessage | null;
  /** Sends a message; throws `WebsocketClosed` once the connection has closed. */
  send(data: WebsocketMessage): void;
  /** Closes the connection (default code 1000). */
  close(code?: number, reason?: string): void;
  /** Whether this side has seen the end of the connection. */
  readonly closed: boolean;
}

/**
 * A websocket connection as views see it.
 *
 * @example An echo loop
 * ```ts ignore
 * import type { WebsocketConnection } from "@aio/pyramid";
 * export async function echo(ws: WebsocketConnection) {
 *   for (;;) {
 *     const message = await ws.recv();
 *     if (message === null) break;
 *     await ws.send(message);
 *   }
 * }
 * ```
 */
export class WebsocketConnection implements Websocket {
  #socket: SocketLike;
  #inbox: WebsocketMessage[] = [];
  #waiters: ((message: WebsocketMessage | null) => void)[] = [];
  #opened: Promise<void>;
  #closedPromise: Promise<void>;
  #closed = false;
  #closeCode: number | undefined;
  #closeReason = "";
  #maxMessageBytes: number;
  #highWaterMark: number;
  #useBytes: boolean;
  #useStr: boolean;

  /** Wraps a native WebSocket (from `Deno.upgradeWebSocket`). */
  constructor(socket: SocketLike, options: WebsocketConnectionOptions = {}) {
    this.#socket = socket;
    this.#maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
    this.#highWaterMark = options.highWaterMark ?? 1024 * 1024;
    this.#useBytes = options.useBytes ?? false;
    this.#useStr = options.useStr ?? false;
    socket.binaryType = "arraybuffer";
    let opened!: () => void;
    let closed!: () => void;
    this.#opened = new Promise((resolve) => (opened = resolve));
    this.#closedPromise = new Promise((resolve) => (closed = resolve));
    if (socket.readyState === 1) opened();
    socket.addEventListener("open", () => opened());
    socket.addEventListener("message", (event) => this.#receive((event as MessageEvent).data));
    socket.addEventListener("close", (event) => {
      const { code, reason } = event as CloseEvent;
      this.#finish(code, reason);
      opened();
      closed();
    });
    socket.addEventListener("error", () => {
      // A close event follows; nothing to do until then.
    });
  }

  /** Whether the connection has closed (or is closing). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The close code once closed. */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  /** Resolves once the socket has fully closed. */
  get done(): Promise<void> {
    return this.#closedPromise;
  }

  /** Bytes queued but not yet sent by the socket. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  #receive(data: unknown): void {
    if (this.#closed) return;
    let message: WebsocketMessage;
    let size: number;
    if (typeof data === "string") {
      size = data.length; // UTF-16 units; encode only when near the limit
      if (size * 3 > this.#maxMessageBytes) size = encoder.encode(data).byteLength;
      message = this.#useBytes ? encoder.encode(data) : data;
    } else {
      const bytes = new Uint8Array(data as ArrayBuffer);
      size = bytes.byteLength;
      message = bytes;
      if (this.#useStr) {
        try {
          message = strictDecoder.decode(bytes);
        } catch {
          // Not valid UTF-8: deliver the bytes.
        }
      }
    }
    if (size > this.#maxMessageBytes) {
      this.close(1009, `Message larger than ${this.#maxMessageBytes} bytes.`);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter(message);
    else this.#inbox.push(message);
  }

  #finish(code: number | undefined, reason: string): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#closeCode = code;
      this.#closeReason = reason;
    } else if (this.#closeCode === undefined) {
      this.#closeCode = code;
    }
    // Messages that arrived before the close were queued first; waiters get null.
    for (const waiter of this.#waiters.splice(0)) waiter(null);
  }

  /** The next message, in order; `null` once the peer has closed and the inbox is empty. */
  recv(): Promise<WebsocketMessage | null> {
    if (this.#inbox.length) return Promise.resolve(this.#inbox.shift()!);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Sends a message, then waits while the socket's buffer is above the high-water mark.
   * Throws {@linkcode WebsocketClosed} once the connection has closed.
   */
  send(data: WebsocketMessage | ArrayBuffer): Promise<void> {
    // Fast path (an open socket with room in its buffer): no await, no timer.
    if (!this.#closed && this.#socket.readyState === 1) {
      this.#socket.send(data);
      return this.#socket.bufferedAmount > this.#highWaterMark ? this.#drain() : RESOLVED;
    }
    return this.#sendWhenOpen(data);
  }

  async #sendWhenOpen(data: WebsocketMessage | ArrayBuffer): Promise<void> {
    await this.#opened;
    if (this.#closed || this.#socket.readyState !== 1) {
      throw new WebsocketClosed(this.#closeCode, this.#closeReason);
    }
    this.#socket.send(data);
    await this.#drain();
  }

  // Backpressure: there is no drain event, so poll bufferedAmount with a growing delay.
  async #drain(): Promise<void> {
    let delay = 1;
    while (this.#socket.bufferedAmount > this.#highWaterMark) {
      if (this.#closed) throw new WebsocketClosed(this.#closeCode, this.#closeReason);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 50);
    }
  }

  /** Closes the connection (default 1000). Safe to call more than once. */
  close(code = 1000, reason = ""): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeCode = code;
    this.#closeReason = reason;
    for (const waiter of this.#waiters.splice(0)) waiter(null);
    if (this.#socket.readyState === 0) {
      // Deno drops a close() made while the upgrade is still in flight and leaves the
      // socket open for good, so close it once it has opened.
      this.#opened.then(() => this.#closeSocket(code, reason));
    } else {
      this.#closeSocket(code, reason);
    }
  }

  #closeSocket(code: number, reason: string): void {
    try {
      this.#socket.close(code, reason);
    } catch {
      // Already closing.
    }
  }
}
