// Blocking (plain-function) views through the whole HTTP stack: mapped to the executor,
// run in a worker against a request snapshot, their outcome rendered on the main isolate.
// The views live in ./fixtures/blocking_*.ts because a worker finds a view by importing the
// module that defines it; this module only registers them.
import assert from "node:assert/strict";
import {
  type App,
  ConfigurationError,
  Configurator,
  CoroutineOrExecutorMapper,
  Executor,
  ExecutorMapper,
} from "@aio/pyramid";
import { makeClosureView, whereAmI } from "./fixtures/blocking_views.ts";

const VIEWS = "./fixtures/blocking_views.ts";

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function call(app: App, path: string, init?: RequestInit): Promise<Answer> {
  const response = await app.fetch(new Request(`http://localhost${path}`, init));
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function withApp(config: Configurator, body: (app: App) => Promise<void>): Promise<void> {
  const app = await config.makeApp();
  try {
    await body(app);
  } finally {
    await app.close();
  }
}

function configure(settings: Record<string, unknown> = {}): Configurator {
  return new Configurator({
    settings: { "aio.executor.max_workers": 1, "aio.debug": "false", ...settings },
  });
}

/** Runs `body` with console.error captured; returns what was logged. */
async function capturingErrors(body: () => Promise<void>): Promise<string> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await body();
  } finally {
    console.error = original;
  }
  return lines.join("\n");
}

function executorOf(app: App): Executor {
  assert.ok(app.executor instanceof Executor, "makeApp() started an executor");
  return app.executor;
}

/** The app used by the fault tests: one normal blocking view plus the faulty ones. */
function faultConfig(settings: Record<string, unknown> = {}): Configurator {
  const config = configure(settings);
  config.addRoute("ok", "/ok");
  config.addView(`${VIEWS}#whereAmI`, { routeName: "ok", renderer: "json" });
  for (
    const [name, renderer] of [
      ["throwsTypeError", "json"],
      ["forbidden", "json"],
      ["redirects", "json"],
      ["returnsForbidden", "json"],
      ["loops", "string"],
      ["exits", "json"],
      ["returnsFunction", "json"],
      ["sleeps", "string"],
      ["bodySize", "json"],
      ["letsRejectionEscape", "json"],
    ]
  ) {
    config.addRoute(name, `/${name}`);
    config.addView(`${VIEWS}#${name}`, { routeName: name, renderer });
  }
  return config;
}

async function assertServes(app: App, why: string): Promise<void> {
  const ok = await call(app, "/ok");
  assert.equal(ok.status, 201, `${why}: ${ok.text}`);
  assert.equal(JSON.parse(ok.text).scope, "function", why);
}

// ---------------------------------------------------------------- mapping and rendering

