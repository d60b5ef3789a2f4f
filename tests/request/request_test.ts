import assert from "node:assert/strict";
import { withApp } from "../_helpers.ts";
import {
  type App,
  ConfigurationError,
  Configurator,
  MultiDict,
  type PyramidRequest,
} from "@aio/pyramid";

async function call(
  app: App,
  url: string,
  init?: RequestInit,
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await app.fetch(
    new Request(url.startsWith("http") ? url : `http://localhost${url}`, init),
  );
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** An app with one route whose view returns `inspect(request)` as JSON. */
function inspecting(
  inspect: (request: PyramidRequest) => unknown,
  pattern = "/echo",
  settings?: Record<string, unknown>,
): Configurator {
  const config = new Configurator({ settings });
  config.addRoute("echo", pattern);
  config.addView(async (request: PyramidRequest) => inspect(request), {
    routeName: "echo",
    renderer: "json",
  });
  return config;
}

Deno.test("MultiDict: get with default, getAll, has, keys, size, toObject", () => {
  const dict = MultiDict.fromSearch("?tag=a&tag=b&page=2&empty=");
  assert.equal(dict.get("tag"), "b"); // the last value, as WebOb does
  assert.deepEqual(dict.getAll("tag"), ["a", "b"]);
  assert.equal(dict.get("missing"), undefined);
  assert.equal(dict.get("missing", "fallback"), "fallback");
  assert.equal(dict.get("empty", "fallback"), "");
  assert.ok(dict.has("page") && dict.has("empty") && !dict.has("nope"));
  assert.deepEqual(dict.getAll("nope"), []);
  assert.deepEqual(dict.keys(), ["tag", "page", "empty"]);
  assert.equal(dict.size, 4);
  assert.deepEqual(dict.toObject(), { tag: "b", page: "2", empty: "" });
  assert.deepEqual(JSON.parse(JSON.stringify(dict)), [["tag", "a"], ["tag", "b"], ["page", "2"], [
    "empty",
    "",
  ]]);
  assert.equal(MultiDict.fromSearch("").size, 0);
});

Deno.test("params, GET and POST with a urlencoded form", async () => {
  const config = inspecting((r) => ({
    get: [...r.GET],
    post: [...r.POST],
    params: r.params.getAll("x"),
    last: r.params.get("x"),
    fallback: r.params.get("nope", "dflt"),
    hasY: r.params.has("y"),
  }));
  await withApp(config, async (app) => {
    const { status, text } = await call(app, "/echo?x=1&x=2&q=a%20b", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" },
      body: "x=3&y=%C3%A9+z",
    });
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(text), {
      get: [["x", "1"], ["x", "2"], ["q", "a b"]],
      post: [["x", "3"], ["y", "é z"]],
      params: ["1", "2", "3"],
      last: "3",
      fallback: "dflt",
      hasY: true,
    });
  });
});

Deno.test("a multipart form: fields and files", async () => {
  const config = inspecting(async (r) => {
    const file = r.POST.get("upload") as File;
    return {
      title: r.POST.get("title"),
      tags: r.params.getAll("tag"),
      file: [file.name, file.type, await file.text()],
    };
  });
  await withApp(config, async (app) => {
    const form = new FormData();
    form.append("title", "Hello");
    form.append("tag", "a");
    form.append("tag", "b");
    form.append("upload", new File(["file body"], "notes.txt", { type: "text/plain" }));
    const { status, text } = await call(app, "/echo", { method: "POST", body: form });
    assert.equal(status, 200, text);
    assert.deepEqual(JSON.parse(text), {
      title: "Hello",
      tags: ["a", "b"],
      file: ["notes.txt", "text/plain", "file body"],
    });
  });
});

Deno.test("malformed multipart is a 400, and the app still serves", async () => {
  const config = inspecting((r) => ({ fields: r.POST.size }));
  await withApp(config, async (app) => {
    const bad = await call(app, "/echo", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=XYZ" },
      body: "--XYZ\r\nthis is not a part\r\n",
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /multipart form body is malformed/);
    const truncated = await call(app, "/echo", {
      method: "POST",
      headers: { "content-type": 'multipart/form-data; boundary="XYZ"' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nval',
    });
    assert.equal(truncated.status, 400);
    assert.match(truncated.text, /closing boundary/);
    const garbage = await call(app, "/echo", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=XYZ" },
      body: "garbage",
    });
    assert.equal(garbage.status, 400);
    const noBoundary = await call(app, "/echo", {
      method: "POST",
      headers: { "content-type": "multipart/form-data" },
      body: "x",
    });
    assert.equal(noBoundary.status, 400);
    assert.deepEqual(JSON.parse((await call(app, "/echo")).text), { fields: 0 });
  });
});

