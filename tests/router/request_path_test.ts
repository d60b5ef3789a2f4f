// The request path from entry to response: response and finished callbacks, NewResponse
// once for every response (errors included), Hono as the real base (middleware, mounting
// under a prefix, HEAD), and two apps in one isolate keeping their own executors.
import assert from "node:assert/strict";
import { Hono } from "@hono/hono";
import { cors } from "@hono/hono/cors";
import { secureHeaders } from "@hono/hono/secure-headers";
import {
  type App,
  ConfigurationError,
  Configurator,
  type Handler,
  HTTPForbidden,
  NewResponse,
  type PyramidRequest,
} from "@aio/pyramid";
import { call, withApp } from "../_helpers.ts";
import { spawnsSleep } from "./fixtures/spawning.ts";

function countingConfig(): { config: Configurator; seen: string[] } {
  const config = new Configurator();
  const seen: string[] = [];
  config.addSubscriber((event: NewResponse) => {
    seen.push(`${event.request.path} ${event.response.status}`);
    event.response.headers.set("x-new-response", "1");
  }, NewResponse);
  config.addRoute("ok", "/ok");
  config.addView(async () => "ok", { routeName: "ok", renderer: "string" });
  config.addRoute("fails", "/fails");
  config.addView(async () => {
    throw new Error("view failed");
  }, { routeName: "fails", renderer: "string" });
  return { config, seen };
}

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = original;
  }
}

Deno.test("NewResponse is sent exactly once for every response: views, 404s, view errors and tween errors", async () => {
  const { config, seen } = countingConfig();
  // One tween near INGRESS (above excview) and one below it, each failing on its own path.
  config.addTween(function outerFailing(handler: Handler) {
    return async function outerFailingTween(request: PyramidRequest) {
      if (request.path === "/outer") throw new HTTPForbidden({ detail: "outer tween" });
      if (request.path === "/outer-crash") throw new Error("outer tween crashed");
      return await handler(request);
    };
  }, { under: "INGRESS", over: "excview" });
  config.addTween(function innerFailing(handler: Handler) {
    return async function innerFailingTween(request: PyramidRequest) {
      if (request.path === "/inner") throw new HTTPForbidden({ detail: "inner tween" });
      return await handler(request);
    };
  }, { under: "excview" });
  await quietly(() =>
    withApp(config, async (app) => {
      const cases: [string, number][] = [
        ["/ok", 200],
        ["/missing", 404],
        ["/fails", 500],
        ["/outer", 403],
        ["/outer-crash", 500],
        ["/inner", 403],
      ];
      for (const [path, status] of cases) {
        const answer = await call(app, path);
        assert.equal(answer.status, status, path);
        assert.equal(answer.headers.get("x-new-response"), "1", path);
      }
      assert.deepEqual(seen, cases.map(([path, status]) => `${path} ${status}`));
    })
  );
});

Deno.test("response callbacks change the response in order, before NewResponse; finished callbacks run last, errors included", async () => {
  const events: string[] = [];
  const config = new Configurator();
  config.addSubscriber(() => void events.push("NewResponse"), NewResponse);
  config.addRoute("page", "/page");
  config.addView(async (request: PyramidRequest) => {
    request.addResponseCallback((_request, response) => {
      events.push("first callback");
      response.headers.set("x-callback", "first");
    });
    request.addResponseCallback(async (_request, response) => {
      await Promise.resolve();
      events.push("second callback");
      response.headers.append("x-callback", "second");
    });
    request.addFinishedCallback(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push("finished");
    });
    if (request.params.has("fail")) throw new Error("after registering callbacks");
    events.push("view");
    // A Response built by the view (immutable headers from Response.json are fine too).
    return Response.json({ ok: true });
  }, { routeName: "page" });
  config.addRoute("broken", "/broken");
  config.addView(async (request: PyramidRequest) => {
    request.addResponseCallback(() => {
      throw new Error("callback failed");
    });
    request.addFinishedCallback(() => {
      throw new Error("finished callback failed");
    });
    request.addFinishedCallback(() => void events.push("second finished still runs"));
    return "fine";
  }, { routeName: "broken", renderer: "string" });
  const logged = await captureErrors(() =>
    withApp(config, async (app) => {
      const answer = await call(app, "/page");
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get("x-callback"), "first, second");
      assert.deepEqual(events.splice(0), [
        "view",
        "first callback",
        "second callback",
        "NewResponse",
        "finished",
      ]);
      const failed = await call(app, "/page?fail");
      assert.equal(failed.status, 500);
      assert.equal(failed.headers.get("x-callback"), "first, second");
      assert.deepEqual(events.splice(0), [
        "first callback",
        "second callback",
        "NewResponse",
        "finished",
      ]);
      const broken = await call(app, "/broken");
      assert.equal(broken.status, 500, "a failing response callback is a logged 500");
      assert.deepEqual(events.splice(0), ["NewResponse", "second finished still runs"]);
      assert.equal((await call(app, "/page")).status, 200, "the app keeps serving");
    })
  );
  assert.match(logged, /callback failed/);
  assert.match(logged, /A finished callback failed[\s\S]*finished callback failed/);
});

