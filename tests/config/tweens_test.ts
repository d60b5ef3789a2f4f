import assert from "node:assert/strict";
import { withApp } from "../_helpers.ts";
import {
  ConfigurationError,
  Configurator,
  EXCVIEW,
  type Handler,
  INGRESS,
  MAIN,
  type PyramidRequest,
  type Registry,
} from "@aio/pyramid";

/**
 * A config whose tweens record, on the way down, the order they are called in; the
 * view returns that order so the chain can be read from one request.
 */
function recordingConfig(): {
  config: Configurator;
  tween: (name: string, options?: object) => void;
} {
  const config = new Configurator();
  config.addRoute("home", "/");
  config.addView(
    async (request: PyramidRequest) => ({ chain: (request as unknown as { seen: string[] }).seen }),
    { routeName: "home", renderer: "json" },
  );
  const tween = (name: string, options: object = {}) => {
    config.addTween(
      (handler: Handler) =>
        async function recorder(request: PyramidRequest) {
          const r = request as unknown as { seen?: string[] };
          (r.seen ??= []).push(name);
          return await handler(request);
        },
      { name, ...options },
    );
  };
  return { config, tween };
}

async function chainOf(config: Configurator): Promise<string[]> {
  let chain: string[] = [];
  await withApp(config, async (app) => {
    const response = await app.fetch(new Request("http://localhost/"));
    assert.equal(response.status, 200);
    chain = (await response.json()).chain;
  });
  return chain;
}

Deno.test("default ordering: the first tween added is closest to MAIN, as in Pyramid", async () => {
  const { config, tween } = recordingConfig();
  tween("first");
  tween("second");
  tween("third");
  assert.deepEqual(await chainOf(config), ["third", "second", "first"]);
});

Deno.test("over/under place tweens relative to INGRESS, MAIN and each other", async () => {
  const { config, tween } = recordingConfig();
  tween("a");
  tween("top", { under: INGRESS });
  tween("bottom", { over: MAIN });
  tween("b");
  tween("above_a", { over: "a" });
  tween("below_b", { under: "b" });
  const chain = await chainOf(config);
  const at = (n: string) => chain.indexOf(n);
  // Every tween is in the chain once, whatever its hints (a tween hinted only against another
  // tween may sort after MAIN in the order; it is still part of the chain).
  assert.deepEqual([...chain].sort(), ["a", "above_a", "b", "below_b", "bottom", "top"]);
  assert.ok(at("above_a") < at("a"), chain.join(" > "));
  assert.ok(at("b") < at("below_b"), chain.join(" > "));
  // Implicit tweens and those under INGRESS keep Pyramid's order: later added, nearer INGRESS.
  assert.ok(at("b") < at("top") && at("top") < at("a"), chain.join(" > "));
});

Deno.test("over/under: INGRESS-most and MAIN-most with explicit hints", async () => {
  const { config, tween } = recordingConfig();
  tween("x");
  tween("y");
  tween("outer", { over: ["y", "x"] });
  tween("inner", { under: ["x", "y"], over: MAIN });
  const chain = await chainOf(config);
  assert.equal(chain[0], "outer", chain.join(" > "));
  assert.equal(chain.at(-1), "inner", chain.join(" > "));
});

Deno.test("a list of hints uses those that exist and ignores missing fallbacks", async () => {
  const { config, tween } = recordingConfig();
  tween("real");
  tween("early", { over: ["not_installed", "real"] });
  tween("late", { under: ["also_missing", "real"] });
  const chain = await chainOf(config);
  assert.ok(chain.indexOf("early") < chain.indexOf("real"), chain.join(" > "));
  assert.ok(chain.indexOf("real") < chain.indexOf("late"), chain.join(" > "));
});

Deno.test("a hint naming no existing tween is a ConfigurationError at makeApp()", async () => {
  const { config, tween } = recordingConfig();
  tween("lonely", { over: ["ghost", "phantom"] });
  await assert.rejects(
    config.makeApp(),
    (error: Error) =>
      error instanceof ConfigurationError && /'lonely'/.test(error.message) &&
      /ghost/.test(error.message),
  );
});

Deno.test("a cycle among over/under hints is a ConfigurationError naming the tweens", async () => {
  const { config, tween } = recordingConfig();
  tween("one", { over: "two" });
  tween("two", { over: "one" });
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /cycle/);
    assert.match(error.message, /'one'/);
    assert.match(error.message, /'two'/);
    assert.ok(error.message.includes(import.meta.url), error.message);
    return true;
  });
});

