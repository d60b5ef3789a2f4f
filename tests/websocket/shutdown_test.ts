// app.close(): every open socket gets 1001, views get to finish, new upgrades are refused.
import assert from "node:assert/strict";
import { type WebsocketConnection, WebsocketMapper } from "@aio/pyramid";
import { Client, echoConfig, handshake, rawRequest, serveApp, sleep, within } from "./_helpers.ts";

Deno.test("app.close() closes every open socket with 1001 and lets views finish", async () => {
  const config = echoConfig();
  const finished: number[] = [];
  config.addRoute("tidy", "/tidy/{n}");
  config.addView(async function tidy(ws: WebsocketConnection) {
    for (;;) {
      const message = await ws.recv();
      if (message === null) break;
      await ws.send(message);
    }
    await sleep(100); // cleanup that outlives the socket
    finished.push(Date.now());
  }, { routeName: "tidy", mapper: WebsocketMapper });
  const running = serveApp(await config.makeApp());
  const clients: Client[] = [];
  try {
    for (let i = 0; i < 5; i++) clients.push(await Client.open(running.url(`/tidy/${i}`)));
    for (let i = 0; i < 3; i++) clients.push(await Client.open(running.url("/echo")));
    for (const client of clients) {
      client.send("ping");
      assert.equal(await client.next(), "ping");
    }
    const started = Date.now();
    await within(running.app.close(), 5000, "app.close()");
    assert.ok(Date.now() - started >= 90, "app.close() waited for the views' cleanup");
    assert.equal(finished.length, 5, "every view finished before app.close() resolved");
    for (const client of clients) {
      const closed = await client.whenClosed();
      assert.equal(closed.code, 1001);
      assert.equal(closed.reason, "Server shutting down.");
    }
    // The HTTP server is still up until shutdown(); the app refuses new upgrades.
    const refused = await rawRequest(running.port, handshake("/echo", running.port));
    assert.equal(refused.status, 503, refused.head);
    assert.match(refused.head, /\r\nretry-after: 1/i);
    assert.match(refused.body, /shutting down/);
  } finally {
    await running.close();
  }
});

Deno.test("app.close() does not wait forever for a view that ignores the close", async () => {
  const config = echoConfig({ "aio.websocket.shutdown_grace_ms": "200" });
  let release!: () => void;
  const stuck = new Promise<void>((resolve) => (release = resolve));
  config.addRoute("stuck", "/stuck");
  config.addView(async function stubborn(ws: WebsocketConnection) {
    await ws.recv();
    await stuck; // ignores recv() giving null
  }, { routeName: "stuck", mapper: WebsocketMapper });
  const running = serveApp(await config.makeApp());
  try {
    const client = await Client.open(running.url("/stuck"));
    client.send("hold");
    const started = Date.now();
    await within(running.app.close(), 3000, "app.close()");
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 180 && elapsed < 2000, `app.close() took ${elapsed} ms`);
    assert.equal((await client.whenClosed()).code, 1001);
  } finally {
    release();
    await running.close();
  }
});