Deno.test("default mapper: a plain view runs in a worker; value rendered, response draft applied", async () => {
  const config = configure();
  config.addRoute("where", "/where");
  config.addView(`${VIEWS}#whereAmI`, { routeName: "where", renderer: "json" });
  await withApp(config, async (app) => {
    const answer = await call(app, "/where", { method: "POST" });
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(JSON.parse(answer.text), {
      scope: "function", // WorkerGlobalScope exists only inside a worker
      inExecutor: true,
      method: "POST",
    });
    assert.match(answer.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(answer.headers.get("x-from-worker"), "yes");
    assert.deepEqual(answer.headers.getSetCookie(), [
      "flavour=plain; Path=/; HttpOnly",
      "second=two; Path=/",
    ]);
    // On the main isolate the same test sees no WorkerGlobalScope.
    assert.equal(
      typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope,
      "undefined",
    );
  });
});

Deno.test("app.ready(): resolves once the executor's workers have started", async () => {
  const config = configure({ "aio.executor.max_workers": "2" });
  config.addRoute("where", "/where");
  config.addView(`${VIEWS}#whereAmI`, { routeName: "where", renderer: "json" });
  await withApp(config, async (app) => {
    await app.ready();
    assert.deepEqual(executorOf(app).stats, { workers: 2, starting: 0, busy: 0, queued: 0 });
    assert.equal((await call(app, "/where")).status, 201);
  });
  // An app without blocking views starts no executor and is ready at once.
  const plain = configure();
  plain.addRoute("hi", "/hi");
  plain.addView(async () => "hi", { routeName: "hi", renderer: "string" });
  await withApp(plain, async (app) => {
    await app.ready();
    assert.equal(app.executor, undefined);
  });
});

Deno.test("a blocking view that returns a Response: status, headers and body come back", async () => {
  const config = configure();
  config.addRoute("own", "/own");
  config.addView(`${VIEWS}#ownResponse`, { routeName: "own" });
  await withApp(config, async (app) => {
    const answer = await call(app, "/own");
    assert.equal(answer.status, 202);
    assert.equal(answer.text, "made in a worker");
    assert.equal(answer.headers.get("x-made"), "worker");
    assert.equal(answer.headers.get("content-type"), "text/plain; charset=utf-8");
    // HEAD keeps the headers and drops the body.
    const head = await call(app, "/own", { method: "HEAD" });
    assert.equal(head.status, 202);
    assert.equal(head.text, "");
  });
});

Deno.test("a blocking class view: constructed in the worker, attr picks the method", async () => {
  const config = configure();
  config.addRoute("report", "/reports/{id}");
  config.addRoute("summary", "/summary");
  config.addView(`${VIEWS}#LegacyReport`, { routeName: "report", renderer: "string" });
  config.addView(`${VIEWS}#LegacyReport`, {
    routeName: "summary",
    renderer: "string",
    attr: "summary",
  });
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/reports/12")).text, "report for 12");
    assert.equal((await call(app, "/summary")).text, "summary in function");
  });
});

Deno.test("ExecutorMapper runs a plain view in the executor", async () => {
  const config = configure();
  config.addRoute("where", "/where");
  config.addView(`${VIEWS}#whereAmI`, {
    routeName: "where",
    renderer: "json",
    mapper: ExecutorMapper,
  });
  await withApp(config, async (app) => {
    const answer = await call(app, "/where");
    assert.equal(answer.status, 201);
    assert.equal(JSON.parse(answer.text).scope, "function");
    assert.equal(JSON.parse(answer.text).inExecutor, true);
  });
  // setViewMapper(CoroutineOrExecutorMapper) is the default and changes nothing.
  const explicit = configure();
  explicit.setViewMapper(CoroutineOrExecutorMapper);
  explicit.addRoute("where", "/where");
  explicit.addView(`${VIEWS}#whereAmI`, { routeName: "where", renderer: "json" });
  await withApp(explicit, async (app) => {
    assert.equal(JSON.parse((await call(app, "/where")).text).inExecutor, true);
  });
});

Deno.test("ExecutorMapper with an async view: 'Coroutine X mapped to executor.' at makeApp()", async () => {
  const config = configure();
  config.addRoute("x", "/x");
  config.addView(`${VIEWS}#asyncView`, { routeName: "x", mapper: ExecutorMapper });
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    // The view is named by its label: here the "./module.ts#name" it was registered as.
    assert.match(
      error.message,
      /Coroutine \.\/fixtures\/blocking_views\.ts#asyncView mapped to executor\./,
    );
    assert.match(error.message, /CoroutineOrExecutorMapper/);
    return true;
  });
});

Deno.test("scan(): exported and non-exported viewConfig() blocking views run in the executor", async () => {
  const config = configure();
  config.addRoute("scanned_exported", "/scanned/exported");
  config.addRoute("scanned_hidden", "/scanned/hidden");
  await config.scan("./fixtures/blocking_scan.ts");
  await withApp(config, async (app) => {
    assert.deepEqual(JSON.parse((await call(app, "/scanned/exported")).text), {
      view: "exported",
      inExecutor: true,
      path: "/scanned/exported",
    });
    // Not exported: the worker finds it by the site of its viewConfig() call.
    assert.deepEqual(JSON.parse((await call(app, "/scanned/hidden")).text), {
      view: "hidden",
      inExecutor: true,
      path: "/scanned/hidden",
    });
    const post = await call(app, "/scanned/hidden", { method: "POST", body: "12345" });
    assert.deepEqual(JSON.parse(post.text), { view: "hidden-post", inExecutor: true, size: 5 });
  });
});

