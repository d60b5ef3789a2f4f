// Function views over real sockets: echo, ordering at close, close codes, WebsocketClosed.
import assert from "node:assert/strict";
import {
  ignoreWebsocketClosed,
  WebsocketClosed,
  type WebsocketConnection,
  WebsocketMapper,
} from "@aio/pyramid";
import {
  assertEchoes,
  captureErrors,
  Client,
  echoConfig,
  eventually,
  serveApp,
  sleep,
  within,
  withServer,
} from "./_helpers.ts";

Deno.test("a function view echoes text and binary messages in order", async () => {
  await withServer(echoConfig(), async (running) => {
    const client = await Client.open(running.url("/echo"));
    for (let i = 0; i < 50; i++) client.send(`message ${i}`);
    client.send(new Uint8Array([0, 1, 2, 255]));
    for (let i = 0; i < 50; i++) assert.equal(await client.next(), `message ${i}`);
    const bytes = await client.next();
    assert.ok(bytes instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(bytes)], [0, 1, 2, 255]);
    const closed = await client.close(1000);
    assert.equal(closed.code, 1000);
  });
});

Deno.test("messages that arrive before the peer closes are delivered before recv() gives null", async () => {
  const config = echoConfig();
  const seen: (string | null)[] = [];
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  config.addRoute("slow", "/slow");
  config.addView(async function slowReader(ws: WebsocketConnection) {
    // Read nothing until the peer has sent everything and closed.
    await ws.done;
    for (;;) {
      const message = await ws.recv();
      seen.push(message as string | null);
      if (message === null) break;
    }
    finished();
  }, { routeName: "slow", mapper: WebsocketMapper });
  await withServer(config, async (running) => {
    const client = await Client.open(running.url("/slow"));
    for (let i = 0; i < 20; i++) client.send(`m${i}`);
    await client.close(1000);
    await within(done, 5000, "the view");
    assert.deepEqual(seen, [...Array.from({ length: 20 }, (_, i) => `m${i}`), null]);
    // recv() keeps giving null afterwards.
  });
});

Deno.test("the framework closes with 1000 when the view returns", async () => {
  const config = echoConfig();
  config.addRoute("once", "/once");
  config.addView(async function once(ws: WebsocketConnection) {
    const message = await ws.recv();
    await ws.send(`got ${message}`);
  }, { routeName: "once", mapper: WebsocketMapper });
  config.addRoute("at-once", "/at-once");
  config.addView(async function returnsAtOnce(_ws: WebsocketConnection) {}, {
    routeName: "at-once",
    mapper: WebsocketMapper,
  });
  await withServer(config, async (running) => {
    const client = await Client.open(running.url("/once"));
    client.send("hello");
    assert.equal(await client.next(), "got hello");
    const closed = await client.whenClosed();
    assert.equal(closed.code, 1000);
    assert.ok(closed.wasClean);

    // A view that returns before the upgrade has finished still closes with 1000.
    const early = await Client.open(running.url("/at-once"));
    assert.equal((await early.whenClosed()).code, 1000);
  });
});

Deno.test("the framework closes with 1011 when the view throws, and logs the error", async () => {
  const config = echoConfig();
  config.addRoute("boom", "/boom");
  config.addView(async function boom(ws: WebsocketConnection) {
    await ws.recv();
    throw new Error("kaboom in the view");
  }, { routeName: "boom", mapper: WebsocketMapper });
  config.addRoute("boom-now", "/boom-now");
  config.addView(async function boomNow(_ws: WebsocketConnection) {
    throw new Error("kaboom before open");
  }, { routeName: "boom-now", mapper: WebsocketMapper });
  await captureErrors(async (errors) => {
    await withServer(config, async (running) => {
      const client = await Client.open(running.url("/boom"));
      client.send("go");
      assert.equal((await client.whenClosed()).code, 1011);
      await eventually(() => errors.some((e) => e.includes("kaboom in the view")), "error logged");
      const line = errors.find((e) => e.includes("kaboom in the view"))!;
      assert.match(line, /websocket view boom failed while handling GET \/boom/);

      const early = await Client.open(running.url("/boom-now"));
      assert.equal((await early.whenClosed()).code, 1011);
      await eventually(() => errors.some((e) => e.includes("kaboom before open")), "error logged");

      await assertEchoes(running);
    });
  });
});

async function sendAfterClose(ignore: boolean): Promise<{ errors: string[]; caught: unknown }> {
  const config = echoConfig();
  let caught: unknown;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  config.addRoute("late", "/late");
  config.addView(async function late(ws: WebsocketConnection) {
    try {
      await ws.recv();
      assert.equal(await ws.recv(), null);
      try {
        await ws.send("too late");
      } catch (error) {
        caught = error;
      }
      await ws.send("too late again"); // escapes the view
    } finally {
      finished();
    }
  }, { routeName: "late", mapper: WebsocketMapper });
  return await captureErrors(async (errors) => {
    const app = await config.makeApp();
    const running = serveApp(ignore ? ignoreWebsocketClosed(app) : app);
    try {
      const client = await Client.open(running.url("/late"));
      client.send("one");
      await client.close(1000);
      await within(done, 5000, "the view");
      await sleep(20);
      await assertEchoes(running);
    } finally {
      await running.close();
    }
    return { errors: [...errors], caught };
  });
}

Deno.test("sending after the peer closed throws WebsocketClosed, which is logged", async () => {
  const { errors, caught } = await sendAfterClose(false);
  assert.ok(caught instanceof WebsocketClosed, String(caught));
  assert.equal(caught.code, 1000);
  assert.match(caught.message, /closed.*catch WebsocketClosed/);
  assert.equal(errors.filter((e) => e.includes("WebsocketClosed")).length, 1, errors.join("\n"));
});

Deno.test("ignoreWebsocketClosed(app) keeps WebsocketClosed out of the log", async () => {
  const { errors, caught } = await sendAfterClose(true);
  assert.ok(caught instanceof WebsocketClosed);
  assert.deepEqual(errors, []);
});

Deno.test("ignoreWebsocketClosed(app) still logs other errors", async () => {
  const config = echoConfig();
  config.addRoute("boom", "/boom");
  config.addView(async function boom(_ws: WebsocketConnection) {
    throw new TypeError("not a WebsocketClosed");
  }, { routeName: "boom", mapper: WebsocketMapper });
  await captureErrors(async (errors) => {
    const running = serveApp(ignoreWebsocketClosed(await config.makeApp()));
    try {
      const client = await Client.open(running.url("/boom"));
      assert.equal((await client.whenClosed()).code, 1011);
      await eventually(() => errors.some((e) => e.includes("not a WebsocketClosed")), "logged");
    } finally {
      await running.close();
    }
  });
});

Deno.test("a view can close the socket itself with its own code and reason", async () => {
  const config = echoConfig();
  config.addRoute("bye", "/bye");
  config.addView(async function bye(ws: WebsocketConnection) {
    await ws.recv();
    ws.close(4000, "bye now");
    assert.equal(ws.closed, true);
    assert.equal(await ws.recv(), null);
  }, { routeName: "bye", mapper: WebsocketMapper });
  await withServer(config, async (running) => {
    const client = await Client.open(running.url("/bye"));
    client.send("x");
    const closed = await client.whenClosed();
    assert.equal(closed.code, 4000);
    assert.equal(closed.reason, "bye now");
  });
});
