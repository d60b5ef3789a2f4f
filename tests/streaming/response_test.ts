import assert from "node:assert/strict";
import { isStreamable, streamingResponse } from "../../src/streaming/mod.ts";
import { ResponseDraft } from "@aio/pyramid";
import { readUntil, within, withServer } from "./_server.ts";

const encoder = new TextEncoder();

Deno.test("streaming: each chunk reaches the client as soon as it is produced", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  async function* page() {
    yield "first\n";
    await gate; // the second chunk exists only after the client saw the first
    yield encoder.encode("second\n");
  }
  await withServer(() => streamingResponse(page()), async ({ url }) => {
    const response = await fetch(url);
    assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(response.headers.get("x-accel-buffering"), "no");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    assert.equal((await reader.read()).value, "first\n");
    release();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += value;
    }
    assert.equal(rest, "second\n");
  });
});

Deno.test("streaming: a client that disconnects ends the iterator, its finally runs", async () => {
  let finished!: () => void;
  const finallyRan = new Promise<void>((resolve) => finished = resolve);
  let produced = 0;
  async function* ticker() {
    try {
      for (;;) {
        produced++;
        yield `tick ${produced}\n`;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      finished();
    }
  }
  await withServer(
    () => streamingResponse(ticker()),
    async ({ port, url }) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(encoder.encode("GET /ticks HTTP/1.1\r\nHost: x\r\n\r\n"));
      const seen = await readUntil(conn, "tick 2\n");
      assert.match(seen, /^HTTP\/1\.1 200/);
      conn.close();
      await within(finallyRan, 5000, "the generator's finally after the disconnect");
      const atClose = produced;
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(produced, atClose, "nothing is produced for a client that left");
      // The server still serves.
      const again = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const reader = again.body!.getReader();
      assert.ok((await reader.read()).value!.byteLength > 0);
      await reader.cancel();
    },
  );
});

Deno.test("streaming: an idle generator (awaiting) is ended through the request's signal when given", async () => {
  let finished!: () => void;
  const finallyRan = new Promise<void>((resolve) => finished = resolve);
  let wake!: () => void;
  async function* idle() {
    try {
      yield "waiting\n";
      // Waits on something that only the disconnect ends: nothing more is ever written, so only
      // the request's abort signal tells the server the client left.
      await new Promise<void>((resolve) => wake = resolve);
      yield "never\n";
    } finally {
      finished();
    }
  }
  await withServer((request) => {
    request.signal.addEventListener("abort", () => wake());
    return streamingResponse(idle(), undefined, { signal: request.signal });
  }, async ({ port }) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await readUntil(conn, "waiting\n");
    conn.close();
    await within(finallyRan, 5000, "the idle generator's finally after the disconnect");
  });
});

Deno.test("streaming: a ReadableStream of strings, with the view's status and headers", async () => {
  const draft = new ResponseDraft();
  draft.status = 206;
  draft.contentType = "text/csv";
  draft.headers.set("x-rows", "2");
  const rows = ReadableStream.from(["a,b\n", "1,2\n"]);
  const response = streamingResponse(rows, { hasResponseDraft: true, response: draft });
  assert.equal(response.status, 206);
  assert.equal(response.headers.get("content-type"), "text/csv");
  assert.equal(response.headers.get("x-rows"), "2");
  assert.equal(await response.text(), "a,b\n1,2\n");
});

Deno.test("streaming: a chunk that is not text or bytes cuts the body with a clear error", async () => {
  async function* wrong() {
    yield "ok\n";
    yield { not: "a chunk" } as unknown as string;
  }
  const response = streamingResponse(wrong());
  await assert.rejects(response.text(), /only yield strings or Uint8Arrays.*EventStream/s);
  await withServer(() => streamingResponse(wrong()), async ({ url }) => {
    await assert.rejects(fetch(url).then((r) => r.text()));
    // Only that response failed.
    await assert.rejects(fetch(url).then((r) => r.text()));
  });
});

Deno.test("streaming: isStreamable tells streams from plain values", () => {
  assert.ok(isStreamable((async function* () {})()));
  assert.ok(isStreamable(new ReadableStream()));
  for (const value of ["text", new Uint8Array(1), new Response("x"), { a: 1 }, [1], null, 3]) {
    assert.equal(isStreamable(value), false, String(value));
  }
});
