// View derivers (Pyramid's viewderivers.py): their order, custom derivers and their options,
// httpCache and decorator, and the ConfigurationErrors of bad hints and options.
import assert from "node:assert/strict";
import {
  ConfigurationError,
  Configurator,
  type DerivedView,
  HTTPNotFound,
  type PyramidRequest,
  type ViewDeriver,
} from "@aio/pyramid";
import { call, withApp } from "../_helpers.ts";

// A deriver that records its name in an `x-chain` header on the way out.
function tracer(name: string): ViewDeriver {
  const deriver: ViewDeriver = (view) =>
    async function traced(context, request) {
      const response = await view(context, request);
      response.headers.append("x-chain", name);
      return response;
    };
  Object.defineProperty(deriver, "name", { value: name });
  return deriver;
}

function helloConfig(): Configurator {
  const config = new Configurator();
  config.addRoute("hello", "/hello");
  config.addView(async () => ({ hello: "world" }), { routeName: "hello", renderer: "json" });
  return config;
}

Deno.test("custom derivers wrap every view; over/under order them (inner ones answer first)", async () => {
  const config = helloConfig();
  config.addViewDeriver(tracer("middle"));
  config.addViewDeriver(tracer("outer"), { over: "middle" });
  config.addViewDeriver(tracer("inner"), { under: "middle", over: "rendered_view" });
  config.addViewDeriver(tracer("outermost"), { under: "INGRESS", over: "secured_view" });
  await withApp(config, async (app) => {
    const answer = await call(app, "/hello");
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-chain"), "inner, middle, outer, outermost");
    assert.deepEqual(JSON.parse(answer.text), { hello: "world" });
  });
});

Deno.test("a deriver sees the view's options, the original view and whether it is an exception view", async () => {
  const seen: { name: string; options: Record<string, unknown>; exception: boolean }[] = [];
  const audit: ViewDeriver = (view, info) => {
    seen.push({
      name: info.name,
      options: { ...info.options },
      exception: info.isExceptionView,
    });
    assert.equal(typeof info.originalView, "function");
    assert.ok(info.registry.settings);
    if (info.options.audited !== true) return view;
    return async function audited(context, request) {
      const response = await view(context, request);
      response.headers.set("x-audited", "yes");
      return response;
    };
  };
  audit.options = ["audited"];
  const config = new Configurator();
  config.addRoute("a", "/a");
  config.addRoute("b", "/b");
  config.addView(async function viewA() {
    return "a";
  }, { routeName: "a", renderer: "string", audited: true });
  config.addView(async function viewB() {
    return "b";
  }, { routeName: "b", renderer: "string" });
  config.addNotFoundView(async function notFound() {
    return new Response("nope", { status: 404 });
  });
  // Added after the views that use its option, as Pyramid allows.
  config.addViewDeriver(audit, { name: "audit" });
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/a")).headers.get("x-audited"), "yes");
    assert.equal((await call(app, "/b")).headers.get("x-audited"), null);
    assert.equal((await call(app, "/missing")).text, "nope");
  });
  assert.deepEqual(seen.map((s) => [s.name, s.options.audited, s.exception]), [
    ["viewA", true, false],
    ["viewB", undefined, false],
    ["notFound", undefined, true],
  ]);
});

Deno.test("an over/under cycle between derivers is a ConfigurationError naming both registrations", async () => {
  const config = helloConfig();
  config.addViewDeriver(tracer("first"), { over: "second" });
  config.addViewDeriver(tracer("second"), { over: "first" });
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /cycle/);
    assert.match(error.message, /'first' \(added at .*derivers_test\.ts:\d+:\d+\)/);
    assert.match(error.message, /'second' \(added at .*derivers_test\.ts:\d+:\d+\)/);
    return true;
  });
});

Deno.test("deriver registration errors: unknown hint, duplicate or built-in name, bad return", async () => {
  const config = helloConfig();
  config.addViewDeriver(tracer("lost"), { under: "no_such_deriver" });
  await assert.rejects(
    config.makeApp(),
    /'lost' \(added at .*\) asks to be under "no_such_deriver", but no view deriver of that name exists/,
  );

  const twice = new Configurator();
  twice.addViewDeriver(tracer("dup"));
  assert.throws(
    () => twice.addViewDeriver(tracer("dup")),
    /added twice: at .*derivers_test\.ts:\d+:\d+ and at .*derivers_test\.ts:\d+:\d+/,
  );
  assert.throws(() => twice.addViewDeriver(tracer("rendered_view")), /built-in view deriver/);

  const broken = helloConfig();
  broken.addViewDeriver(((() => undefined) as unknown) as ViewDeriver, { name: "broken" });
  await assert.rejects(broken.makeApp(), /deriver 'broken' returned undefined/);
});

