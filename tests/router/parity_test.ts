// One request in both worlds: the same view body as an async view (event loop) and as a
// blocking view (executor worker) sees the same request members — request methods (imported
// in the worker, or run on the main isolate when they cannot be), URL helpers for routes and
// static views, settings, the response draft and request callbacks.
import assert from "node:assert/strict";
import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { call, withApp } from "../_helpers.ts";
import { finished, greet, shout } from "./fixtures/parity.ts";

let counted = 0;

function parityConfig(): Configurator {
  const config = new Configurator({
    settings: { "app.name": "parity", "aio.executor.max_workers": 1 },
  });
  config.addRequestMethod(greet, "greet", { reify: true });
  config.addRequestMethod(shout, "shout");
  // Defined here, not exported: a worker cannot import it, so it runs on the main isolate.
  config.addRequestMethod(() => ++counted, "counter", { property: true });
  config.addRequestMethod(
    async (_request: PyramidRequest, prefix: string) =>
      `${prefix}:${await Promise.resolve("main")}`,
    "mainTime",
  );
  config.addStaticView("static", "./fixtures/static");
  config.addRoute("parity", "/parity/{id}");
  config.addView("./fixtures/parity.ts#parityAsync", {
    routeName: "parity",
    renderer: "json",
    requestParam: "async",
  });
  config.addView("./fixtures/parity.ts#parityBlocking", { routeName: "parity", renderer: "json" });
  return config;
}

Deno.test("an async view and a blocking view read the same request members", async () => {
  await withApp(parityConfig(), async (app) => {
    await app.ready();
    const init = (body: string): RequestInit => ({
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        cookie: "session=abc; theme=dark",
        "x-test-one": "1",
        "x-requested-with": "XMLHttpRequest",
      },
    });
    const asyncAnswer = await call(app, "/parity/42?async=1&a=b", init('{"n":1}'));
    const blockingAnswer = await call(app, "/parity/42?a=b", init('{"n":1}'));
    assert.equal(asyncAnswer.status, 202, asyncAnswer.text);
    assert.equal(blockingAnswer.status, 202, blockingAnswer.text);
    const fromAsync = JSON.parse(asyncAnswer.text);
    const fromBlocking = JSON.parse(blockingAnswer.text);
    // The query differs by the predicate's own parameter; the counter by one call.
    for (const key of ["url", "GET", "params"]) {
      fromAsync[key] = JSON.parse(
        JSON.stringify(fromAsync[key]).replace(/async=1&|\["async","1"\],?/g, ""),
      );
    }
    assert.equal(fromBlocking.counter, fromAsync.counter + 1);
    delete fromAsync.counter;
    delete fromBlocking.counter;
    assert.deepEqual(fromBlocking, fromAsync);
    assert.equal(fromBlocking.greet, "hi");
    assert.equal(fromBlocking.shout, "HEY POST");
    assert.equal(fromBlocking.mainTime, "t:main");
    assert.equal(fromBlocking.staticUrl, "http://localhost/static/app.css");
    assert.match(fromBlocking.routeUrl, /^http:\/\/localhost\/parity\/5\?q=x(\+|%20)y$/);
    // The response draft and the response callback reach both responses.
    for (const answer of [asyncAnswer, blockingAnswer]) {
      assert.equal(answer.headers.get("x-draft"), "kept");
      assert.equal(answer.headers.get("x-stamped"), "yes");
      assert.match(answer.headers.get("set-cookie") ?? "", /flavour=plain/);
    }
    assert.deepEqual(finished.splice(0), ["/parity/42", "/parity/42"]);
  });
});

Deno.test("a blocking view adding a callback the main isolate cannot import gets a clear error", async () => {
  const config = new Configurator({ settings: { "aio.executor.max_workers": 1 } });
  config.addRoute("closure", "/closure");
  config.addView("./fixtures/parity.ts#addsClosureCallback", {
    routeName: "closure",
    renderer: "string",
  });
  config.addRoute("fine", "/fine");
  config.addView("./fixtures/parity.ts#greet", { routeName: "fine", renderer: "string" });
  const original = console.error;
  const logged: string[] = [];
  console.error = (...args: unknown[]) => logged.push(args.map(String).join(" "));
  try {
    await withApp(config, async (app) => {
      const answer = await call(app, "/closure");
      assert.equal(answer.status, 500);
      assert.match(logged.join("\n"), /must be a function exported by the view's module/);
      // The worker and the app keep serving.
      assert.equal((await call(app, "/fine")).text, "hi");
    });
  } finally {
    console.error = original;
  }
});
