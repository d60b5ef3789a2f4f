// Message types (useBytes / useStr) and the size limit, over real sockets.
import assert from "node:assert/strict";
import { type Configurator, type WebsocketConnection, WebsocketMapper } from "@aio/pyramid";
import { assertEchoes, Client, echoConfig, withServer } from "./_helpers.ts";

/** Echoes back a description of each message's type, then the message itself. */
function typesConfig(settings?: Record<string, string>): Configurator {
  const config = echoConfig(settings);
  config.addRoute("types", "/types");
  config.addView(async function types(ws: WebsocketConnection) {
    for (;;) {
      const message = await ws.recv();
      if (message === null) break;
      await ws.send(
        typeof message === "string" ? `string:${message}` : `bytes:${message.join(",")}`,
      );
    }
  }, { routeName: "types", mapper: WebsocketMapper });
  return config;
}

async function typesOf(messages: (string | Uint8Array<ArrayBuffer>)[]): Promise<unknown[]> {
  const seen: unknown[] = [];
  await withServer(typesConfig(), async (running) => {
    const client = await Client.open(running.url("/types"));
    for (const message of messages) client.send(message);
    for (const _ of messages) seen.push(await client.next());
    await client.close();
  });
  return seen;
}

const utf8 = new TextEncoder().encode("hé") as Uint8Array<ArrayBuffer>;
const notUtf8 = new Uint8Array([0xff, 0xfe]);

Deno.test("by default text frames are strings and binary frames are bytes", async () => {
  assert.deepEqual(await typesOf(["hi", utf8, notUtf8]), [
    "string:hi",
    "bytes:104,195,169",
    "bytes:255,254",
  ]);
});

Deno.test({
  name: "WebsocketMapper.useBytes delivers text frames as Uint8Array",
  async fn() {
    WebsocketMapper.useBytes = true;
    try {
      assert.deepEqual(await typesOf(["hé", notUtf8]), ["bytes:104,195,169", "bytes:255,254"]);
    } finally {
      WebsocketMapper.useBytes = false;
    }
  },
});

Deno.test("WebsocketMapper.useStr delivers valid UTF-8 binary frames as strings", async () => {
  WebsocketMapper.useStr = true;
  try {
    assert.deepEqual(await typesOf(["hi", utf8, notUtf8]), [
      "string:hi",
      "string:hé",
      "bytes:255,254",
    ]);
  } finally {
    WebsocketMapper.useStr = false;
  }
});

Deno.test("useBytes on a WebsocketMapper subclass leaves the base mapper alone", async () => {
  class BytesMapper extends WebsocketMapper {
    static override useBytes = true;
  }
  const config = typesConfig();
  config.addRoute("raw", "/raw");
  config.addView(async function raw(ws: WebsocketConnection) {
    const message = await ws.recv();
    await ws.send(message instanceof Uint8Array ? "bytes" : "string");
  }, { routeName: "raw", mapper: BytesMapper });
  await withServer(config, async (running) => {
    const a = await Client.open(running.url("/raw"));
    a.send("x");
    assert.equal(await a.next(), "bytes");
    await a.whenClosed();
    const b = await Client.open(running.url("/types"));
    b.send("x");
    assert.equal(await b.next(), "string:x");
    await b.close();
  });
});

Deno.test("a message over aio.websocket.max_message_bytes closes the connection with 1009", async () => {
  const config = echoConfig({ "aio.websocket.max_message_bytes": "1000" });
  await withServer(config, async (running) => {
    const client = await Client.open(running.url("/echo"));
    client.send("a".repeat(1000)); // exactly the limit: fine
    assert.equal(await client.next(), "a".repeat(1000));
    client.send("é".repeat(501)); // 501 characters, 1002 bytes of UTF-8
    const closed = await client.whenClosed();
    assert.equal(closed.code, 1009);
    assert.match(closed.reason, /larger than 1000 bytes/);

    const binary = await Client.open(running.url("/echo"));
    binary.send(new Uint8Array(1001));
    assert.equal((await binary.whenClosed()).code, 1009);

    await assertEchoes(running);
  });
});

Deno.test("a bad aio.websocket.max_message_bytes is a configuration error when the Configurator is made", () => {
  // Checked with every other aio.* key at construction, not when a websocket view is mapped.
  assert.throws(
    () => echoConfig({ "aio.websocket.max_message_bytes": "lots" }),
    /'aio\.websocket\.max_message_bytes' = 'lots' is not valid: it must be a whole number/,
  );
});