Deno.test("an unlocatable blocking view (a closure) is a ConfigurationError at makeApp() saying how to fix it", async () => {
  const config = configure();
  config.addRoute("x", "/x");
  config.addView(makeClosureView("hello"), { routeName: "x", renderer: "string" });
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError, String(error));
    assert.match(error.message, /closureView/);
    assert.match(error.message, /Export it from its module/);
    assert.match(error.message, /"\.\/module\.ts#name"/);
    return true;
  });
});

// ---------------------------------------------------------------- the request snapshot

Deno.test("the request snapshot: method, params, GET, POST, json, headers, cookies, matchdict, routeUrl, settings, context", async () => {
  // A plain, structured-cloneable resource crosses to the worker as a copy.
  const root = { __name__: "", __parent__: null, title: "the root", tags: ["a", "b"] };
  const config = new Configurator({
    settings: { "aio.executor.max_workers": 1, "app.flavour": "vanilla" },
    rootFactory: () => root,
  });
  config.addRoute("snap", "/snap/{id}");
  config.addRoute("item", "/items/{id}");
  config.addView(`${VIEWS}#snapshot`, { routeName: "snap", renderer: "json" });
  await withApp(config, async (app) => {
    const form = await call(app, "/snap/42?q=find&tag=x&tag=y", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-custom": "custom value",
        cookie: "session=abc; theme=dark",
        host: "example.com:8080",
      },
      body: "field=from+the+form",
    });
    assert.equal(form.status, 200, form.text);
    assert.deepEqual(JSON.parse(form.text), {
      scope: "function",
      method: "POST",
      path: "/snap/42",
      url: "http://localhost/snap/42?q=find&tag=x&tag=y",
      q: "find",
      getAll: ["x", "y"],
      field: "from the form",
      paramsField: "from the form",
      json: null,
      text: "field=from+the+form",
      header: "custom value",
      cookies: { session: "abc", theme: "dark" },
      matchdict: { id: "42" },
      routeName: "snap",
      routeUrl: "http://example.com:8080/items/7?page=2",
      routePath: "/snap/x%20y",
      flavour: "vanilla",
      context: { __name__: "", __parent__: null, title: "the root", tags: ["a", "b"] },
    });
    const json = await call(app, "/snap/7", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nested: { list: [1, 2, 3] }, ok: true }),
    });
    const seen = JSON.parse(json.text);
    assert.equal(seen.method, "PUT");
    assert.deepEqual(seen.json, { nested: { list: [1, 2, 3] }, ok: true });
    assert.equal(seen.field, null);
    // Malformed JSON read in the worker is the same 400 it is on the main isolate.
    const bad = await call(app, "/snap/7", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal((await call(app, "/snap/8")).status, 200, "still serving");
  });
});

// ---------------------------------------------------------------- synchronize

Deno.test("synchronize() inside a blocking view: the async function runs on the main isolate", async () => {
  const config = configure();
  config.addRoute("sync", "/sync/{n}");
  config.addRoute("catch", "/catch");
  config.addRoute("escape", "/escape");
  config.addView(`${VIEWS}#callsSynchronized`, { routeName: "sync", renderer: "json" });
  config.addView(`${VIEWS}#catchesRejection`, { routeName: "catch", renderer: "json" });
  config.addView(`${VIEWS}#letsRejectionEscape`, { routeName: "escape", renderer: "json" });
  await withApp(config, async (app) => {
    assert.deepEqual(JSON.parse((await call(app, "/sync/21")).text), {
      viewScope: "function",
      main: { scope: "undefined", doubled: 42 },
    });
    // A rejection on the main isolate is a throw in the worker, with its class.
    assert.deepEqual(JSON.parse((await call(app, "/catch")).text), {
      caught: true,
      name: "RangeError",
      isRangeError: true,
      message: "the main side said no",
    });
    let escaped!: Answer;
    const logged = await capturingErrors(async () => {
      escaped = await call(app, "/escape");
    });
    assert.equal(escaped.status, 500);
    assert.match(logged, /RangeError: the main side said no/);
    assert.equal((await call(app, "/sync/1")).status, 200, "still serving");
  });
});