Deno.test("an option no predicate or deriver declares is refused at makeApp(), listing the known ones", async () => {
  const config = new Configurator();
  config.addRoute("a", "/a");
  config.addView(async () => "a", { routeName: "a", renderer: "string", httpCahce: 60 });
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /Unknown view option 'httpCahce'/);
    assert.match(error.message, /httpCache/);
    return true;
  });
});

Deno.test("httpCache: seconds, [seconds, directives] and 0, as webob's cache_expires writes them", async () => {
  const config = new Configurator();
  for (
    const [name, httpCache] of [
      ["hour", 3600],
      ["shared", [60, { public: true, sMaxage: 120 }]],
      ["never", 0],
    ] as const
  ) {
    config.addRoute(name, `/${name}`);
    config.addView(async () => name, { routeName: name, renderer: "string", httpCache });
  }
  config.addRoute("own", "/own");
  config.addView(async (request: PyramidRequest) => {
    request.response.headers.set("cache-control", "private, max-age=5");
    return "own";
  }, { routeName: "own", renderer: "string", httpCache: 3600 });
  await withApp(config, async (app) => {
    const before = Date.now();
    const hour = await call(app, "/hour");
    assert.equal(hour.headers.get("cache-control"), "max-age=3600");
    const expires = Date.parse(hour.headers.get("expires")!);
    assert.ok(
      Math.abs(expires - (before + 3600_000)) < 5_000,
      `expires ${hour.headers.get("expires")}`,
    );
    assert.equal(
      (await call(app, "/shared")).headers.get("cache-control"),
      "max-age=60, public, s-maxage=120",
    );
    const never = await call(app, "/never");
    assert.equal(
      never.headers.get("cache-control"),
      "max-age=0, must-revalidate, no-cache, no-store",
    );
    assert.equal(never.headers.get("pragma"), "no-cache");
    assert.ok(never.headers.has("expires") && never.headers.has("last-modified"));
    // A view that set its own Cache-Control keeps it.
    assert.equal((await call(app, "/own")).headers.get("cache-control"), "private, max-age=5");
  });
});

Deno.test("a bad httpCache is a ConfigurationError naming the view and where it was registered", async () => {
  for (const bad of [-1, "soon", [60], [60, { public: true, forever: true }]]) {
    const config = new Configurator();
    config.addRoute("a", "/a");
    config.addView(async function cached() {
      return "a";
    }, { routeName: "a", renderer: "string", httpCache: bad });
    await assert.rejects(config.makeApp(), (error: Error) => {
      assert.ok(error instanceof ConfigurationError, String(error));
      assert.match(error.message, /httpCache option of view cached \(at .*derivers_test\.ts:\d+/);
      return true;
    });
  }
});

Deno.test("decorator: one function, or a list applied like stacked Python decorators (first is outermost)", async () => {
  const mark = (label: string) => (view: DerivedView): DerivedView =>
    async function marked(context, request) {
      const response = await view(context, request);
      response.headers.append("x-decorated", label);
      return response;
    };
  const guard = (view: DerivedView): DerivedView =>
    function guarded(context, request) {
      if (request.params.get("key") !== "sesame") throw new HTTPNotFound();
      return view(context, request);
    };
  const config = new Configurator();
  config.addRoute("one", "/one");
  config.addRoute("many", "/many");
  config.addView(async () => "one", { routeName: "one", renderer: "string", decorator: guard });
  config.addView(async () => "many", {
    routeName: "many",
    renderer: "string",
    decorator: [mark("outer"), mark("inner")],
  });
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/one")).status, 404);
    assert.equal((await call(app, "/one?key=sesame")).text, "one");
    assert.equal((await call(app, "/many")).headers.get("x-decorated"), "inner, outer");
  });
  const bad = new Configurator();
  bad.addRoute("a", "/a");
  bad.addView(async () => "a", { routeName: "a", renderer: "string", decorator: "nope" });
  await assert.rejects(bad.makeApp(), /decorator option of view .* must be a function/);
});

Deno.test("a blocking view goes through the same derivers: they run on the main isolate around the worker", async () => {
  const config = new Configurator({ settings: { "aio.executor.max_workers": 1 } });
  config.addViewDeriver(tracer("main_side"));
  config.addRoute("where", "/where");
  config.addView("./fixtures/blocking_views.ts#whereAmI", {
    routeName: "where",
    renderer: "json",
    httpCache: 30,
  });
  await withApp(config, async (app) => {
    const answer = await call(app, "/where");
    assert.equal(answer.status, 201, answer.text);
    assert.equal(JSON.parse(answer.text).inExecutor, true);
    assert.equal(answer.headers.get("x-chain"), "main_side");
    assert.equal(answer.headers.get("cache-control"), "max-age=30");
  });
});
