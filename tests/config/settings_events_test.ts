import assert from "node:assert/strict";
import {
  ApplicationCreated,
  asBool,
  asInt,
  asList,
  ConfigurationError,
  Configurator,
  type Handler,
  NewRequest,
  NewResponse,
  type PyramidRequest,
} from "@aio/pyramid";

Deno.test("settings are frozen: request.settings cannot be mutated", async () => {
  const input = { "app.name": "demo", "aio.debug": "false" };
  const config = new Configurator({ settings: input });
  // The caller's object is copied, not frozen in place.
  input["app.name"] = "changed";
  assert.equal(config.settings["app.name"], "demo");
  assert.ok(Object.isFrozen(config.settings));
  config.addRoute("home", "/");
  config.addView(async (request: PyramidRequest) => {
    assert.throws(() => {
      (request.settings as Record<string, unknown>)["app.name"] = "hacked";
    }, TypeError);
    assert.throws(() => {
      (request.settings as Record<string, unknown>)["new.key"] = 1;
    }, TypeError);
    return { name: request.settings["app.name"] };
  }, { routeName: "home", renderer: "json" });
  const app = await config.makeApp();
  try {
    const response = await app.fetch(new Request("http://localhost/"));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { name: "demo" });
  } finally {
    await app.close();
  }
});

Deno.test("aio.* settings are parsed with defaults", () => {
  const defaults = new Configurator().registry.aio;
  assert.equal(defaults.debug, false);
  assert.equal(defaults.maxBodyBytes, 10 * 1024 * 1024);
  assert.equal(defaults.timeoutMs, 30000);
  assert.equal(defaults.maxQueue, 1024);
  assert.ok(defaults.maxWorkers >= 1);
  const set = new Configurator({
    settings: {
      "aio.debug": "yes",
      "aio.max_body_bytes": " 2048 ",
      "aio.executor.max_workers": 3,
      "aio.executor.timeout_ms": "100",
      "aio.executor.max_queue": "0",
    },
  }).registry.aio;
  assert.equal(set.debug, true);
  assert.equal(set.maxBodyBytes, 2048);
  assert.deepEqual(set.executor, { maxWorkers: 3, timeoutMs: 100, maxQueue: 0 });
  // The flat spellings the registry still reads agree with the executor group.
  assert.deepEqual([set.maxWorkers, set.timeoutMs, set.maxQueue], [3, 100, 0]);
});

Deno.test("bad aio.* values are ConfigurationErrors naming the key", () => {
  const bad: [string, unknown][] = [
    ["aio.debug", "maybe"],
    ["aio.max_body_bytes", "-1"],
    ["aio.max_body_bytes", "ten"],
    ["aio.max_body_bytes", "1.5"],
    ["aio.max_body_bytes", ""],
    ["aio.executor.max_workers", "lots"],
    ["aio.executor.timeout_ms", "   "],
    ["aio.executor.max_queue", "1e3"],
  ];
  for (const [key, value] of bad) {
    assert.throws(
      () => new Configurator({ settings: { [key]: value } }),
      (error: Error) =>
        error instanceof ConfigurationError && error.message.includes(`'${key}'`) &&
        error.message.includes(`'${value}'`),
      `${key} = ${JSON.stringify(value)} was accepted`,
    );
  }
});

Deno.test("asBool, asInt and asList read settings the way Pyramid does", () => {
  for (const yes of ["true", "Yes", " on ", "1", "y", "t", true]) assert.equal(asBool(yes), true);
  for (const no of ["false", "No", "off", "0", "", false, undefined]) {
    assert.equal(asBool(no), false);
  }
  assert.throws(() => asBool("sure", "x.flag"), /'x\.flag'.*'sure'/);
  assert.equal(asInt("42"), 42);
  assert.equal(asInt(7), 7);
  assert.throws(() => asInt("4 2", "n"), ConfigurationError);
  assert.deepEqual(asList("a b\n  c\t d"), ["a", "b", "c", "d"]);
  assert.deepEqual(asList(undefined), []);
  assert.deepEqual(asList(["x", 1]), ["x", "1"]);
});

