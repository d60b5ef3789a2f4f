// Blocking (plain-function) websocket views: they run in the executor with a synchronous ws,
// hold a worker while open, and are bounded by aio.websocket.max_blocking.
import assert from "node:assert/strict";
import { Configurator, type Executor, ignoreWebsocketClosed, WebsocketMapper } from "@aio/pyramid";
import {
  captureErrors,
  Client,
  eventually,
  handshake,
  rawRequest,
  type Running,
  serveApp,
} from "./_helpers.ts";
import { reports } from "./fixtures/blocking_views.ts";

const VIEWS = new URL("./fixtures/blocking_views.ts", import.meta.url).href;
const NAMES = [
  "echo",
  "describesTypes",
  "throwsAfterFirst",
  "closesWith4001",
  "sendsForever",
  "catchesClosed",
];

class BytesMapper extends WebsocketMapper {
  static override useBytes = true;
}

function blockingConfig(settings: Record<string, string> = {}): Configurator {
  const config = new Configurator({
    settings: { "aio.executor.max_workers": "3", "aio.debug": "false", ...settings },
  });
  for (const name of NAMES) {
    config.addRoute(name, `/${name}`);
    config.addView(`${VIEWS}#${name}`, { routeName: name, mapper: WebsocketMapper });
  }
  config.addRoute("bytes", "/bytes");
  config.addView(`${VIEWS}#describesTypes`, { routeName: "bytes", mapper: BytesMapper });
  config.addRoute("hello", "/hello");
  config.addView(`${VIEWS}#hello`, { routeName: "hello", renderer: "string" });
  return config;
}

async function withBlocking(
  settings: Record<string, string>,
  fn: (running: Running) => Promise<void>,
  wrap: (running: Running) => void = () => {},
): Promise<void> {
  const app = await blockingConfig(settings).makeApp();
  await app.ready(); // keep worker start-up out of the 5 s guards
  const running = serveApp(app);
  wrap(running);
  try {
    await fn(running);
  } finally {
    await running.close();
  }
}

function busyWorkers(running: Running): number {
  return (running.app.executor as Executor).stats.busy;
}

async function talk(client: Client, message: string | Uint8Array<ArrayBuffer>): Promise<unknown> {
  client.send(message);
  return await client.next();
}

Deno.test("a blocking websocket view echoes text and bytes with synchronous recv()/send()", async () => {
  await withBlocking({}, async (running) => {
    const client = await Client.open(running.url("/echo"));
    assert.equal(await talk(client, "first"), "first");
    assert.equal(await talk(client, "ü ✓"), "ü ✓");
    const bytes = await talk(client, new Uint8Array([0, 1, 2, 255]));
    assert.deepEqual(new Uint8Array(bytes as ArrayBuffer), new Uint8Array([0, 1, 2, 255]));
    // The view returns when recv() sees the close; the worker is free again.
    assert.equal((await client.close(1000)).code, 1000);
    await eventually(() => busyWorkers(running) === 0, "the view to end");
  });
});

Deno.test("WebsocketMapper.useBytes reaches a blocking view: text arrives as bytes", async () => {
  await withBlocking({}, async (running) => {
    const plain = await Client.open(running.url("/describesTypes"));
    assert.equal(await talk(plain, "abc"), "string:abc");
    assert.equal(await talk(plain, new Uint8Array([1, 2])), "bytes:2");
    await plain.close();
    const bytes = await Client.open(running.url("/bytes"));
    assert.equal(await talk(bytes, "abc"), "bytes:3");
    await bytes.close();
  });
});

Deno.test("a blocking websocket view that throws: 1011, logged, and the next socket is served", async () => {
  await captureErrors(async (lines) => {
    await withBlocking({}, async (running) => {
      const client = await Client.open(running.url("/throwsAfterFirst"));
      client.send("go");
      const closed = await client.whenClosed();
      assert.equal(closed.code, 1011);
      assert.equal(closed.reason, "Internal error.");
      const logged = lines.join("\n");
      assert.match(logged, /The websocket view .*throwsAfterFirst failed/);
      assert.match(logged, /RangeError: the legacy parser choked/);
      const next = await Client.open(running.url("/echo"));
      assert.equal(await talk(next, "still served"), "still served");
      await next.close();
    });
  });
});

