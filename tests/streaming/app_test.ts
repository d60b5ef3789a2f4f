// Streaming through a real app over real HTTP: views returning async iterables and
// EventStreams, request.stream() with streamBody, and disconnects.
import assert from "node:assert/strict";
import {
  ConfigurationError,
  Configurator,
  EventStream,
  publish,
  type PyramidRequest,
  serve,
  spawnBlocking,
} from "@aio/pyramid";
import { readUntil, within } from "./_server.ts";

const encoder = new TextEncoder();
const LIMIT = 1000;

interface Probe {
  release: () => void;
  finallyRan: Promise<void>;
}

function configure(probe: { gate: Promise<void>; finished: () => void }) {
  const config = new Configurator({
    settings: { "aio.max_body_bytes": String(LIMIT), "aio.executor.max_workers": 1 },
  });
  config.addRoute("page", "/page");
  config.addRoute("ticks", "/ticks");
  config.addRoute("live", "/live/{room}");
  config.addRoute("upload", "/upload");
  config.addRoute("echo", "/echo");
  config.addRoute("rows", "/rows");
  config.addView(async function page(request: PyramidRequest) {
    request.response.contentType = "text/html; charset=utf-8";
    return (async function* () {
      yield "<ul>";
      await probe.gate;
      yield "<li>late</li></ul>";
    })();
  }, { routeName: "page" });
  config.addView(async function ticks() {
    return (async function* () {
      try {
        for (let i = 0;; i++) {
          yield `tick ${i}\n`;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        probe.finished();
      }
    })();
  }, { routeName: "ticks" });
  config.addView(async function live(request: PyramidRequest) {
    return EventStream.fromChannel(`room:${request.matchdict.room}`, { event: "said" });
  }, { routeName: "live" });
  config.addView(async function upload(request: PyramidRequest) {
    let size = 0;
    let chunks = 0;
    for await (const chunk of request.stream()) {
      size += chunk.byteLength;
      chunks++;
    }
    return { size, chunks };
  }, { routeName: "upload", requestMethod: "POST", renderer: "json", streamBody: true });
  config.addView(async function echo(request: PyramidRequest) {
    let size = 0;
    for await (const chunk of request.stream()) size += chunk.byteLength;
    return { size, text: request.text };
  }, { routeName: "echo", requestMethod: "POST", renderer: "json" });
  // Blocking work streamed a piece at a time: the generator runs on the main isolate, each
  // piece is rendered in a worker.
  config.addView(async function rows() {
    return (async function* () {
      for (let n = 0; n < 3; n++) {
        yield await spawnBlocking<[number], string>("./fixtures/blocking_views.ts#renderRow", n);
      }
    })();
  }, { routeName: "rows" });
  return config;
}

async function withApp(body: (url: string, port: number, probe: Probe) => Promise<void>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let finished!: () => void;
  const finallyRan = new Promise<void>((resolve) => finished = resolve);
  const app = await configure({ gate, finished }).makeApp();
  const server = serve(app, { port: 0 });
  try {
    await body(server.url, server.addr.port, { release, finallyRan });
  } finally {
    release();
    await server.shutdown();
  }
}

Deno.test("streaming view: an async generator's chunks go out as produced, with the view's content type", async () => {
  await withApp(async (url, _port, probe) => {
    const response = await fetch(`${url}/page`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    assert.equal((await reader.read()).value, "<ul>");
    probe.release();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    assert.equal(rest, "<li>late</li></ul>");
  });
});

Deno.test("streaming view: a client that disconnects ends the view's generator (finally runs)", async () => {
  await withApp(async (url, port, probe) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode("GET /ticks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    assert.match(await readUntil(conn, "tick 2\n"), /^HTTP\/1\.1 200/);
    conn.close();
    await within(probe.finallyRan, 5000, "the view generator's finally");
    const next = await fetch(`${url}/page`);
    probe.release();
    assert.equal(await next.text(), "<ul><li>late</li></ul>");
  });
});

Deno.test("EventStream view: a pubsub channel is a live page for a real EventSource", async () => {
  await withApp(async (url) => {
    const source = new EventSource(`${url}/live/lobby`);
    try {
      await within(new Promise((resolve) => source.onopen = resolve), 5000, "EventSource open");
      const said = new Promise<string>((resolve) =>
        source.addEventListener("said", (event) => resolve((event as MessageEvent).data))
      );
      await publish("room:lobby", { from: "ann", text: "hello" });
      assert.deepEqual(JSON.parse(await within(said, 5000, "the event")), {
        from: "ann",
        text: "hello",
      });
    } finally {
      source.close();
    }
  });
});

Deno.test("request.stream(): a streamBody view reads the body as it arrives; over aio.max_body_bytes is a 413 mid-stream", async () => {
  await withApp(async (url, port) => {
    const small = await fetch(`${url}/upload`, {
      method: "POST",
      body: ReadableStream.from([encoder.encode("a".repeat(300)), encoder.encode("b".repeat(300))]),
    });
    assert.deepEqual((await small.json()).size, 600);

    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode(
      "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    ));
    for (let i = 0; i < 3; i++) {
      await conn.write(encoder.encode(`190\r\n${"x".repeat(400)}\r\n`));
    }
    const answer = await within(readUntil(conn, "max_body_bytes"), 5000, "the 413");
    conn.close();
    assert.match(answer, /^HTTP\/1\.1 413/);

    const declared = await fetch(`${url}/upload`, { method: "POST", body: "y".repeat(LIMIT + 1) });
    assert.equal(declared.status, 413);
    await declared.body?.cancel();

    // Without streamBody, request.stream() gives the body already read, in one chunk.
    const echo = await fetch(`${url}/echo`, { method: "POST", body: "hello" });
    assert.deepEqual(await echo.json(), { size: 5, text: "hello" });
  });
});

Deno.test("streaming view: blocking work streamed a piece at a time through spawnBlocking", async () => {
  await withApp(async (url) => {
    const response = await fetch(`${url}/rows`);
    assert.equal(
      await response.text(),
      "row 0 (worker: true)\nrow 1 (worker: true)\nrow 2 (worker: true)\n",
    );
  });
});

Deno.test("streaming view: HEAD gets the headers and no body; the server keeps serving", async () => {
  await withApp(async (url, _port, probe) => {
    const head = await fetch(`${url}/page`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(await head.text(), "");
    probe.release();
    assert.equal(await (await fetch(`${url}/page`)).text(), "<ul><li>late</li></ul>");
  });
});

Deno.test("streamBody: refused on a blocking view and beside schema.body, at makeApp()", async () => {
  const blocking = new Configurator();
  blocking.addRoute("a", "/a");
  blocking.addView("./fixtures/blocking_views.ts#notAsync", { routeName: "a", streamBody: true });
  await assert.rejects(blocking.makeApp(), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /notAsync.* streamBody but is not async/s);
    return true;
  });
  const both = new Configurator();
  both.addRoute("a", "/a");
  both.addView(async () => new Response("x"), {
    routeName: "a",
    streamBody: true,
    schema: { body: { type: "object" } },
  });
  await assert.rejects(both.makeApp(), /both streamBody and schema\.body/);
});
