// Sessions and CSRF end to end, over a real socket, in async views and blocking views (in
// an executor worker), with each of the three stores.
import assert from "node:assert/strict";
import {
  type App,
  Configurator,
  EncryptedCookieSessionFactory,
  RedisSessionFactory,
  type SessionFactory,
  SignedCookieSessionFactory,
  type WebsocketConnection,
  WebsocketMapper,
} from "@aio/pyramid";
import { DummyRequest } from "@aio/pyramid/testing";
import { capturingErrors } from "./_fake.ts";
import { ensureRedisServer, type Redis, startRedis } from "./_redis.ts";

const VIEWS = "./fixtures/session_views.ts";
const SECRET = "http-test-secret-".repeat(4);
const redisMissing = await ensureRedisServer();
if (redisMissing) {
  console.log(`SKIPPING the Redis parts of the HTTP session tests: ${redisMissing}.`);
}

/** A browser's cookie jar, enough for one host. */
class Jar {
  cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1));
    }
  }
}

interface Served {
  base: string;
  app: App;
  jar: Jar;
  get(path: string, init?: RequestInit): Promise<Response>;
  json(path: string, init?: RequestInit): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function serveWith(
  factory: SessionFactory,
  configure: (config: Configurator) => void = () => {},
): Promise<Served> {
  const config = new Configurator({
    settings: { "aio.executor.max_workers": 1, "aio.debug": "false" },
  });
  config.setSessionFactory(factory);
  const routes: [string, string, Record<string, unknown>?][] = [
    ["asyncCount", "json"],
    ["blockingCount", "json"],
    ["asyncFlash", "json"],
    ["blockingFlash", "json"],
    ["asyncShow", "json"],
    ["blockingShow", "json"],
    ["asyncRead", "json"],
    ["untouched", "json"],
    ["asyncForm", "json"],
    ["blockingForm", "json"],
    ["asyncPost", "json", { requestMethod: "POST" }],
    ["blockingPost", "json", { requestMethod: "POST" }],
    ["asyncLogout", "json"],
    ["asyncBig", "json"],
    ["blockingBadValue", "json"],
    ["asyncForgotAwait", "json"],
    ["asyncBoom", "json"],
  ];
  for (const [name, renderer, options] of routes) {
    config.addRoute(name, `/${name}`);
    config.addView(`${VIEWS}#${name}`, { routeName: name, renderer, ...options });
  }
  config.addRoute("show", "/show");
  config.addView(`${VIEWS}#asyncShow`, { routeName: "show", renderer: "json" });
  configure(config);
  const app = await config.makeApp();
  await app.ready();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const jar = new Jar();
  const get = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.cookies.size && !headers.has("cookie")) headers.set("cookie", jar.header());
    const response = await fetch(base + path, { redirect: "manual", ...init, headers });
    jar.take(response);
    return response;
  };
  return {
    base,
    app,
    jar,
    get,
    json: async (path, init) => await (await get(path, init)).json(),
    close: async () => {
      await app.close();
      await server.shutdown();
    },
  };
}

function stores(redis: Redis | undefined): [string, () => SessionFactory][] {
  const list: [string, () => SessionFactory][] = [
    ["signed cookie", () => SignedCookieSessionFactory(SECRET)],
    ["encrypted cookie", () => EncryptedCookieSessionFactory(new Uint8Array(32).fill(7))],
  ];
  if (redis) list.push(["redis", () => RedisSessionFactory(redis.url, { secret: SECRET })]);
  return list;
}

