// The stall detector over a real socket: an async view that spins 200 ms is named (its name,
// file:line, route and request line), one that awaits 200 ms is not; blocking after an await
// is caught by the heartbeat; aio.stall_warning_ms defaults to 100 under aio.debug only.
import assert from "node:assert/strict";
import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { serve } from "@aio/pyramid/serve";

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a forgotten synchronous call
  }
}

async function spinning(): Promise<Response> {
  spin(200);
  return new Response("spun");
}

async function waiting(): Promise<Response> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return new Response("waited");
}

async function spinningLater(request: PyramidRequest): Promise<Response> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  spin(Number(request.params.get("ms") ?? 200));
  return new Response("spun later");
}

async function withWarnings(
  settings: Record<string, string>,
  fn: (url: string, warnings: string[]) => Promise<void>,
): Promise<void> {
  const config = new Configurator({ settings });
  config.addRoute("spinning", "/spinning");
  config.addRoute("waiting", "/waiting");
  config.addRoute("later", "/later");
  config.addView(spinning, { routeName: "spinning" });
  config.addView(waiting, { routeName: "waiting" });
  config.addView(spinningLater, { routeName: "later" });
  const app = await config.makeApp();
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
  const server = serve(app, { port: 0 });
  try {
    await fn(server.url, warnings);
  } finally {
    console.warn = warn;
    await server.shutdown();
  }
}

async function get(url: string): Promise<string> {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  return await response.text();
}

Deno.test("stall: an async view spinning 200 ms is named; one that awaits 200 ms is not", async () => {
  await withWarnings({ "aio.stall_warning_ms": "100" }, async (url, warnings) => {
    assert.equal(await get(`${url}/waiting`), "waited");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(warnings, []);
    assert.equal(await get(`${url}/spinning`), "spun");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(
      warnings[0],
      /^\[aio\.pyramid\] The event loop was blocked for about (\d+) ms \(over aio\.stall_warning_ms = 100\) by the view spinning \(file:\/\/\/.*\/tests\/router\/stall_test\.ts:\d+:\d+\) on route 'spinning', while handling GET \/spinning\. Every other request waited meanwhile: move blocking work into a plain \(non-async\) function view/,
    );
    const ms = Number(/blocked for about (\d+) ms/.exec(warnings[0])![1]);
    // The heartbeat (every 25 ms here) brackets the 200 ms within an interval.
    assert.ok(ms >= 175 && ms < 1000, `${ms} ms`);
  });
});

Deno.test("stall: blocking after an await is caught by the heartbeat and blamed on the view", async () => {
  await withWarnings({ "aio.stall_warning_ms": "100" }, async (url, warnings) => {
    assert.equal(await get(`${url}/later?ms=300`), "spun later");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(
      warnings[0],
      /blocked for about \d+ ms .* by the view .*spinningLater .*GET \/later/,
    );
  });
});

Deno.test("stall: on by default under aio.debug only, and off with 0", async () => {
  await withWarnings({ "aio.debug": "true" }, async (url, warnings) => {
    await get(`${url}/spinning`);
    assert.equal(warnings.length, 1);
  });
  const quiet: Record<string, string>[] = [{}, {
    "aio.debug": "true",
    "aio.stall_warning_ms": "0",
  }];
  for (const settings of quiet) {
    await withWarnings(settings, async (url, warnings) => {
      await get(`${url}/spinning`);
      await get(`${url}/later`);
      assert.deepEqual(warnings, []);
    });
  }
});

Deno.test("stall: a bad aio.stall_warning_ms is a configuration error naming the setting", () => {
  assert.throws(
    () => new Configurator({ settings: { "aio.stall_warning_ms": "soon" } }),
    /Setting 'aio\.stall_warning_ms' = 'soon' is not valid: it must be a whole number/,
  );
});