Deno.test("duplicate and reserved tween names are ConfigurationErrors naming both sites", () => {
  const config = new Configurator();
  const noop = (handler: Handler) => handler;
  config.addTween(noop, { name: "timing" });
  assert.throws(() => config.addTween(noop, { name: "timing" }), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /'timing' was added twice/);
    assert.equal(error.message.split(import.meta.url).length - 1, 2, error.message);
    return true;
  });
  assert.throws(() => config.addTween(noop, { name: MAIN }), /reserved/);
  assert.throws(() => config.addTween((h: Handler) => h), /named factory/);
  // The factory's own function name is the default name.
  config.addTween(function namedFactory(h: Handler) {
    return h;
  });
  assert.throws(() =>
    config.addTween(function namedFactory(h: Handler) {
      return h;
    }), /'namedFactory' was added twice/);
});

Deno.test("async tweens wrap the response and may await on the way in and out", async () => {
  const config = new Configurator();
  config.addRoute("home", "/");
  config.addView(async () => "body", { routeName: "home", renderer: "string" });
  config.addTween(function timing(handler: Handler, registry: Registry) {
    assert.ok(registry.settings);
    return async function timingTween(request: PyramidRequest) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const response = await handler(request);
      await Promise.resolve();
      response.headers.set("x-timing", "yes");
      return response;
    };
  });
  await withApp(config, async (app) => {
    const response = await app.fetch(new Request("http://localhost/"));
    assert.equal(response.headers.get("x-timing"), "yes");
    assert.equal(await response.text(), "body");
  });
});

Deno.test("a tween may short-circuit: views below are not called", async () => {
  const config = new Configurator();
  let viewCalls = 0;
  config.addRoute("home", "/");
  config.addView(async () => {
    viewCalls++;
    return "view";
  }, { routeName: "home", renderer: "string" });
  config.addTween(function maintenance(handler: Handler) {
    return async function maintenanceTween(request: PyramidRequest) {
      if (request.headers.has("x-maintenance")) {
        return new Response("down for maintenance", { status: 503 });
      }
      return await handler(request);
    };
  });
  await withApp(config, async (app) => {
    const down = await app.fetch(
      new Request("http://localhost/", { headers: { "x-maintenance": "1" } }),
    );
    assert.equal(down.status, 503);
    assert.equal(await down.text(), "down for maintenance");
    assert.equal(viewCalls, 0);
    const up = await app.fetch(new Request("http://localhost/"));
    assert.equal(await up.text(), "view");
    assert.equal(viewCalls, 1);
  });
});

Deno.test("tweens above excview see HTTP errors as responses; errors they throw still become 500s", async () => {
  const config = new Configurator();
  const statuses: number[] = [];
  config.addTween(function observe(handler: Handler) {
    return async function observeTween(request: PyramidRequest) {
      const response = await handler(request);
      statuses.push(response.status);
      return response;
    };
  });
  config.addTween(function explode(handler: Handler) {
    return async function explodeTween(request: PyramidRequest) {
      if (request.path === "/boom") throw new Error("tween failure");
      return await handler(request);
    };
  }, { under: INGRESS });
  const errors: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    await withApp(config, async (app) => {
      const missing = await app.fetch(new Request("http://localhost/nope"));
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
      assert.deepEqual(statuses, [404]);
      const boom = await app.fetch(new Request("http://localhost/boom"));
      assert.equal(boom.status, 500);
      assert.doesNotMatch(await boom.text(), /tween failure/);
      const after = await app.fetch(new Request("http://localhost/still"));
      assert.equal(after.status, 404);
      await after.body?.cancel();
    });
  } finally {
    console.error = original;
  }
  assert.ok(errors.some((args) => String(args[0]).includes("tween failure")));
});

Deno.test("the excview tween can be ordered against by name", async () => {
  const { config, tween } = recordingConfig();
  tween("inside", { under: EXCVIEW });
  tween("outside");
  const chain = await chainOf(config);
  assert.deepEqual(chain, ["outside", "inside"]);
});

Deno.test("a tween factory that returns no handler is a ConfigurationError", async () => {
  const config = new Configurator();
  config.addTween(function broken() {
    return undefined as unknown as Handler;
  });
  await assert.rejects(config.makeApp(), /'broken'.*must return a handler/s);
});
