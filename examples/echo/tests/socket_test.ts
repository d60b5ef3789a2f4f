// The echo app over real sockets: /echo, /echo-class, and /echo-blocking once the executor
// runs plain websocket views.
import assert from "node:assert/strict";
import { main } from "../app.ts";

async function withApp(settings: Record<string, string>, fn: (port: number) => Promise<void>) {
  const app = await main(settings);
  // A cold worker start (under `deno test` it type-checks the worker module, seconds on a
  // fresh machine) is not what the 5 s guards below are about.
  await app.ready();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  try {
    await fn(server.addr.port);
  } finally {
    await app.close();
    await server.shutdown();
  }
}

/** Sends each message and returns what came back, then closes. */
async function talk(
  url: string,
  messages: string[],
): Promise<{ replies: unknown[]; code: number }> {
  const socket = new WebSocket(url);
  const replies: unknown[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = new Promise<number>((resolve) =>
    socket.addEventListener("close", (e) => resolve(e.code))
  );
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no echo from ${url}`)), 5000);
      socket.addEventListener("open", () => messages.forEach((m) => socket.send(m)));
      socket.addEventListener("message", (event) => {
        replies.push(event.data);
        if (replies.length === messages.length) resolve();
      });
      closed.then((code) => reject(new Error(`closed early with ${code}`)));
    });
  } finally {
    clearTimeout(timer);
    socket.close(1000);
  }
  return { replies, code: await closed };
}

/** Fails instead of hanging when `promise` takes over 5 s. */
async function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over 5 s`)), 5000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const MESSAGES = ["Aiopyramid echo test.", "second", "ü ✓"];

Deno.test("/echo and /echo-class echo over a real socket", async () => {
  await withApp({ "echo.blocking": "false" }, async (port) => {
    for (const path of ["/echo", "/echo-class"]) {
      const { replies, code } = await talk(`ws://127.0.0.1:${port}${path}`, MESSAGES);
      assert.deepEqual(replies, MESSAGES, path);
      assert.equal(code, 1000);
    }
    // Without the switch /echo-blocking has no view.
    const blocking = await fetch(`http://127.0.0.1:${port}/echo-blocking`);
    assert.equal(blocking.status, 404);
    await blocking.body?.cancel();
  });
});

Deno.test({
  name: "/echo-blocking echoes from the executor over a real socket",
  async fn() {
    await withApp({ "echo.blocking": "true" }, async (port) => {
      const { replies, code } = await talk(`ws://127.0.0.1:${port}/echo-blocking`, MESSAGES);
      assert.deepEqual(replies, MESSAGES);
      assert.equal(code, 1000);
      // The event loop stays free while a blocking view waits in recv().
      const socket = new WebSocket(`ws://127.0.0.1:${port}/echo-blocking`);
      await bounded(new Promise((resolve) => socket.addEventListener("open", resolve)), "open");
      const page = await fetch(`http://127.0.0.1:${port}/?sleep=0`);
      assert.equal(page.status, 200);
      await page.body?.cancel();
      const done = new Promise((resolve) => socket.addEventListener("close", resolve));
      socket.close();
      await bounded(done, "the blocking view to see the close");
    });
  },
});
