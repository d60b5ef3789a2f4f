// The whole app: the home page through app.fetch, and both echo routes over real sockets.
import assert from "node:assert/strict";
import { main } from "../app.ts";

Deno.test("GET / renders the tutorial page; a bad ?sleep= gets 400", async () => {
  const app = await main({});
  try {
    const page = await app.fetch(new Request("http://127.0.0.1/?sleep=0"));
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<title>__PROJECT_NAME__ websocket test<\/title>/);
    assert.match(html, /data-echo-path="\/echo"/);
    const bad = await app.fetch(new Request("http://127.0.0.1/?sleep=forever"));
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /sleep must be a number of seconds from 0 to 60/);
  } finally {
    await app.close();
  }
});

/** Sends each message over a real websocket and returns the replies. */
async function talk(url: string, messages: string[]): Promise<unknown[]> {
  const socket = new WebSocket(url);
  const replies: unknown[] = [];
  const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no echo from ${url} within 10 s`)), 10_000);
      socket.addEventListener("open", () => messages.forEach((m) => socket.send(m)));
      socket.addEventListener("message", (event) => {
        replies.push(event.data);
        if (replies.length === messages.length) resolve();
      });
      socket.addEventListener("error", () => reject(new Error(`${url} failed`)));
    });
  } finally {
    clearTimeout(timer);
    socket.close();
    await closed;
  }
  return replies;
}

Deno.test("/echo and /echo-blocking echo over real sockets", async () => {
  const app = await main({});
  await app.ready();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    const messages = ["Aiopyramid echo test.", "second"];
    for (const path of ["/echo", "/echo-blocking"]) {
      assert.deepEqual(await talk(`ws://127.0.0.1:${server.addr.port}${path}`, messages), messages);
    }
    const plain = await fetch(`http://127.0.0.1:${server.addr.port}/echo`);
    assert.equal(plain.status, 400);
    assert.match(await plain.text(), /Invalid WebSocket handshake/);
  } finally {
    await app.close();
    await server.shutdown();
  }
});