Deno.test("ApplicationCreated, NewRequest and NewResponse reach their subscribers", async () => {
  const config = new Configurator();
  const seen: string[] = [];
  let created: unknown;
  config.addSubscriber((event: ApplicationCreated) => {
    created = event.app;
  }, ApplicationCreated);
  config.addSubscriber(async (event: NewRequest) => {
    await Promise.resolve();
    seen.push(`request ${event.request.path}`);
    (event.request as unknown as { tag: string }).tag = "tagged";
  }, NewRequest);
  config.addSubscriber((event: NewResponse) => {
    seen.push(`response ${event.response.status}`);
    event.response.headers.set("x-subscriber", "1");
  }, NewResponse);
  config.addSubscriber((event: NewResponse) => {
    if (event.request.path === "/replace") {
      event.response = new Response("replaced", { status: 202 });
    }
  }, NewResponse);
  config.addRoute("home", "/");
  config.addRoute("replace", "/replace");
  config.addView(
    async (request: PyramidRequest) => (request as unknown as { tag: string }).tag,
    { routeName: "home", renderer: "string" },
  );
  config.addView(async () => "original", { routeName: "replace", renderer: "string" });
  const app = await config.makeApp();
  try {
    assert.equal(created, app);
    const response = await app.fetch(new Request("http://localhost/"));
    assert.equal(await response.text(), "tagged");
    assert.equal(response.headers.get("x-subscriber"), "1");
    const replaced = await app.fetch(new Request("http://localhost/replace"));
    assert.equal(replaced.status, 202);
    assert.equal(await replaced.text(), "replaced");
    assert.deepEqual(seen, ["request /", "response 200", "request /replace", "response 200"]);
  } finally {
    await app.close();
  }
});

Deno.test("NewResponse also sees error responses (404s, rendered exceptions)", async () => {
  const config = new Configurator();
  const statuses: number[] = [];
  config.addSubscriber((event: NewResponse) => {
    statuses.push(event.response.status);
    event.response.headers.set("x-frame-options", "DENY");
  }, NewResponse);
  config.addRoute("home", "/");
  config.addView(async () => new Response("ok"), { routeName: "home" });
  const app = await config.makeApp();
  try {
    const ok = await app.fetch(new Request("http://localhost/"));
    assert.equal(ok.headers.get("x-frame-options"), "DENY");
    await ok.body?.cancel();
    const missing = await app.fetch(new Request("http://localhost/missing"));
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-frame-options"), "DENY");
    await missing.body?.cancel();
    assert.deepEqual(statuses, [200, 404]);
  } finally {
    await app.close();
  }
});

Deno.test("NewResponse can change a response a view built with immutable headers", async () => {
  const config = new Configurator();
  config.addSubscriber((event: NewResponse) => {
    event.response.headers.set("x-extra", "1");
  }, NewResponse);
  config.addRoute("go", "/go");
  config.addView(async () => Response.redirect("http://localhost/elsewhere", 302), {
    routeName: "go",
  });
  const app = await config.makeApp();
  try {
    const response = await app.fetch(new Request("http://localhost/go"));
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), "http://localhost/elsewhere");
    assert.equal(response.headers.get("x-extra"), "1");
    await response.body?.cancel();
  } finally {
    await app.close();
  }
});

Deno.test("addSubscriber needs a function and an event class", () => {
  const config = new Configurator();
  assert.throws(() => config.addSubscriber("nope" as never, NewRequest), ConfigurationError);
  assert.throws(() => config.addSubscriber(() => {}, undefined as never), ConfigurationError);
});

Deno.test("a failing subscriber is a 500 and the app keeps serving", async () => {
  const config = new Configurator();
  config.addSubscriber((event: NewRequest) => {
    if (event.request.path === "/bad") throw new Error("subscriber broke");
  }, NewRequest);
  config.addRoute("bad", "/bad");
  config.addRoute("good", "/good");
  config.addView(async () => "bad", { routeName: "bad", renderer: "string" });
  config.addView(async () => "good", { routeName: "good", renderer: "string" });
  config.addTween(function passthrough(handler: Handler) {
    return handler;
  });
  const original = console.error;
  const logged: string[] = [];
  console.error = (...args: unknown[]) => void logged.push(args.join(" "));
  const app = await config.makeApp();
  try {
    const bad = await app.fetch(new Request("http://localhost/bad"));
    assert.equal(bad.status, 500);
    await bad.body?.cancel();
    const good = await app.fetch(new Request("http://localhost/good"));
    assert.equal(await good.text(), "good");
  } finally {
    console.error = original;
    await app.close();
  }
  assert.ok(logged.some((line) => line.includes("subscriber broke")));
});

Deno.test("makeApp() twice: the second app sees configuration added in between", async () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  config.addView(async () => {
    throw new RangeError("out of range");
  }, { routeName: "x" });
  const original = console.error;
  console.error = () => {};
  const first = await config.makeApp();
  try {
    config.addExceptionView(async () => new Response("handled", { status: 418 }), {
      context: RangeError,
    });
    const second = await config.makeApp();
    try {
      const handled = await second.fetch(new Request("http://localhost/x"));
      assert.equal(handled.status, 418);
      assert.equal(await handled.text(), "handled");
      const before = await first.fetch(new Request("http://localhost/x"));
      assert.equal(before.status, 500);
      await before.body?.cancel();
    } finally {
      await second.close();
    }
  } finally {
    console.error = original;
    await first.close();
  }
});
