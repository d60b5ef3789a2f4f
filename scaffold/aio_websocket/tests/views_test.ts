// The tutorial's unit tests: home with a DummyRequest, the echo view with a DummyWebsocket,
// and the blocking echo with a DummyBlockingWebsocket — directly, and in a real executor
// worker with callBlockingWebsocketView().
import assert from "node:assert/strict";
import { HTTPBadRequest } from "@aio/pyramid";
import {
  callBlockingWebsocketView,
  DummyBlockingWebsocket,
  DummyRequest,
  DummyWebsocket,
  testConfig,
} from "@aio/pyramid/testing";
import { echo, echoBlocking, home } from "../views.ts";

// The app's routes, so home's routePath("echo") works.
const registry = testConfig({ routes: { home: "/", echo: "/echo" } }).registry;

Deno.test("home view", async () => {
  const info = await home(new DummyRequest({ registry }));
  assert.equal(info.title, "__PROJECT_NAME__ websocket test");
  assert.equal(info.wait_time, 0.1);
  assert.equal(info.echo_path, "/echo");
});

Deno.test("home view waits ?sleep= seconds without blocking the event loop", async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    const started = performance.now();
    const info = await home(new DummyRequest({ registry, params: { sleep: "0.2" } }));
    assert.equal(info.wait_time, 0.2);
    assert.ok(performance.now() - started >= 190);
    assert.ok(ticks >= 5, `the event loop ran only ${ticks} times meanwhile`);
  } finally {
    clearInterval(timer);
  }
});

Deno.test("home view refuses a bad ?sleep= with 400", async () => {
  for (const sleep of ["soon", "-1", "61", ""]) {
    await assert.rejects(
      home(new DummyRequest({ registry, params: { sleep } })),
      (error: unknown) =>
        error instanceof HTTPBadRequest && /sleep must be a number/.test(error.message),
      `sleep=${sleep}`,
    );
  }
});

Deno.test("echo view", async () => {
  const ws = new DummyWebsocket(["Aiopyramid echo test.", new Uint8Array([1, 2, 3])]);
  await echo(ws);
  assert.deepEqual(ws.sent, ["Aiopyramid echo test.", new Uint8Array([1, 2, 3])]);
});

Deno.test("blocking echo view, called directly", () => {
  const ws = new DummyBlockingWebsocket(["one", "two"]);
  echoBlocking(ws);
  assert.deepEqual(ws.sent, ["one", "two"]);
});

Deno.test("blocking echo view, in a real executor worker", async () => {
  const ws = new DummyBlockingWebsocket(["Aiopyramid echo test.", "ü ✓"]);
  await callBlockingWebsocketView(echoBlocking, ws);
  assert.deepEqual(ws.sent, ["Aiopyramid echo test.", "ü ✓"]);
});