// ---------------------------------------------------------------- faults

Deno.test("a blocking view that throws: 500, logged with name, message and stack; the worker survives", async () => {
  await withApp(faultConfig(), async (app) => {
    const before = executorOf(app).stats.workers;
    let answer!: Answer;
    const logged = await capturingErrors(async () => {
      answer = await call(app, "/throwsTypeError");
    });
    assert.equal(answer.status, 500);
    assert.doesNotMatch(answer.text, /widget/, "no details leak without aio.debug");
    assert.match(logged, /GET \/throwsTypeError/);
    assert.match(logged, /TypeError: the widget is not a gadget/);
    assert.match(logged, /fixtures\/blocking_views\.ts:\d+:\d+/, "the worker's stack is kept");
    assert.equal(executorOf(app).stats.workers, before);
    await assertServes(app, "after a throwing view");
  });
});

Deno.test("HTTP exceptions from the worker: HTTPForbidden → 403, HTTPFound → 302 with Location", async () => {
  await withApp(faultConfig(), async (app) => {
    const forbidden = await call(app, "/forbidden", { headers: { accept: "application/json" } });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers.get("x-reason"), "members");
    assert.match(forbidden.text, /members only/);
    const found = await call(app, "/redirects");
    assert.equal(found.status, 302);
    assert.equal(found.headers.get("location"), "/elsewhere");
    const returned = await call(app, "/returnsForbidden");
    assert.equal(returned.status, 403);
    assert.match(returned.text, /returned, not thrown/);
    await assertServes(app, "after HTTP exceptions");
  });
});

Deno.test("a blocking view that loops: 504 after aio.executor.timeout_ms, worker replaced, next served", async () => {
  // The loop is bounded (2 s): Deno 2.9's worker.terminate() cannot stop a spinning worker,
  // so the stopped thread finishes its loop on its own after the 504.
  await withApp(faultConfig({ "aio.executor.timeout_ms": 300 }), async (app) => {
    const executor = executorOf(app);
    const started = performance.now();
    let answer!: Answer;
    const logged = await capturingErrors(async () => {
      answer = await call(app, "/loops?ms=2000");
    });
    const took = performance.now() - started;
    assert.equal(answer.status, 504, answer.text);
    // The log names the view; the body, outside aio.debug, does not.
    assert.match(logged, /blocking_views\.ts#loops ran longer than 300 ms/);
    assert.doesNotMatch(answer.text, /blocking_views/);
    assert.ok(took < 1500, `answered after ${took.toFixed(0)} ms, not after the loop ended`);
    assert.equal(executor.stats.workers, 1, "the worker was replaced");
    await assertServes(app, "after a timeout");
    const quick = await call(app, "/loops?ms=10");
    assert.equal(quick.status, 200);
    assert.match(quick.text, /^looped \d+ times$/);
  });
});

Deno.test("a blocking view that calls Deno.exit: 500 naming the view, worker replaced, next served", async () => {
  await withApp(faultConfig(), async (app) => {
    let answer!: Answer;
    const logged = await capturingErrors(async () => {
      answer = await call(app, "/exits");
    });
    assert.equal(answer.status, 500);
    // The executor's own WorkerCrashed is logged naming the view; the body is generic.
    assert.match(logged, /blocking_views\.ts#exits died: it called Deno\.exit\(3\)/);
    assert.doesNotMatch(answer.text, /blocking_views/);
    assert.equal(executorOf(app).stats.workers, 1);
    await assertServes(app, "after Deno.exit");
  });
});

Deno.test("a blocking view that returns a function: a clear 500 naming the view, not a hang", async () => {
  await withApp(faultConfig(), async (app) => {
    let answer!: Answer;
    const logged = await capturingErrors(async () => {
      answer = await call(app, "/returnsFunction");
    });
    assert.equal(answer.status, 500);
    assert.match(logged, /returnsFunction/);
    assert.match(logged, /cannot be sent back from the executor worker/);
    await assertServes(app, "after an uncloneable result");
  });
});

Deno.test("a queue flood beyond aio.executor.max_queue: 503 with Retry-After, then normal service", async () => {
  await withApp(
    faultConfig({ "aio.executor.max_workers": 1, "aio.executor.max_queue": 2 }),
    async (app) => {
      const answers = await Promise.all(
        Array.from({ length: 7 }, () => call(app, "/sleeps?ms=200")),
      );
      const statuses = answers.map((a) => a.status).sort();
      // One running, two queued; the other four refused at once.
      assert.deepEqual(statuses, [200, 200, 200, 503, 503, 503, 503]);
      for (const refused of answers.filter((a) => a.status === 503)) {
        assert.equal(refused.headers.get("retry-after"), "1");
      }
      assert.deepEqual(executorOf(app).stats, { workers: 1, starting: 0, busy: 0, queued: 0 });
      await assertServes(app, "after a flood");
    },
  );
});

Deno.test("a body over aio.max_body_bytes sent to a blocking view: 413, then normal service", async () => {
  await withApp(faultConfig({ "aio.max_body_bytes": 1024 }), async (app) => {
    const fits = await call(app, "/bodySize", { method: "POST", body: "x".repeat(1024) });
    assert.deepEqual(JSON.parse(fits.text), { size: 1024 });
    const over = await call(app, "/bodySize", { method: "POST", body: "x".repeat(1025) });
    assert.equal(over.status, 413);
    // Streamed without a Content-Length: still cut off at the limit.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(512));
        controller.close();
      },
    });
    const streamed = await call(app, "/bodySize", { method: "POST", body: stream });
    assert.equal(streamed.status, 413);
    await assertServes(app, "after oversized bodies");
  });
});

