// DummyBlockingWebsocket, called directly and relayed to a blocking websocket view that
// callBlockingWebsocketView() runs in a real executor worker.
import assert from "node:assert/strict";
import { type BlockingWebsocket, WebsocketClosed } from "@aio/pyramid";
import { callBlockingWebsocketView, DummyBlockingWebsocket } from "@aio/pyramid/testing";

export function echo(ws: BlockingWebsocket): void {
  for (let message = ws.recv(); message !== null; message = ws.recv()) ws.send(message);
}

export function whereAmI(ws: BlockingWebsocket): void {
  const scope = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope;
  ws.send(scope === "function" ? "worker" : "main");
  ws.close(4000, "done");
}

export function failing(ws: BlockingWebsocket): void {
  ws.recv();
  throw new RangeError("cannot handle that message");
}

Deno.test("DummyBlockingWebsocket: messages in order, then null; send after the end throws", () => {
  const ws = new DummyBlockingWebsocket(["one", new Uint8Array([1, 2])]);
  echo(ws);
  assert.deepEqual(ws.sent, ["one", new Uint8Array([1, 2])]);
  assert.equal(ws.closed, true);
  assert.equal(ws.recv(), null);
  assert.throws(() => ws.send("late"), WebsocketClosed);
  const closing = new DummyBlockingWebsocket();
  closing.close(1001, "bye");
  assert.equal(closing.closeCode, 1001);
  assert.equal(closing.closeReason, "bye");
});

Deno.test("callBlockingWebsocketView runs the view in a worker against the dummy websocket", async () => {
  const ws = new DummyBlockingWebsocket(["Aiopyramid echo test.", new Uint8Array([0, 255]), "ü"]);
  await callBlockingWebsocketView(echo, ws);
  assert.deepEqual(ws.sent, ["Aiopyramid echo test.", new Uint8Array([0, 255]), "ü"]);
  assert.equal(ws.closed, true);

  const where = new DummyBlockingWebsocket();
  await callBlockingWebsocketView("./blocking_websocket_test.ts#whereAmI", where);
  assert.deepEqual(where.sent, ["worker"]);
  assert.equal(where.closeCode, 4000);
  assert.equal(where.closeReason, "done");
});

Deno.test("callBlockingWebsocketView rejects with the view's error", async () => {
  await assert.rejects(
    callBlockingWebsocketView(failing, new DummyBlockingWebsocket(["x"])),
    (error: unknown) => error instanceof Error && /cannot handle that message/.test(error.message),
  );
});
