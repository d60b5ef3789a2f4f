import assert from "node:assert/strict";
import { boundedBodyStream } from "../../src/streaming/mod.ts";
import { readUntil, within, withServer } from "./_server.ts";

const encoder = new TextEncoder();
const LIMIT = 1000;

// A view-like handler that reads the body incrementally and reports what it saw.
function counting(seen: number[]) {
  return async (request: Request) => {
    let total = 0;
    for await (const chunk of boundedBodyStream(request, LIMIT)) {
      total += chunk.byteLength;
      seen.push(total);
    }
    return new Response(`read ${total} bytes`);
  };
}

function chunk(size: number): Uint8Array {
  return encoder.encode(`${size.toString(16)}\r\n${"x".repeat(size)}\r\n`);
}

Deno.test("request body stream: chunks arrive as sent; a body within the limit is read whole", async () => {
  const seen: number[] = [];
  await withServer(counting(seen), async ({ url }) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode("a".repeat(300)));
        await gate; // the server has read the first part before the second is sent
        controller.enqueue(encoder.encode("b".repeat(300)));
        controller.close();
      },
    });
    const response = fetch(url, { method: "POST", body });
    await within(
      (async () => {
        while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
      })(),
      5000,
      "the first part read by the server",
    );
    assert.deepEqual(seen, [300]);
    release();
    assert.equal(await (await response).text(), "read 600 bytes");
  });
});

Deno.test("request body stream: a chunked body crossing aio.max_body_bytes is a 413 mid-stream", async () => {
  const seen: number[] = [];
  await withServer(counting(seen), async ({ port, url }) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode(
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    ));
    await conn.write(chunk(400));
    await conn.write(chunk(400));
    await conn.write(chunk(400)); // crosses 1000
    // No terminating chunk: the server answers before the body ends.
    const answer = await within(readUntil(conn, "max_body_bytes"), 5000, "the 413");
    conn.close();
    assert.match(answer, /^HTTP\/1\.1 413/);
    assert.match(answer, /larger than 1000 bytes \(aio\.max_body_bytes\)/);
    assert.ok(seen.length > 0 && seen.at(-1)! <= LIMIT, `read before the limit: ${seen}`);
    // The server still serves.
    assert.equal(await (await fetch(url, { method: "POST", body: "ok" })).text(), "read 2 bytes");
  });
});

Deno.test("request body stream: a declared Content-Length over the limit is refused before reading", async () => {
  const seen: number[] = [];
  await withServer(counting(seen), async ({ url }) => {
    const response = await fetch(url, { method: "POST", body: "y".repeat(LIMIT + 1) });
    assert.equal(response.status, 413);
    await response.body?.cancel();
    assert.deepEqual(seen, []);
  });
});

Deno.test("request body stream: leaving the loop early cancels the rest; reading twice is refused", async () => {
  const request = new Request("http://x/", { method: "POST", body: "z".repeat(500) });
  for await (const _ of boundedBodyStream(request, LIMIT)) break;
  assert.ok(request.bodyUsed);
  const again = boundedBodyStream(request, LIMIT);
  await assert.rejects(again.next(), /already read/);
  const empty = boundedBodyStream(new Request("http://x/"), LIMIT);
  assert.deepEqual(await empty.next(), { value: undefined, done: true });
});