// Every way a request can end, with no tween (the router finishes requests itself, a plain
// view rendered in the same step) and behind a tween (the request handler finishes them):
// the same statuses, NewResponse once each, callbacks after errors too.
for (const withTween of [false, true]) {
  Deno.test(`every ending is finished once ${withTween ? "behind a tween" : "by the router itself"}: render errors, async renderers, 404/405, failing roots, 413`, async () => {
    const seen: string[] = [];
    const finished: string[] = [];
    const config = new Configurator({ settings: { "aio.max_body_bytes": 16 } });
    config.addSubscriber((event: NewResponse) => {
      seen.push(`${event.request.path} ${event.response.status}`);
    }, NewResponse);
    config.addRenderer("slow", () => ({
      contentType: "text/plain",
      render: async (value) => `slow:${await Promise.resolve(String(value))}`,
    }));
    const track = (request: PyramidRequest) =>
      request.addFinishedCallback(() => void finished.push(request.path));
    config.addRoute("bigint", "/bigint");
    config.addView(async (request: PyramidRequest) => {
      track(request);
      return { n: 1n };
    }, { routeName: "bigint", renderer: "json" });
    config.addRoute("slow", "/slow");
    config.addView(async () => "value", { routeName: "slow", renderer: "slow" });
    config.addRoute("gone", "/gone");
    config.addView(async () => new HTTPForbidden({ detail: "returned, not thrown" }), {
      routeName: "gone",
    });
    config.addRoute("post_only", "/post-only");
    config.addView(async () => "posted", {
      routeName: "post_only",
      renderer: "string",
      requestMethod: "POST",
    });
    config.addRoute("rootless", "/rootless", {
      factory: () => Promise.reject(new HTTPForbidden({ detail: "root refused" })),
    });
    config.addView(async () => "never", { routeName: "rootless", renderer: "string" });
    config.addRoute("upload", "/upload");
    config.addView(async (request: PyramidRequest) => request.text, {
      routeName: "upload",
      renderer: "string",
    });
    config.addExceptionView(async (error: TypeError, request: PyramidRequest) => {
      request.response.status = 500;
      return `caught ${error.name}`;
    }, { context: TypeError, renderer: "string" });
    if (withTween) {
      config.addTween(function passing(handler: Handler) {
        return function passingTween(request: PyramidRequest) {
          return handler(request);
        };
      });
    }
    await quietly(() =>
      withApp(config, async (app) => {
        const cases: [string, RequestInit | undefined, number, string | RegExp][] = [
          ["/bigint", undefined, 500, "caught TypeError"],
          ["/slow", undefined, 200, "slow:value"],
          ["/gone", undefined, 403, /returned, not thrown/],
          ["/post-only", undefined, 405, /not allowed/],
          ["/rootless", undefined, 403, /root refused/],
          ["/upload", { method: "POST", body: "x".repeat(64) }, 413, /./],
          ["/upload", { method: "POST", body: "small" }, 200, "small"],
          ["/nowhere", undefined, 404, /./],
        ];
        for (const [path, init, status, body] of cases) {
          const answer = await call(app, path, init);
          assert.equal(answer.status, status, `${path}: ${answer.text}`);
          if (typeof body === "string") assert.equal(answer.text, body, path);
          else assert.match(answer.text, body, path);
        }
        assert.deepEqual(seen, cases.map(([path, , status]) => `${path} ${status}`));
        assert.deepEqual(finished, ["/bigint"], "finished callbacks run after a render error");
      })
    );
  });
}

async function captureErrors(fn: () => Promise<void>): Promise<string> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return lines.join("\n");
}

