// Over a real socket: Deno.serve on port 0 with app.fetch, then shut down and app.close().
import assert from "node:assert/strict";
import { type App, Configurator, type PyramidRequest } from "@aio/pyramid";

interface Running {
  app: App;
  port: number;
  base: string;
  stop(): Promise<void>;
}

async function start(settings: Record<string, unknown> = {}): Promise<Running> {
  const config = new Configurator({ settings: { "aio.max_body_bytes": 1024, ...settings } });
  config.addRoute("hello", "/hello/{name}");
  config.addRoute("upload", "/upload");
  config.addView(async (request: PyramidRequest) => ({ hello: request.matchdict.name }), {
    routeName: "hello",
    renderer: "json",
  });
  config.addView(async (request: PyramidRequest) => ({ size: request.body.byteLength }), {
    routeName: "upload",
    requestMethod: "POST",
    renderer: "json",
  });
  const app = await config.makeApp();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const port = server.addr.port;
  return {
    app,
    port,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      await server.shutdown();
      await app.close();
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Sends raw bytes over TCP (the head, then body chunks one by one, stopping quietly if
 * the server closes the connection) and returns what the server answered.
 */
async function rawExchange(port: number, head: string, chunks: Uint8Array[]): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(encoder.encode(head));
    const reading = (async () => {
      let text = "";
      const buffer = new Uint8Array(4096);
      for (;;) {
        let n: number | null;
        try {
          n = await conn.read(buffer);
        } catch {
          break; // reset by the server after it answered
        }
        if (n === null) break;
        text += decoder.decode(buffer.subarray(0, n));
        const end = text.indexOf("\r\n\r\n");
        if (end >= 0) {
          const length = /content-length: (\d+)/i.exec(text.slice(0, end));
          if (length && text.length >= end + 4 + Number(length[1])) break;
        }
      }
      return text;
    })();
    for (const chunk of chunks) {
      try {
        await conn.write(chunk);
      } catch {
        break; // the server stopped reading and closed: expected for a refused body
      }
    }
    return await reading;
  } finally {
    conn.close();
  }
}

Deno.test("a real server: requests over a socket, then shutdown and app.close()", async () => {
  const running = await start();
  try {
    const response = await fetch(`${running.base}/hello/deno`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { hello: "deno" });
    const upload = await fetch(`${running.base}/upload`, {
      method: "POST",
      body: "x".repeat(1024),
    });
    assert.deepEqual(await upload.json(), { size: 1024 });
    const missing = await fetch(`${running.base}/nope`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const bad = await fetch(`${running.base}/hello/%E0%A4%A`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const wrongMethod = await fetch(`${running.base}/upload`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    await wrongMethod.body?.cancel();
  } finally {
    await running.stop();
  }
});

Deno.test("over a socket: Content-Length over the limit is a 413 before the body is sent", async () => {
  const running = await start();
  try {
    // Only the head is sent: the server must answer without waiting for 1 MB of body.
    const answer = await rawExchange(
      running.port,
      "POST /upload HTTP/1.1\r\nhost: localhost\r\ncontent-length: 1048576\r\n\r\n",
      [],
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /larger than 1024 bytes/);
    const after = await fetch(`${running.base}/hello/again`);
    assert.deepEqual(await after.json(), { hello: "again" });
  } finally {
    await running.stop();
  }
});

Deno.test("over a socket: a chunked body that crosses the limit is a 413; the server keeps serving", async () => {
  const running = await start();
  try {
    const chunk = (size: number) =>
      encoder.encode(`${size.toString(16)}\r\n${"y".repeat(size)}\r\n`);
    const chunks = Array.from({ length: 50 }, () => chunk(512));
    chunks.push(encoder.encode("0\r\n\r\n"));
    const answer = await rawExchange(
      running.port,
      "POST /upload HTTP/1.1\r\nhost: localhost\r\ntransfer-encoding: chunked\r\n\r\n",
      chunks,
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    // Under the limit, chunked, is accepted.
    const small = await rawExchange(
      running.port,
      "POST /upload HTTP/1.1\r\nhost: localhost\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
      [chunk(500), chunk(500), encoder.encode("0\r\n\r\n")],
    );
    assert.match(small, /^HTTP\/1\.1 200 /);
    assert.match(small, /\{"size":1000\}/);
    // A streamed fetch body over the limit, too.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(400));
        controller.close();
      },
    });
    const streamed = await fetch(`${running.base}/upload`, { method: "POST", body });
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();
    const after = await fetch(`${running.base}/hello/still-here`);
    assert.deepEqual(await after.json(), { hello: "still-here" });
  } finally {
    await running.stop();
  }
});