Deno.test("request.session in async and blocking views, every store, over HTTP", async (t) => {
  const redis = redisMissing ? undefined : await startRedis();
  try {
    for (const [label, make] of stores(redis)) {
      const served = await serveWith(make());
      try {
        await t.step(`${label}: one counter, written alternately by both worlds`, async () => {
          assert.deepEqual(await served.json("/asyncCount"), { n: 1, world: "async" });
          assert.deepEqual(await served.json("/blockingCount"), { n: 2, world: "blocking" });
          assert.deepEqual(await served.json("/asyncCount"), { n: 3, world: "async" });
          assert.deepEqual(await served.json("/blockingCount"), { n: 4, world: "blocking" });
          assert.deepEqual(await served.json("/asyncRead"), { n: 4, new: false });
        });

        await t.step(`${label}: flash from one world, shown in the other`, async () => {
          const redirect = await served.get("/blockingFlash?msg=saved");
          assert.equal(redirect.status, 302);
          await redirect.body?.cancel();
          assert.deepEqual(await served.json("/show"), {
            messages: ["blocking: saved"],
            warnings: ["warning!"],
          });
          await (await served.get("/asyncFlash?msg=edited")).body?.cancel();
          await (await served.get("/asyncFlash?msg=again")).body?.cancel();
          const shown = await served.json("/blockingShow");
          assert.deepEqual(shown.peek, ["async: edited", "async: again"]);
          assert.deepEqual(shown.messages, ["async: edited", "async: again"]);
          assert.deepEqual(shown.warnings, ["warning!", "warning!"]);
          assert.deepEqual(await served.json("/asyncShow"), { messages: [], warnings: [] });
        });

        await t.step(
          `${label}: a request that never touches the session sets nothing`,
          async () => {
            const response = await served.get("/untouched");
            assert.deepEqual(await response.json(), { ok: true });
            assert.equal(response.headers.getSetCookie().length, 0);
          },
        );

        await t.step(`${label}: values JSON cannot carry are refused in the view`, async () => {
          const answer = await served.json("/blockingBadValue");
          assert.equal(answer.refused, true);
          assert.match(String(answer.message), /cannot be stored as JSON/);
          const forgot = await served.json("/asyncForgotAwait");
          assert.equal(forgot.threw, true);
          assert.match(String(forgot.message), /write \(await request\.session\)\.get/);
        });

        await t.step(`${label}: invalidate() logs out`, async () => {
          await served.json("/asyncLogout");
          assert.deepEqual(await served.json("/asyncRead"), { n: null, new: true });
        });

        await t.step(`${label}: bad cookies are new sessions, never a 5xx`, async () => {
          for (const bad of ["garbage", "A".repeat(5000), "", "%%%"]) {
            for (const name of ["session", "AIOHTTP_SESSION"]) {
              const response = await served.get("/asyncRead", {
                headers: { cookie: `${name}=${bad}` },
              });
              assert.equal(response.status, 200);
              assert.deepEqual(await response.json(), { n: null, new: true });
            }
          }
          assert.deepEqual(await served.json("/asyncCount"), { n: 1, world: "async" });
        });

        await t.step(`${label}: an error view still saves (setOnException default)`, async () => {
          let response!: Response;
          await capturingErrors(async () => {
            response = await served.get("/asyncBoom");
            await response.body?.cancel();
          });
          assert.equal(response.status, 500);
          assert.equal(response.headers.getSetCookie().length, 1);
        });
      } finally {
        await served.close();
      }
    }
  } finally {
    await redis?.stop();
  }
});

Deno.test("a session over 4,096 bytes: logged with its size, the response still goes out", async () => {
  const served = await serveWith(SignedCookieSessionFactory(SECRET));
  try {
    let response!: Response;
    const errors = await capturingErrors(async () => {
      response = await served.get("/asyncBig");
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true });
    assert.equal(response.headers.getSetCookie().length, 0);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /The session cookie 'session' would be \d+ bytes, over the 4096/);
    assert.deepEqual(await served.json("/asyncCount"), { n: 1, world: "async" });
  } finally {
    await served.close();
  }
});

Deno.test("setOnException: false keeps an erring request's changes out", async () => {
  const served = await serveWith(SignedCookieSessionFactory(SECRET, { setOnException: false }));
  try {
    let response!: Response;
    await capturingErrors(async () => {
      response = await served.get("/asyncBoom");
      await response.body?.cancel();
    });
    assert.equal(response.status, 500);
    assert.equal(response.headers.getSetCookie().length, 0);
  } finally {
    await served.close();
  }
});

