// aio.websocket.idle_timeout_ms: idle peers are pinged; ones that never answer are closed.
import assert from "node:assert/strict";
import { type WebsocketConnection, WebsocketMapper } from "@aio/pyramid";
import {
  assertEchoes,
  Client,
  echoConfig,
  rawUpgrade,
  sleep,
  within,
  withServer,
} from "./_helpers.ts";

/** Reads server frames until the connection ends; returns their opcodes and the close code. */
async function readFramesUntilEnd(
  conn: Deno.Conn,
): Promise<{ opcodes: number[]; closeCode?: number }> {
  const bytes: number[] = [];
  const chunk = new Uint8Array(1024);
  for (;;) {
    const n = await conn.read(chunk).catch(() => null);
    if (n === null) break;
    bytes.push(...chunk.subarray(0, n));
  }
  const opcodes: number[] = [];
  let closeCode: number | undefined;
  for (let i = 0; i + 1 < bytes.length;) {
    const opcode = bytes[i] & 0x0f;
    const length = bytes[i + 1] & 0x7f; // control frames and our short test frames
    opcodes.push(opcode);
    if (opcode === 0x8 && length >= 2) closeCode = (bytes[i + 2] << 8) | bytes[i + 3];
    i += 2 + length;
  }
  return { opcodes, closeCode };
}

Deno.test("a peer that never answers pings is closed after aio.websocket.idle_timeout_ms", async () => {
  const config = echoConfig({ "aio.websocket.idle_timeout_ms": "1000" });
  let ended = false;
  config.addRoute("wait", "/wait");
  config.addView(async function wait(ws: WebsocketConnection) {
    assert.equal(await ws.recv(), null);
    ended = true;
  }, { routeName: "wait", mapper: WebsocketMapper });
  await withServer(config, async (running) => {
    const conn = await rawUpgrade(running.port, "/wait");
    const started = Date.now();
    try {
      const { opcodes, closeCode } = await within(readFramesUntilEnd(conn), 5000, "idle close");
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 800 && elapsed < 3000, `closed after ${elapsed} ms`);
      assert.equal(opcodes[0], 0x9, "pinged first");
      assert.equal(closeCode, 1001);
    } finally {
      conn.close();
    }
    await sleep(20);
    assert.ok(ended, "recv() gave null to the view");
    await assertEchoes(running);
  });
});

Deno.test("an idle peer that answers pings stays connected past the idle timeout", async () => {
  await withServer(echoConfig({ "aio.websocket.idle_timeout_ms": "1000" }), async (running) => {
    const client = await Client.open(running.url("/echo"));
    await sleep(2500);
    assert.equal(client.socket.readyState, WebSocket.OPEN);
    client.send("after a nap");
    assert.equal(await client.next(), "after a nap");
    await client.close();
  });
});

Deno.test("aio.websocket.idle_timeout_ms = 0 turns the idle pings off", async () => {
  await withServer(echoConfig({ "aio.websocket.idle_timeout_ms": "0" }), async (running) => {
    const conn = await rawUpgrade(running.port, "/echo");
    try {
      const chunk = new Uint8Array(64);
      const read = conn.read(chunk);
      const outcome = await Promise.race([
        read.then(() => "frame"),
        sleep(1500).then(() => "quiet"),
      ]);
      assert.equal(outcome, "quiet");
      conn.close();
      await read.catch(() => {});
    } catch (error) {
      conn.close();
      throw error;
    }
    await assertEchoes(running);
  });
});
