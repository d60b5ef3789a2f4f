// WebsocketConnection against a fake socket: backpressure, ordering and closing, deterministically.
import assert from "node:assert/strict";
import { type SocketLike, WebsocketClosed, WebsocketConnection } from "@aio/pyramid";
import { sleep, within } from "./_helpers.ts";

/** A socket whose buffer only drains when the test says so. */
class FakeSocket implements SocketLike {
  readyState = 1;
  bufferedAmount = 0;
  binaryType: BinaryType = "blob";
  sent: unknown[] = [];
  closedWith: [number | undefined, string | undefined][] = [];
  #listeners = new Map<string, ((event: Event) => void)[]>();

  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (this.readyState !== 1) throw new DOMException("readyState not OPEN", "InvalidStateError");
    this.sent.push(data);
    this.bufferedAmount += typeof data === "string"
      ? data.length
      : (data as ArrayBufferView).byteLength;
  }
  close(code?: number, reason?: string): void {
    this.closedWith.push([code, reason]);
    this.readyState = 2;
  }
  addEventListener(type: string, listener: (event: Event) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  emit(type: string, event: Event): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
  open(): void {
    this.readyState = 1;
    this.emit("open", new Event("open"));
  }
  message(data: string | ArrayBuffer): void {
    this.emit("message", new MessageEvent("message", { data }));
  }
  peerClose(code = 1000, reason = ""): void {
    this.readyState = 3;
    this.emit("close", new CloseEvent("close", { code, reason }));
  }
}

/** Whether `promise` has settled after a few turns of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => (done = true), () => (done = true));
  await sleep(30);
  return done;
}

Deno.test("send() waits while bufferedAmount is above the high-water mark", async () => {
  const socket = new FakeSocket();
  const ws = new WebsocketConnection(socket, { highWaterMark: 100 });
  await ws.send("x".repeat(100)); // at the mark, not above: returns at once
  assert.equal(socket.bufferedAmount, 100);
  const waiting = ws.send("y");
  assert.equal(await settled(waiting), false, "send() returned with 101 bytes buffered");
  assert.equal(socket.sent.length, 2, "the message itself is handed to the socket at once");
  socket.bufferedAmount = 60; // the socket drains part of its buffer
  await within(waiting, 1000, "send() after the buffer drained");
  assert.equal(ws.bufferedAmount, 60);
});

Deno.test("send() waiting on backpressure throws WebsocketClosed when the peer goes away", async () => {
  const socket = new FakeSocket();
  const ws = new WebsocketConnection(socket, { highWaterMark: 10 });
  const waiting = ws.send("x".repeat(11));
  assert.equal(await settled(waiting), false);
  socket.peerClose(1006, "");
  await assert.rejects(within(waiting, 1000, "send()"), WebsocketClosed);
});

Deno.test("send() after close throws WebsocketClosed with the code and reason", async () => {
  const socket = new FakeSocket();
  const ws = new WebsocketConnection(socket);
  socket.peerClose(1001, "going away");
  const error = await ws.send("late").catch((e) => e);
  assert.ok(error instanceof WebsocketClosed);
  assert.equal(error.code, 1001);
  assert.equal(error.reason, "going away");
  assert.deepEqual(socket.sent, []);

  const ours = new WebsocketConnection(new FakeSocket());
  ours.close(4001, "done");
  await assert.rejects(
    ours.send("late"),
    (e: unknown) => e instanceof WebsocketClosed && e.code === 4001,
  );
});

Deno.test("recv() delivers queued messages in order, then null after the close", async () => {
  const socket = new FakeSocket();
  const ws = new WebsocketConnection(socket);
  const first = ws.recv(); // waiting before anything arrived
  socket.message("a");
  socket.message("b");
  socket.message(new Uint8Array([1, 2]).buffer);
  socket.peerClose(1000);
  assert.equal(await first, "a");
  assert.equal(await ws.recv(), "b");
  assert.deepEqual(await ws.recv(), new Uint8Array([1, 2]));
  assert.equal(await ws.recv(), null);
  assert.equal(await ws.recv(), null);
  assert.equal(ws.closeCode, 1000);
  await within(ws.done, 1000, "done");
});

Deno.test("close() wakes a waiting recv() with null and closes the socket once", async () => {
  const socket = new FakeSocket();
  const ws = new WebsocketConnection(socket);
  const waiting = ws.recv();
  ws.close(4000, "bye");
  ws.close(1000);
  assert.equal(await waiting, null);
  assert.deepEqual(socket.closedWith, [[4000, "bye"]]);
  assert.equal(ws.closed, true);
});

Deno.test("close() before the upgrade finished is applied once the socket opens", async () => {
  const socket = new FakeSocket();
  socket.readyState = 0;
  const ws = new WebsocketConnection(socket);
  ws.close(1011, "Internal error.");
  await sleep(0);
  assert.deepEqual(socket.closedWith, [], "not closed while CONNECTING (Deno would drop it)");
  socket.open();
  await sleep(0);
  assert.deepEqual(socket.closedWith, [[1011, "Internal error."]]);
});

Deno.test("send() before the socket opened waits for the open", async () => {
  const socket = new FakeSocket();
  socket.readyState = 0;
  const ws = new WebsocketConnection(socket);
  const sending = ws.send("early");
  assert.equal(await settled(sending), false);
  socket.open();
  await within(sending, 1000, "send() after open");
  assert.deepEqual(socket.sent, ["early"]);
});

Deno.test("messages over maxMessageBytes close with 1009 and are not delivered", async () => {
  const socket = new FakeSocket();
  const ws = new WebsocketConnection(socket, { maxMessageBytes: 4 });
  socket.message("1234");
  socket.message("12345");
  socket.message("after");
  assert.equal(await ws.recv(), "1234");
  assert.equal(await ws.recv(), null);
  assert.deepEqual(socket.closedWith, [[1009, "Message larger than 4 bytes."]]);
});