Deno.test("json, text and body", async () => {
  const config = inspecting((r) => ({
    json: r.json,
    text: r.text,
    bytes: r.body.byteLength,
    post: r.POST.size,
  }));
  await withApp(config, async (app) => {
    const payload = JSON.stringify({ a: [1, 2], é: true });
    const { status, text } = await call(app, "/echo", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: payload,
    });
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(text), {
      json: { a: [1, 2], é: true },
      text: payload,
      bytes: new TextEncoder().encode(payload).byteLength,
      post: 0,
    });
  });
});

Deno.test("malformed JSON is a 400 only when the view reads request.json", async () => {
  const config = new Configurator();
  config.addRoute("reads", "/reads");
  config.addRoute("ignores", "/ignores");
  config.addView(async (r: PyramidRequest) => ({ got: r.json }), {
    routeName: "reads",
    renderer: "json",
  });
  config.addView(async (r: PyramidRequest) => ({ length: r.text.length }), {
    routeName: "ignores",
    renderer: "json",
  });
  await withApp(config, async (app) => {
    const init = {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    };
    const bad = await call(app, "/reads", init);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /not valid JSON/);
    const ignored = await call(app, "/ignores", init);
    assert.equal(ignored.status, 200);
    assert.deepEqual(JSON.parse(ignored.text), { length: 9 });
    const empty = await call(app, "/reads", { method: "POST", body: "" });
    assert.equal(empty.status, 400);
    const good = await call(app, "/reads", { ...init, body: "[1]" });
    assert.deepEqual(JSON.parse(good.text), { got: [1] });
  });
});

Deno.test("cookies, host, scheme, url, method and headers", async () => {
  const config = inspecting((r) => ({
    cookies: r.cookies,
    host: r.host,
    scheme: r.scheme,
    url: r.url,
    method: r.method,
    agent: r.headers.get("user-agent"),
    applicationUrl: r.applicationUrl,
    isXhr: r.isXhr,
  }));
  await withApp(config, async (app) => {
    const { text } = await call(app, "https://example.org:8443/echo?x=1", {
      headers: {
        cookie: "session=abc%20def; theme=dark",
        "user-agent": "tests",
        "x-requested-with": "XMLHttpRequest",
      },
    });
    assert.deepEqual(JSON.parse(text), {
      cookies: { session: "abc def", theme: "dark" },
      host: "example.org:8443",
      scheme: "https",
      url: "https://example.org:8443/echo?x=1",
      method: "GET",
      agent: "tests",
      applicationUrl: "https://example.org:8443",
      isXhr: true,
    });
    const { text: bare } = await call(app, "/echo");
    assert.deepEqual(JSON.parse(bare).cookies, {});
  });
});

Deno.test("path is decoded, pathname is not; matchdict holds decoded strings", async () => {
  const config = inspecting(
    (r) => ({ path: r.path, pathname: r.pathname, matchdict: r.matchdict }),
    "/p/{name}/{rest:.*}",
  );
  await withApp(config, async (app) => {
    const { text } = await call(app, "/p/caf%C3%A9%20noir/a%2Bb?x=%20");
    assert.deepEqual(JSON.parse(text), {
      path: "/p/café noir/a+b",
      pathname: "/p/caf%C3%A9%20noir/a%2Bb",
      matchdict: { name: "café noir", rest: "a+b" },
    });
  });
});

Deno.test("a malformed percent-escape in the path is a 400, and the app still serves", async () => {
  const config = inspecting((r) => ({ path: r.path }), "/p/{name}");
  await withApp(config, async (app) => {
    for (const path of ["/p/%E0%A4%A", "/p/%zz", "/p/%", "/p/%C3%28"]) {
      const bad = await call(app, path);
      assert.equal(bad.status, 400, path);
      assert.match(bad.text, /malformed percent-escape/);
    }
    assert.deepEqual(JSON.parse((await call(app, "/p/ok")).text), { path: "/p/ok" });
  });
});

