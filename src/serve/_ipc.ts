// Messages between the supervisor and its server processes (./supervisor.ts, ./_process.ts):
// length-prefixed V8-serialized values over a Unix socket, so broker batches keep every
// structured-cloneable type (Maps, Dates, typed arrays) as BroadcastChannel would.
import { deserialize, serialize } from "node:v8";

/** What a server process tells the supervisor. */
export type ProcessReport =
  | { type: "hello"; id: number }
  | { type: "listening"; hostname: string; port: number; executorWorkers: number }
  | { type: "error"; message: string; stack: string }
  | { type: "recycle"; reason: string }
  | { type: "publish"; namespace: string; batch: unknown };

/** What the supervisor tells a server process. */
export type SupervisorOrder =
  | { type: "drain"; handoff: boolean }
  | { type: "publish"; namespace: string; batch: unknown };

const HEADER = 4;

/** One end of the socket: ordered sends, and an async iterator over what arrives. */
export class IpcChannel<In, Out> {
  #conn: Deno.Conn;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Queues a message; errors (the peer has gone) are dropped: its exit is handled elsewhere. */
  send(message: Out): void {
    if (this.#closed) return;
    const body = serialize(message);
    const frame = new Uint8Array(HEADER + body.length);
    new DataView(frame.buffer).setUint32(0, body.length);
    frame.set(body, HEADER);
    this.#writing = this.#writing.then(async () => {
      if (this.#closed) return;
      let written = 0;
      while (written < frame.length) written += await this.#conn.write(frame.subarray(written));
    }).catch(() => {});
  }

  /** Resolves once everything queued has been written. */
  flushed(): Promise<void> {
    return this.#writing;
  }

  /** Every message until the peer closes the socket. */
  async *messages(): AsyncGenerator<In> {
    let buffer = new Uint8Array(0);
    const chunk = new Uint8Array(64 * 1024);
    for (;;) {
      let read: number | null;
      try {
        read = await this.#conn.read(chunk);
      } catch {
        return;
      }
      if (read === null) return;
      const joined = new Uint8Array(buffer.length + read);
      joined.set(buffer);
      joined.set(chunk.subarray(0, read), buffer.length);
      buffer = joined;
      while (buffer.length >= HEADER) {
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(0);
        if (buffer.length < HEADER + length) break;
        yield deserialize(buffer.subarray(HEADER, HEADER + length)) as In;
        buffer = buffer.slice(HEADER + length);
      }
    }
  }

  /** Closes the socket after what is queued has been written. */
  async close(): Promise<void> {
    await this.#writing;
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer
    }
  }
}
