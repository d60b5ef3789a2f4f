// request.header(name) and the trusted-host check read single headers of a request served by
// Deno.serve without touching request.headers (which makes Deno copy the whole header list at
// the end of the request). The answers must equal Headers.get's in every case.
import assert from "node:assert/strict";
import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { readHeader, readsNatively } from "../../src/request/_native_header.ts";

// Serves `handler` on a free port for the duration of `body`.
async function serving(
  handler: (request: Request) => Response | Promise<Response>,
  body: (port: number) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  try {
    await body(server.addr.port);
  } finally {
    await server.shutdown();
  }
}

// Sends raw HTTP/1.1, so repeated headers and odd casing reach the server as written.
async function send(port: number, lines: string[]): Promise<{ status: number; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const text = `GET /h HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${
    lines.map((l) => `${l}\r\n`).join("")
  }Connection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(text));
  const answer = await new Response(conn.readable).text();
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]),
    body: answer.slice(answer.indexOf("\r\n\r\n") + 4),
  };
}

const NAMES = ["host", "x-one", "x-twice", "x-empty", "x-missing", "accept", "content-type"];

Deno.test("readHeader answers as Headers.get for a served request, reading natively on this Deno", async () => {
  await serving((request) => {
    // Natively first: the Headers object is only touched afterwards, for the comparison.
    const native = readsNatively(request);
    const mine = NAMES.map((name) => readHeader(request, name));
    const theirs = NAMES.map((name) => request.headers.get(name));
    return Response.json({ native, mine, theirs });
  }, async (port) => {
    const answer = await send(port, [
      "X-One: 1",
      "x-TWICE: a",
      "X-Twice: b",
      "X-Empty: ",
      "Accept: text/plain",
    ]);
    assert.equal(answer.status, 200, answer.body);
    const { native, mine, theirs } = JSON.parse(answer.body);
    // If a Deno upgrade drops the native request, this fails: the fallback still answers
    // correctly, but every request would pay for the header-list copy again.
    assert.equal(native, true, "Deno.serve requests are read natively on this Deno");
    assert.deepEqual(mine, theirs);
    assert.deepEqual(mine, [`127.0.0.1:${port}`, "1", "a, b", "", null, "text/plain", null]);
  });
});

Deno.test("readHeader falls back to Headers.get for a Request built in JavaScript", () => {
  const request = new Request("http://example.com/", {
    headers: [["X-Twice", "a"], ["x-twice", "b"], ["Accept", "*/*"]],
  });
  assert.equal(readsNatively(request), false);
  assert.equal(readHeader(request, "x-twice"), "a, b");
  assert.equal(readHeader(request, "accept"), "*/*");
  assert.equal(readHeader(request, "x-missing"), null);
});

Deno.test("request.header(): any name casing, in a view over a real socket, and after keepHeaders()", async () => {
  const config = new Configurator({ settings: { "aio.debug": "false" } });
  config.addRoute("h", "/h");
  config.addView(async function headerView(request: PyramidRequest) {
    const before = [request.header("X-ONE"), request.header("x-twice"), request.header("nope")];
    request.keepHeaders();
    const after = [request.header("x-one"), request.header("X-Twice"), request.header("nope")];
    return await Promise.resolve({ before, after });
  }, { routeName: "h", renderer: "json" });
  const app = await config.makeApp();
  try {
    await serving(app.fetch, async (port) => {
      const answer = await send(port, ["X-One: 1", "X-Twice: a", "X-Twice: b"]);
      assert.equal(answer.status, 200, answer.body);
      assert.deepEqual(JSON.parse(answer.body), {
        before: ["1", "a, b", null],
        after: ["1", "a, b", null],
      });
      // A malformed Host is still refused before routing, and the server serves on.
      const bad = await send(port, ["Host: 127.0.0.1/json#"]);
      assert.equal(bad.status, 400);
      assert.equal((await send(port, ["X-One: 2"])).status, 200);
    });
  } finally {
    await app.close();
  }
});
