// The tutorial's unit tests: call the views directly (home with a DummyRequest, the echo
// views with a fake websocket), as aiotutorial/tests.py does.
import assert from "node:assert/strict";
import { type BlockingWebsocket, HTTPBadRequest, type WebsocketMessage } from "@aio/pyramid";
import { DummyRequest, DummyWebsocket } from "@aio/pyramid/testing";
import { echo, echoBlocking, EchoWebsocket, home } from "../views.ts";
import { main } from "../app.ts";

/** A blocking view's websocket, faked: `recv()`/`send()` are synchronous, as in the executor. */
class FakeBlockingWebsocket implements BlockingWebsocket {
  readonly sent: WebsocketMessage[] = [];
  closed = false;
  #incoming: WebsocketMessage[];
  constructor(incoming: WebsocketMessage[]) {
    this.#incoming = [...incoming];
  }
  recv(): WebsocketMessage | null {
    const message = this.#incoming.shift() ?? null;
    if (message === null) this.closed = true;
    return message;
  }
  send(message: WebsocketMessage): void {
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
  }
}

Deno.test("home view", async () => {
  const info = await home(new DummyRequest());
  assert.equal(info.title, "aiotutorial websocket test");
  assert.equal(info.wait_time, 0.1);
  assert.equal(info.echo_path, "/echo");
});

Deno.test("home view waits ?sleep= seconds without blocking the loop", async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    const started = performance.now();
    const info = await home(new DummyRequest({ params: { sleep: "0.2" } }));
    const elapsed = performance.now() - started;
    assert.equal(info.wait_time, 0.2);
    assert.ok(elapsed >= 190, `waited ${elapsed} ms`);
    assert.ok(ticks >= 5, `the loop ran ${ticks} times meanwhile`);
  } finally {
    clearInterval(timer);
  }
  assert.equal((await home(new DummyRequest({ params: { sleep: "0" } }))).wait_time, 0);
});

Deno.test("home view refuses a bad ?sleep= with 400", async () => {
  for (const sleep of ["soon", "-1", "61", "", "Infinity", "NaN", "1e9"]) {
    await assert.rejects(
      home(new DummyRequest({ params: { sleep } })),
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

Deno.test("class-based echo view", async () => {
  const ws = new DummyWebsocket();
  const view = new EchoWebsocket(undefined, new DummyRequest());
  view.ws = ws as unknown as typeof view.ws; // the class's ws is typed as the real connection
  await view.onMessage("hello");
  assert.deepEqual(ws.sent, ["hello"]);
});

Deno.test("blocking echo view", () => {
  const ws = new FakeBlockingWebsocket(["one", "two"]);
  echoBlocking(ws);
  assert.deepEqual(ws.sent, ["one", "two"]);
});

Deno.test("the app renders the home page and answers a bad sleep with 400", async () => {
  const app = await main({});
  try {
    const page = await app.fetch(new Request("http://127.0.0.1/?sleep=0"));
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const html = await page.text();
    assert.match(html, /<title>aiotutorial websocket test<\/title>/);
    assert.match(html, /data-echo-path="\/echo"/);
    assert.match(html, /waited 0 s/);
    const bad = await app.fetch(new Request("http://127.0.0.1/?sleep=forever"));
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /sleep must be a number of seconds from 0 to 60/);
    const ok = await app.fetch(new Request("http://127.0.0.1/?sleep=0"));
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  } finally {
    await app.close();
  }
});