// ---------------------------------------------------------------- over a real socket

Deno.test("over a real socket: blocking views, a fault, and service afterwards", async () => {
  const app = await faultConfig({ "aio.executor.max_workers": 2 }).makeApp();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const ok = await fetch(`${base}/ok`);
    assert.equal(ok.status, 201);
    assert.deepEqual(await ok.json(), { scope: "function", inExecutor: true, method: "GET" });
    assert.equal(ok.headers.get("x-from-worker"), "yes");
    // Two sleeping views occupy both workers at once (no timing assertion: just the pool).
    const pair = Promise.all([fetch(`${base}/sleeps?ms=400`), fetch(`${base}/sleeps?ms=400`)]);
    let busy = 0;
    for (let i = 0; i < 40 && busy < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      busy = executorOf(app).stats.busy;
    }
    assert.equal(busy, 2, "both workers were busy at the same time");
    const texts = await Promise.all((await pair).map((r) => r.text()));
    assert.deepEqual(texts, ["slept 400", "slept 400"]);
    const found = await fetch(`${base}/redirects`, { redirect: "manual" });
    assert.equal(found.status, 302);
    assert.equal(found.headers.get("location"), "/elsewhere");
    await found.body?.cancel();
    let failed!: Response;
    await capturingErrors(async () => {
      failed = await fetch(`${base}/throwsTypeError`);
      await failed.body?.cancel();
    });
    assert.equal(failed.status, 500);
    const again = await fetch(`${base}/ok`);
    assert.equal(again.status, 201);
    await again.body?.cancel();
  } finally {
    await server.shutdown();
    await app.close();
  }
});

Deno.test("a plain view imported from another module and passed to addView() is located there", async () => {
  const config = configure();
  config.addRoute("imported", "/imported");
  // Not scanned and not a string: the executor finds it among the exports of the modules this
  // test module imports.
  config.addView(whereAmI, { routeName: "imported", renderer: "json" });
  await withApp(config, async (app) => {
    const answer = await call(app, "/imported");
    assert.equal(answer.status, 201, answer.text);
    assert.equal(JSON.parse(answer.text).scope, "function");
  });
});