Deno.test({
  name: "Redis gone: 503 for requests that need the session, the rest keep serving",
  ignore: redisMissing !== undefined,
  async fn() {
    let redis = await startRedis();
    const served = await serveWith(RedisSessionFactory(redis.url, { secret: SECRET }));
    try {
      assert.deepEqual(await served.json("/asyncCount"), { n: 1, world: "async" });
      await redis.stop();
      for (const path of ["/asyncCount", "/blockingCount", "/asyncRead"]) {
        const response = await served.get(path, { headers: { accept: "text/plain" } });
        assert.equal(response.status, 503, path);
        const text = await response.text();
        assert.match(
          text,
          /The session store \(Redis at .*\) cannot be reached/,
          `${path}: ${text}`,
        );
      }
      // A new visitor's save fails after the view ran: 503 too, not a 500.
      let fresh!: Response;
      await capturingErrors(async () => {
        fresh = await fetch(served.base + "/asyncCount", { headers: { accept: "text/plain" } });
      });
      assert.equal(fresh.status, 503);
      assert.match(await fresh.text(), /cannot be reached/);
      const fine = await served.get("/untouched");
      assert.equal(fine.status, 200);
      await fine.body?.cancel();
      redis = await startRedis(redis.port);
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        const response = await served.get("/asyncCount");
        status = response.status;
        await response.body?.cancel();
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(status, 200, "back once Redis is");
    } finally {
      await served.close();
      await redis.stop();
    }
  },
});

Deno.test("CSRF over HTTP: tokens in both worlds, forged POSTs refused with 400", async (t) => {
  const served = await serveWith(SignedCookieSessionFactory(SECRET), (config) => {
    config.setDefaultCsrfOptions({ requireCsrf: true });
    config.addRoute("exempt", "/exempt");
    config.addView(async () => ({ ok: "exempt" }), {
      routeName: "exempt",
      renderer: "json",
      requireCsrf: false,
    });
    config.addExceptionView(async (error: Error, _request: unknown) => ({ handled: error.name }), {
      context: Error,
      renderer: "json",
    });
  });
  try {
    const token = String((await served.json("/asyncForm")).token);
    assert.match(token, /^[0-9a-f]{40}$/);

    await t.step("the blocking view sees the same token (request.csrfToken too)", async () => {
      assert.deepEqual(await served.json("/blockingForm"), { token, same: token });
    });

    for (const path of ["/asyncPost", "/blockingPost"]) {
      await t.step(
        `${path}: form field or header accepted; none, wrong, or query refused`,
        async () => {
          const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
            served.get(path, {
              method: "POST",
              body: new URLSearchParams(fields),
              headers,
            });
          const ok = await form({ csrf_token: token, value: "v1" });
          assert.equal(ok.status, 200);
          assert.equal((await ok.json()).ok, true);
          const viaHeader = await form({ value: "v2" }, { "x-csrf-token": token });
          assert.equal(viaHeader.status, 200);
          await viaHeader.body?.cancel();
          for (
            const [fields, headers] of [
              [{ value: "forged" }, {}],
              [{ csrf_token: "0".repeat(40), value: "forged" }, {}],
              [{ value: "forged" }, { "x-csrf-token": "nope" }],
            ] as [Record<string, string>, Record<string, string>][]
          ) {
            const refused = await form(fields, headers);
            assert.equal(refused.status, 400);
            assert.equal((await refused.json()).handled, "BadCSRFToken", "exception views see it");
          }
          const inQuery = await served.get(`${path}?csrf_token=${token}`, {
            method: "POST",
            body: new URLSearchParams({ value: "q" }),
          });
          assert.equal(inQuery.status, 400);
          await inQuery.body?.cancel();
          // Another visitor (no session cookie) with a stolen-looking token.
          const stranger = await fetch(served.base + path, {
            method: "POST",
            body: new URLSearchParams({ csrf_token: token }),
          });
          assert.equal(stranger.status, 400);
          await stranger.body?.cancel();
          // Failing does not hand out a session (which would replace a victim's cookie).
          assert.equal(stranger.headers.getSetCookie().length, 0);
        },
      );
    }

    await t.step("requireCsrf: false exempts a view; GET is never checked", async () => {
      const response = await served.get("/exempt", { method: "POST", body: "x" });
      assert.deepEqual(await response.json(), { ok: "exempt" });
      assert.equal((await served.get("/asyncRead")).status, 200);
    });

    await t.step("the forged POST changed nothing", async () => {
      const check = await served.json("/asyncForm");
      assert.equal(check.token, token);
    });
  } finally {
    await served.close();
  }
});

