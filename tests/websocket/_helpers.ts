// Shared by the websocket tests: a real server on a free port, a WebSocket client with a
// message queue, raw TCP handshakes, and console.error capture.
import assert from "node:assert/strict";
import { type App, Configurator, type WebsocketConnection, WebsocketMapper } from "@aio/pyramid";

/** A served app: its port, a URL maker and a `close()` that stops app then server. */
export interface Running {
  port: number;
  app: App;
  url(path: string): string;
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1 with a free port. */
export function serveApp(app: App): Running {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  const port = server.addr.port;
  let closed: Promise<void> | undefined;
  return {
    port,
    app,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    close: () =>
      closed ??= (async () => {
        await app.close();
        await server.shutdown();
      })(),
  };
}

/** The echo loop every test serves at `/echo`. */
export async function echo(ws: WebsocketConnection): Promise<void> {
  for (;;) {
    const message = await ws.recv();
    if (message === null) break;
    await ws.send(message);
  }
}

/** A configurator with `/echo` already routed to {@linkcode echo}. */
export function echoConfig(settings?: Record<string, string>): Configurator {
  const config = new Configurator({ settings });
  config.addRoute("echo", "/echo");
  config.addView(echo, { routeName: "echo", mapper: WebsocketMapper });
  return config;
}

/** Runs `fn` with a served app and always closes it. */
export async function withServer(
  config: Configurator,
  fn: (running: Running) => Promise<void>,
): Promise<void> {
  const running = serveApp(await config.makeApp());
  try {
    await fn(running);
  } finally {
    await running.close();
  }
}

/** Resolves `promise`, or rejects after `ms` with `what` timed out (the timer is always cleared). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sleeps without leaking a timer. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How a client saw the socket close. */
export interface Closed {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** A WebSocket client whose messages queue up for `next()`. */
export class Client {
  readonly socket: WebSocket;
  readonly closed: Promise<Closed>;
  #inbox: (string | ArrayBuffer)[] = [];
  #waiters: ((message: string | ArrayBuffer | null) => void)[] = [];
  #done = false;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (event) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter(event.data);
      else this.#inbox.push(event.data);
    });
    this.closed = new Promise((resolve) => {
      socket.addEventListener("close", (event) => {
        this.#done = true;
        for (const waiter of this.#waiters.splice(0)) waiter(null);
        resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      });
    });
  }

  /** Opens a connection; rejects if it closes before opening. */
  static async open(url: string): Promise<Client> {
    const client = new Client(new WebSocket(url));
    const opened = new Promise<void>((resolve, reject) => {
      client.socket.addEventListener("open", () => resolve());
      client.closed.then((c) => reject(new Error(`closed before open (${c.code})`)));
    });
    await within(opened, 5000, `opening ${url}`);
    return client;
  }

  /** The next message, or `null` once closed with nothing queued. */
  next(ms = 5000): Promise<string | ArrayBuffer | null> {
    if (this.#inbox.length) return Promise.resolve(this.#inbox.shift()!);
    if (this.#done) return Promise.resolve(null);
    return within(new Promise((resolve) => this.#waiters.push(resolve)), ms, "next message");
  }

  send(data: string | ArrayBuffer | Uint8Array<ArrayBuffer>): void {
    this.socket.send(data);
  }

  /** Waits (bounded) for the server to close the connection. */
  whenClosed(ms = 5000): Promise<Closed> {
    return within(this.closed, ms, "server close");
  }

  /** Closes (if open) and waits for the close to finish. */
  async close(code?: number): Promise<Closed> {
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.close(code);
    return await within(this.closed, 5000, "client close");
  }
}

/** Opens `/echo`, sends one message and checks it comes back. */
export async function assertEchoes(running: Running, text = "still here"): Promise<void> {
  const client = await Client.open(running.url("/echo"));
  try {
    client.send(text);
    assert.equal(await client.next(), text);
  } finally {
    await client.close();
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A raw HTTP response read off a TCP connection. */
export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/** Reads one HTTP response head (and a content-length body) from `conn`. */
export async function readResponse(conn: Deno.Conn): Promise<RawResponse> {
  let data = new Uint8Array(0);
  const chunk = new Uint8Array(16 * 1024);
  const text = () => decoder.decode(data);
  for (;;) {
    const end = text().indexOf("\r\n\r\n");
    if (end >= 0) {
      const head = text().slice(0, end);
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      const bodyStart = encoder.encode(head).byteLength + 4;
      if (data.byteLength >= bodyStart + length) {
        return {
          status: Number(head.split(" ")[1]),
          head,
          body: decoder.decode(data.subarray(bodyStart, bodyStart + length)),
        };
      }
    }
    const n = await within(conn.read(chunk), 5000, "reading a response");
    if (n === null) throw new Error(`connection closed after ${JSON.stringify(text())}`);
    const grown = new Uint8Array(data.byteLength + n);
    grown.set(data);
    grown.set(chunk.subarray(0, n), data.byteLength);
    data = grown;
  }
}

/** Sends raw request bytes on a fresh connection and reads the response. */
export async function rawRequest(port: number, request: string): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(encoder.encode(request));
    return await readResponse(conn);
  } finally {
    conn.close();
  }
}

/** A valid opening handshake for `path` (RFC 6455 §4.1). */
export function handshake(path: string, port: number, extra = ""): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
    `Sec-WebSocket-Version: 13\r\n${extra}\r\n`;
}

/** Completes a handshake over raw TCP and returns the open connection (the caller closes it). */
export async function rawUpgrade(port: number, path: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(encoder.encode(handshake(path, port)));
    const response = await readResponse(conn);
    assert.equal(response.status, 101, response.head);
    return conn;
  } catch (error) {
    conn.close();
    throw error;
  }
}

/** A masked client text frame (RFC 6455 §5.2), payloads under 126 bytes. */
export function textFrame(text: string): Uint8Array<ArrayBuffer> {
  const payload = encoder.encode(text);
  assert.ok(payload.byteLength < 126);
  const mask = [1, 2, 3, 4];
  const frame = new Uint8Array(6 + payload.byteLength);
  frame.set([0x81, 0x80 | payload.byteLength, ...mask]);
  payload.forEach((b, i) => (frame[6 + i] = b ^ mask[i % 4]));
  return frame;
}

/** Runs `fn` while collecting console.error output. */
export async function captureErrors<T>(fn: (lines: string[]) => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  try {
    return await fn(lines);
  } finally {
    console.error = original;
  }
}

/** Waits until `check()` is true (polling), or fails naming `what`. */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not true after ${ms} ms`);
    await sleep(5);
  }
}