Deno.test("ws.close(code, reason) from a blocking view reaches the client", async () => {
  reports.length = 0;
  await withBlocking({}, async (running) => {
    const client = await Client.open(running.url("/closesWith4001"));
    client.send("go");
    const closed = await client.whenClosed();
    assert.deepEqual([closed.code, closed.reason], [4001, "enough"]);
    await eventually(() => reports.length > 0, "the view's report");
    assert.deepEqual(reports, ["closed:true"]);
  });
});

Deno.test("send() after the peer left throws WebsocketClosed in the worker, catchable by class", async () => {
  reports.length = 0;
  await withBlocking({}, async (running) => {
    const client = await Client.open(running.url("/catchesClosed"));
    assert.equal(await talk(client, "go"), "tick");
    await client.close(1000);
    await eventually(() => reports.length > 0, "the view's report");
    assert.deepEqual(reports, ["caught:true:WebsocketClosed"]);
  });
});

Deno.test("ignoreWebsocketClosed(app) keeps an escaped WebsocketClosed of a blocking view out of the log", async () => {
  for (const ignore of [false, true]) {
    await captureErrors(async (lines) => {
      await withBlocking({}, async (running) => {
        const client = await Client.open(running.url("/sendsForever"));
        assert.equal(await talk(client, "go"), "tick");
        await client.close(1000);
        // The view ends when its send() throws; the worker then serves HTTP again.
        await eventually(
          () => busyWorkers(running) === 0,
          "the view to end",
        );
        const logged = lines.join("\n");
        if (ignore) assert.doesNotMatch(logged, /WebsocketClosed/);
        else assert.match(logged, /sendsForever failed[\s\S]*WebsocketClosed/);
      }, (running) => ignore && ignoreWebsocketClosed(running.app));
    });
  }
});

Deno.test("aio.websocket.max_blocking: one more blocking socket is a 503 before the upgrade; HTTP views keep a worker", async () => {
  await withBlocking(
    { "aio.executor.max_workers": "2", "aio.websocket.max_blocking": "1" },
    async (running) => {
      const held = await Client.open(running.url("/echo"));
      assert.equal(await talk(held, "holding a worker"), "holding a worker");
      const refused = await rawRequest(running.port, handshake("/echo", running.port));
      assert.equal(refused.status, 503, refused.head);
      assert.match(refused.head, /retry-after: 1/i);
      // The other worker still runs blocking HTTP views.
      const hello = await fetch(`http://127.0.0.1:${running.port}/hello`);
      assert.equal(await hello.text(), "hello from a worker");
      // Closing the held socket frees its slot.
      await held.close(1000);
      await eventually(
        () => busyWorkers(running) === 0,
        "the held view to end",
      );
      const again = await Client.open(running.url("/echo"));
      assert.equal(await talk(again, "my turn"), "my turn");
      await again.close();
    },
  );
});

Deno.test("aio.websocket.blocking_timeout_ms: a blocking view waiting in recv() past its lifetime is closed with 1011", async () => {
  await captureErrors(async (lines) => {
    await withBlocking({ "aio.websocket.blocking_timeout_ms": "1000" }, async (running) => {
      const idle = await Client.open(running.url("/echo"));
      const closed = await idle.whenClosed();
      assert.equal(closed.code, 1011);
      assert.match(lines.join("\n"), /ran longer than 1000 ms/);
      // Its worker was replaced: blocking sockets and views are served again.
      const next = await Client.open(running.url("/echo"));
      assert.equal(await talk(next, "after the timeout"), "after the timeout");
      await next.close();
      const hello = await fetch(`http://127.0.0.1:${running.port}/hello`);
      assert.equal(await hello.text(), "hello from a worker");
    });
  });
});

Deno.test("app.close() with a blocking websocket view open: the client gets 1001 within the grace period, then the executor drains", async () => {
  const app = await blockingConfig({ "aio.websocket.shutdown_grace_ms": "200" }).makeApp();
  await app.ready();
  const running = serveApp(app);
  try {
    const client = await Client.open(running.url("/echo"));
    assert.equal(await talk(client, "open"), "open");
    const started = performance.now();
    await app.close();
    const took = performance.now() - started;
    const closed = await client.whenClosed();
    assert.equal(closed.code, 1001, `close code ${closed.code} ${closed.reason}`);
    // The websocket extension closes before the executor: 1001, the view's recv() sees the
    // end, the worker finishes, then the pool stops — all well within grace + 1 s.
    assert.ok(took < 200 + 1000, `app.close() took ${Math.round(took)} ms`);
  } finally {
    await running.close();
  }
});
