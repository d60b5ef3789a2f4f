// Bad handshakes get 400 and vanishing clients leave the server serving.
import assert from "node:assert/strict";
import { type Registry, type WebsocketConnection, WebsocketMapper, WEBSOCKETS } from "@aio/pyramid";
import {
  assertEchoes,
  captureErrors,
  echoConfig,
  eventually,
  handshake,
  rawRequest,
  rawUpgrade,
  sleep,
  textFrame,
  within,
  withServer,
} from "./_helpers.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

function badHandshakes(port: number): Record<string, string> {
  const host = `Host: 127.0.0.1:${port}\r\n`;
  const good = `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n`;
  return {
    "plain GET": `GET /echo HTTP/1.1\r\n${host}\r\n`,
    "no key": `GET /echo HTTP/1.1\r\n${host}${good}\r\n`,
    "short key": `GET /echo HTTP/1.1\r\n${host}${good}Sec-WebSocket-Key: abc==\r\n\r\n`,
    "key not base64": `GET /echo HTTP/1.1\r\n${host}${good}Sec-WebSocket-Key: ${
      "!".repeat(22)
    }==\r\n\r\n`,
    "version 8": `GET /echo HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`,
    "no version": `GET /echo HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${KEY}\r\n\r\n`,
    "upgrade h2c": `GET /echo HTTP/1.1\r\n${host}Upgrade: h2c\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`,
    "connection keep-alive":
      `GET /echo HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: keep-alive\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`,
    "POST": `POST /echo HTTP/1.1\r\n${host}Content-Length: 2\r\n\r\nhi`,
    // Deno's HTTP layer refuses this one itself (400, empty body, connection closed).
    "POST with upgrade headers":
      `POST /echo HTTP/1.1\r\n${host}${good}Sec-WebSocket-Key: ${KEY}\r\n` +
      `Content-Length: 0\r\n\r\n`,
  };
}

Deno.test("a websocket route hit without a valid handshake answers 400 and the server still echoes", async () => {
  await withServer(echoConfig(), async (running) => {
    const plain = await fetch(`http://127.0.0.1:${running.port}/echo`);
    assert.equal(plain.status, 400);
    assert.equal(await plain.text(), "Invalid WebSocket handshake.\n");

    for (const [what, request] of Object.entries(badHandshakes(running.port))) {
      const response = await rawRequest(running.port, request);
      assert.equal(response.status, 400, `${what}: ${response.head}`);
      if (what === "POST with upgrade headers") continue;
      assert.equal(response.body, "Invalid WebSocket handshake.\n", what);
    }
    await assertEchoes(running);
  });
});

Deno.test("bad handshakes through app.fetch answer 400 too (HEAD with no body)", async () => {
  const app = await echoConfig().makeApp();
  try {
    const response = await app.fetch(
      new Request("http://localhost/echo", {
        headers: { upgrade: "websocket", connection: "upgrade" },
      }),
    );
    assert.equal(response.status, 400);
    assert.equal(await response.text(), "Invalid WebSocket handshake.\n");
    const head = await app.fetch(new Request("http://localhost/echo", { method: "HEAD" }));
    assert.equal(head.status, 400);
    assert.equal(await head.text(), "");
  } finally {
    await app.close();
  }
});

Deno.test("a client that completes the handshake over raw TCP can talk, and vanish", async () => {
  await withServer(echoConfig(), async (running) => {
    const conn = await rawUpgrade(running.port, "/echo");
    await conn.write(textFrame("raw hello"));
    const buffer = new Uint8Array(64);
    const n = await within(conn.read(buffer), 5000, "the echo frame");
    assert.ok(n !== null && n >= 2);
    assert.equal(buffer[0], 0x81);
    assert.equal(new TextDecoder().decode(buffer.subarray(2, 2 + buffer[1])), "raw hello");
    conn.close(); // abrupt: no close frame
    await assertEchoes(running);
  });
});

Deno.test("a client vanishing mid-send leaves the server serving", async () => {
  const config = echoConfig();
  let ended: unknown = "still running";
  let sent = 0;
  config.addRoute("flood", "/flood");
  config.addView(async function flood(ws: WebsocketConnection) {
    const chunk = "x".repeat(64 * 1024);
    try {
      for (;;) {
        await ws.send(chunk);
        sent++;
      }
    } catch (error) {
      ended = error;
      throw error;
    }
  }, { routeName: "flood", mapper: WebsocketMapper });
  await captureErrors(async (errors) => {
    await withServer(config, async (running) => {
      for (let round = 0; round < 3; round++) {
        const conn = await rawUpgrade(running.port, "/flood");
        await eventually(() => sent > 10, "the view is sending");
        conn.close(); // mid-send, without a close frame
        await eventually(() => ended !== "still running", "the view ended", 10_000);
        assert.equal((ended as Error).name, "WebsocketClosed");
        ended = "still running";
        sent = 0;
        await assertEchoes(running);
      }
      assert.ok(errors.every((e) => e.includes("WebsocketClosed")), errors.join("\n"));
    });
  });
});

Deno.test("a client vanishing mid-handshake leaves the server serving", async () => {
  await withServer(echoConfig(), async (running) => {
    for (let i = 0; i < 5; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: running.port });
      // Half a request line, then a whole request whose 101 nobody reads.
      await conn.write(
        new TextEncoder().encode(i % 2 ? "GET /ec" : handshake("/echo", running.port)),
      );
      conn.close();
    }
    await sleep(50);
    await assertEchoes(running);
    assert.equal(websocketsOpen(running.app), 0);
  });
});

function websocketsOpen(app: { registry: Registry }): number {
  return app.registry.queryUtility(WEBSOCKETS)?.live.size ?? 0;
}