async function rawUpgrade(port: number, origin: string | undefined): Promise<string> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const lines = [
      "GET /ws HTTP/1.1",
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      ...(origin ? [`Origin: ${origin}`] : []),
    ];
    await connection.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
    const buffer = new Uint8Array(4096);
    const read = await connection.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split("\r\n")[0];
  } finally {
    connection.close();
  }
}

Deno.test("a websocket upgrade from a foreign Origin is refused when CSRF checking is on", async () => {
  async function echo(ws: WebsocketConnection) {
    for (;;) {
      const message = await ws.recv();
      if (message === null) break;
      await ws.send(message);
    }
  }
  for (
    const [requireCsrf, view] of [
      [true, echo],
      [false, echo],
      [true, `${VIEWS}#blockingEcho`],
    ] as const
  ) {
    const config = new Configurator({
      // Each accepted blocking upgrade holds a worker until the server sees the socket close.
      settings: { "aio.debug": "false", "aio.executor.max_workers": 5 },
    });
    config.setSessionFactory(SignedCookieSessionFactory(SECRET));
    config.setDefaultCsrfOptions({ requireCsrf, trustedOrigins: ["friend.example"] });
    config.addRoute("ws", "/ws");
    config.addView(view, { routeName: "ws", mapper: WebsocketMapper });
    const app = await config.makeApp();
    await app.ready();
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
    const port = server.addr.port;
    try {
      const foreign = await rawUpgrade(port, "http://evil.example");
      assert.match(foreign, requireCsrf ? /^HTTP\/1\.1 400/ : /^HTTP\/1\.1 101/, foreign);
      assert.match(await rawUpgrade(port, `http://127.0.0.1:${port}`), /^HTTP\/1\.1 101/);
      assert.match(await rawUpgrade(port, "https://friend.example"), /^HTTP\/1\.1 101/);
      // Not a browser page (no Origin): allowed; and a real client still echoes.
      assert.match(await rawUpgrade(port, undefined), /^HTTP\/1\.1 101/);
      const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      const echoed = new Promise<string>((resolve, reject) => {
        socket.onmessage = (event) => resolve(event.data);
        socket.onerror = () => reject(new Error("websocket error"));
      });
      await new Promise((resolve) => (socket.onopen = resolve));
      socket.send("hello");
      assert.equal(await echoed, "hello");
      const closed = new Promise((resolve) => (socket.onclose = resolve));
      socket.close();
      await closed;
    } finally {
      await app.close();
      await server.shutdown();
    }
  }
});

Deno.test("without a session factory, request.session says how to configure one", async () => {
  const config = new Configurator({ settings: { "aio.debug": "false" } });
  config.addRoute("asyncCount", "/asyncCount");
  config.addView(`${VIEWS}#asyncCount`, { routeName: "asyncCount", renderer: "json" });
  const app = await config.makeApp();
  try {
    let response!: Response;
    const logged = await capturingErrors(async () => {
      response = await app.fetch(new Request("http://localhost/asyncCount"));
      await response.body?.cancel();
    });
    assert.equal(response.status, 500);
    assert.match(logged.join("\n"), /No session factory is configured.*config\.setSessionFactory/s);
  } finally {
    await app.close();
  }
});

Deno.test("DummyRequest: request.session works in unit tests given a registry with a factory", async () => {
  const config = new Configurator();
  config.setSessionFactory(SignedCookieSessionFactory(SECRET));
  const request = new DummyRequest({ registry: config.registry });
  const session = await request.session;
  session.set("n", 1);
  assert.equal((await request.session).get("n"), 1, "one session per request");
  assert.match(request.csrfToken, /^[0-9a-f]{40}$/);
});