function apiConfig(): Configurator {
  const config = new Configurator();
  config.addRoute("user", "/users/{id}");
  config.addView(async (request: PyramidRequest) => ({
    id: request.matchdict.id,
    path: request.path,
    self: request.routeUrl("user", { parts: { id: "9" } }),
    relative: request.routePath("user", { parts: { id: "9" } }),
  }), { routeName: "user", renderer: "json" });
  config.addTween(function stamp(handler: Handler) {
    return async function stampTween(request: PyramidRequest) {
      const response = await handler(request);
      response.headers.set("x-tween", "ran");
      return response;
    };
  });
  return config;
}

Deno.test("real Hono middleware added with app.hono.use() runs around the tweens", async () => {
  const app = await apiConfig().makeApp();
  try {
    app.hono.use(cors({ origin: "https://ui.example" }));
    app.hono.use(secureHeaders());
    const order: string[] = [];
    app.hono.use(async function outermost(c, next) {
      order.push("middleware in");
      await next();
      order.push(`middleware out (tween ${c.res.headers.get("x-tween")})`);
    });
    const answer = await call(app, "/users/7", { headers: { origin: "https://ui.example" } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("access-control-allow-origin"), "https://ui.example");
    assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
    assert.equal(answer.headers.get("x-tween"), "ran");
    assert.deepEqual(order, ["middleware in", "middleware out (tween ran)"]);
    // A CORS preflight is answered by the middleware itself.
    const preflight = await call(app, "/users/7", {
      method: "OPTIONS",
      headers: { origin: "https://ui.example", "access-control-request-method": "PUT" },
    });
    assert.equal(preflight.status, 204);
    // Once serving, adding middleware is refused: Hono would never run it.
    assert.throws(() => app.hono.use(cors()), (error: Error) => {
      assert.ok(error instanceof ConfigurationError);
      assert.match(error.message, /before serving/);
      return true;
    });
  } finally {
    await app.close();
  }
});

Deno.test("an existing Hono app mounts the whole app under a prefix; routeUrl writes prefixed URLs", async () => {
  const app = await apiConfig().makeApp();
  try {
    const parent = new Hono();
    parent.get("/", (c) => c.text("the parent app"));
    parent.route("/legacy", app.hono);
    const fetchParent = async (path: string) => {
      const response = await parent.fetch(new Request(`http://site.example${path}`));
      return { status: response.status, text: await response.text() };
    };
    assert.equal((await fetchParent("/")).text, "the parent app");
    const user = await fetchParent("/legacy/users/7");
    assert.equal(user.status, 200, user.text);
    assert.deepEqual(JSON.parse(user.text), {
      id: "7",
      path: "/users/7",
      self: "http://site.example/legacy/users/9",
      relative: "/legacy/users/9",
    });
    assert.equal((await fetchParent("/users/7")).status, 404);
    assert.equal((await fetchParent("/legacy/nothing")).status, 404);
  } finally {
    await app.close();
  }
});

Deno.test("HEAD goes through Hono like GET and loses its body, keeping the headers", async () => {
  await withApp(apiConfig(), async (app) => {
    const response = await app.fetch(new Request("http://localhost/users/1", { method: "HEAD" }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("x-tween"), "ran");
    assert.equal(await response.text(), "");
  });
});

function sleeperConfig(timeoutMs: number): Configurator {
  const config = new Configurator({
    settings: { "aio.executor.max_workers": 1, "aio.executor.timeout_ms": timeoutMs },
  });
  config.addRoute("sleep", "/sleep");
  config.addView(spawnsSleep, { routeName: "sleep", renderer: "json" });
  // A blocking view, so each app starts its own executor.
  config.addRoute("blocking", "/blocking");
  config.addView("./fixtures/spawning.ts#sleepBlocking", { routeName: "blocking" });
  return config;
}

Deno.test("two apps in one isolate keep their own executors: spawnBlocking in a request uses its app's", async () => {
  const patient: App = await sleeperConfig(10_000).makeApp();
  const hasty: App = await sleeperConfig(100).makeApp();
  try {
    await Promise.all([patient.ready(), hasty.ready()]);
    assert.notEqual(patient.executor, hasty.executor);
    // Built last, the hasty app (100 ms timeout) must not capture the patient app's calls.
    const slept = await call(patient, "/sleep");
    assert.equal(slept.status, 200, slept.text);
    assert.deepEqual(JSON.parse(slept.text), { slept: 300 });
    const timedOut = await quietly(() => call(hasty, "/sleep"));
    assert.equal(timedOut.status, 504);
  } finally {
    await hasty.close();
    await patient.close();
  }
});