Deno.test("a body over aio.max_body_bytes with Content-Length is a 413 without reading it", async () => {
  const config = inspecting((r) => ({ size: r.body.byteLength }), "/echo", {
    "aio.max_body_bytes": 10,
  });
  await withApp(config, async (app) => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(100));
        controller.close();
      },
    }, { highWaterMark: 0 });
    const response = await app.fetch(
      new Request("http://localhost/echo", {
        method: "POST",
        headers: { "content-length": "100" },
        body,
      }),
    );
    assert.equal(response.status, 413);
    assert.equal(response.headers.get("connection"), "close");
    assert.match(await response.text(), /larger than 10 bytes/);
    assert.equal(pulled, 0, "the body was read");
    await body.cancel();
    // At the limit exactly: accepted.
    assert.deepEqual(
      JSON.parse((await call(app, "/echo", { method: "POST", body: "0123456789" })).text),
      {
        size: 10,
      },
    );
  });
});

Deno.test("a streamed body that crosses aio.max_body_bytes is a 413 and is not read to the end", async () => {
  const config = inspecting((r) => ({ size: r.body.byteLength }), "/echo", {
    "aio.max_body_bytes": 1000,
  });
  await withApp(config, async (app) => {
    let chunks = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunks++;
        controller.enqueue(new Uint8Array(300));
        if (chunks === 100) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await app.fetch(
      new Request("http://localhost/echo", { method: "POST", body }),
    );
    assert.equal(response.status, 413);
    await response.body?.cancel();
    assert.ok(chunks <= 5, `read ${chunks} chunks`);
    assert.ok(cancelled);
  });
});

Deno.test("an invalid Content-Length is a 400", async () => {
  const config = inspecting((r) => ({ size: r.body.byteLength }));
  await withApp(config, async (app) => {
    const response = await app.fetch(
      new Request("http://localhost/echo", {
        method: "POST",
        headers: { "content-length": "abc" },
        body: "x",
      }),
    );
    assert.equal(response.status, 400);
    await response.body?.cancel();
  });
});

Deno.test("addRequestMethod: reify (once per request), property (every access), plain method", async () => {
  const config = new Configurator();
  let reified = 0;
  let computed = 0;
  config.addRequestMethod(
    function user(request: PyramidRequest) {
      reified++;
      return { name: request.params.get("user", "anonymous") };
    },
    "user",
    { reify: true },
  );
  config.addRequestMethod(() => ++computed, "counter", { property: true });
  config.addRequestMethod(
    function greet(request: PyramidRequest, greeting: string) {
      return `${greeting}, ${(request as unknown as { user: { name: string } }).user.name}`;
    } as never,
    "greet",
  );
  config.addRequestMethod(
    function thisIsTheRequest(this: PyramidRequest, request: PyramidRequest) {
      return this === request;
    },
    "selfCheck",
    { reify: true },
  );
  assert.throws(() => config.addRequestMethod(() => 1, "user"), /already added/);
  config.addRoute("me", "/me");
  config.addView(async (request: PyramidRequest) => {
    const r = request as unknown as {
      user: { name: string };
      counter: number;
      greet(g: string): string;
      selfCheck: boolean;
    };
    const same = r.user === r.user;
    return {
      name: r.user.name,
      same,
      counts: [r.counter, r.counter],
      hi: r.greet("hi"),
      self: r.selfCheck,
    };
  }, { routeName: "me", renderer: "json" });
  await withApp(config, async (app) => {
    const one = JSON.parse((await call(app, "/me?user=ann")).text);
    assert.deepEqual(one, { name: "ann", same: true, counts: [1, 2], hi: "hi, ann", self: true });
    assert.equal(reified, 1);
    const two = JSON.parse((await call(app, "/me")).text);
    assert.equal(two.name, "anonymous");
    assert.equal(reified, 2, "reify computes once per request, not once per app");
  });
});

Deno.test("addRequestMethod refuses a name the request already has", async () => {
  const config = new Configurator();
  config.addRequestMethod(() => "x", "params");
  await assert.rejects(
    config.makeApp(),
    (error: Error) => error instanceof ConfigurationError && /'params'/.test(error.message),
  );
});
