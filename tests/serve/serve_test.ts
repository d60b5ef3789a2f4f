import assert from "node:assert/strict";
import { formatUrl, type ServableApp, serve } from "../../src/serve/mod.ts";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An app whose /slow requests wait for `release()`, and which records close(). */
function testApp() {
  let closed = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const slowStarted = new Promise<void>((resolve) => (started = resolve));
  const app: ServableApp = {
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/slow") {
        started();
        await released;
        return new Response("slow done");
      }
      if (pathname === "/boom") throw new Error("boom");
      return new Response("ok", { headers: { "content-length": "2" } });
    },
    close() {
      closed++;
      return Promise.resolve();
    },
  };
  return { app, release, slowStarted, closed: () => closed };
}

async function captureLog<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    return { result: await fn(), lines };
  } finally {
    console.log = original;
  }
}

Deno.test("serve: binds, answers, shuts down, closes the app once", async () => {
  const { app, closed } = testApp();
  const listened: Deno.NetAddr[] = [];
  const server = serve(app, { port: 0, onListen: (addr) => listened.push(addr) });
  assert.equal(server.addr.hostname, "127.0.0.1");
  assert.ok(server.addr.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.addr.port}`);
  assert.equal(listened.length, 1);
  const response = await fetch(server.url);
  assert.equal(await response.text(), "ok");
  await Promise.all([server.shutdown(), server.shutdown()]);
  await server.finished;
  assert.equal(closed(), 1);
  await assert.rejects(fetch(server.url));
});

Deno.test("serve: no access log unless asked; one line per request when asked", async () => {
  const quiet = await captureLog(async () => {
    const server = serve(testApp().app, { port: 0 });
    await (await fetch(`${server.url}/a`)).text();
    await server.shutdown();
  });
  assert.deepEqual(quiet.lines, []);

  const logged = await captureLog(async () => {
    const server = serve(testApp().app, { port: 0, accessLog: true });
    await (await fetch(`${server.url}/a?b=1`, { method: "POST", body: "x" })).text();
    const failed = await fetch(`${server.url}/boom`);
    assert.equal(failed.status, 500);
    await failed.body?.cancel();
    await (await fetch(`${server.url}/after`)).text();
    await server.shutdown();
  });
  assert.equal(logged.lines.length, 3, logged.lines.join("\n"));
  assert.match(logged.lines[0], /^127\.0\.0\.1 "POST \/a\?b=1" 200 2 \d+\.\dms$/);
  assert.match(logged.lines[1], /^127\.0\.0\.1 "GET \/boom" 500 - \d+\.\dms$/);
  assert.match(logged.lines[2], /"GET \/after" 200/);
});

Deno.test("serve: shutdown waits for an in-flight request, then closes the app", async () => {
  const { app, release, slowStarted, closed } = testApp();
  const server = serve(app, { port: 0 });
  const slow = fetch(`${server.url}/slow`);
  await slowStarted;
  const stopping = server.shutdown();
  await delay(50);
  assert.equal(closed(), 0, "app closed while a request was in flight");
  release();
  assert.equal(await (await slow).text(), "slow done");
  await stopping;
  assert.equal(closed(), 1);
});

Deno.test("serve: after the grace period the app is closed anyway", async () => {
  const { app, release, slowStarted, closed } = testApp();
  const server = serve(app, { port: 0, gracePeriodMs: 100 });
  const slow = fetch(`${server.url}/slow`);
  await slowStarted;
  const started = performance.now();
  await server.shutdown();
  assert.ok(performance.now() - started < 1000);
  assert.equal(closed(), 1);
  // Let the straggler finish so nothing leaks past the test.
  release();
  await (await slow).text();
});

Deno.test("serve: aborting the signal shuts down gracefully", async () => {
  const { app, closed } = testApp();
  const controller = new AbortController();
  const server = serve(app, { port: 0, signal: controller.signal });
  assert.equal(await (await fetch(server.url)).text(), "ok");
  controller.abort();
  await server.finished;
  assert.equal(closed(), 1);
});

Deno.test("serve: a failing app.close() rejects shutdown() without crashing", async () => {
  const server = serve({
    fetch: () => new Response("ok"),
    close: () => Promise.reject(new Error("close failed")),
  }, { port: 0 });
  await assert.rejects(server.shutdown(), /close failed/);
  await assert.rejects(server.finished, /close failed/);
});

Deno.test("formatUrl: brackets IPv6 hosts", () => {
  assert.equal(formatUrl({ transport: "tcp", hostname: "::1", port: 80 }), "http://[::1]:80");
  assert.equal(
    formatUrl({ transport: "tcp", hostname: "0.0.0.0", port: 6543 }),
    "http://0.0.0.0:6543",
  );
});
