// RedisSessionFactory against a real redis-server: only a signed id in the cookie,
// sessions shared between factories, concurrent writers, invalidation, and a Redis that
// goes away (503) and comes back.
import assert from "node:assert/strict";
import { createClient } from "@redis/client";
import { RedisSessionFactory, type RedisSessionOptions } from "../../src/session/mod.ts";
import { HTTPServiceUnavailable } from "../../src/httpexceptions.ts";
import { ConfigurationError } from "../../src/errors.ts";
import { cookieValue, FakeRequest, setCookies } from "./_fake.ts";
import { ensureRedisServer, freePort, startRedis } from "./_redis.ts";

const unavailable = await ensureRedisServer();
if (unavailable) console.log(`SKIPPING the Redis session tests: ${unavailable}.`);

const SECRET = "redis-session-secret-".repeat(3);

Deno.test({
  name: "RedisSessionFactory: sessions in Redis, a signed id in the cookie",
  ignore: unavailable !== undefined,
  async fn(t) {
    const redis = await startRedis();
    const options: RedisSessionOptions = { secret: SECRET, timeout: 600 };
    const machineA = RedisSessionFactory(redis.url, options);
    const machineB = RedisSessionFactory(redis.url, options);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const load = async (factory = machineA, cookie?: string) => {
      const request = new FakeRequest(cookie === undefined ? {} : { session: cookie });
      return { request, session: await factory(request) };
    };
    try {
      let cookie = "";
      await t.step("a new session is saved in Redis; the cookie holds only its id", async () => {
        const { request, session } = await load();
        session.set("user", "ada");
        session.flash("Welcome");
        const response = await request.respond();
        cookie = cookieValue(response, "session")!;
        assert.ok(cookie.length < 160, `a short cookie: ${cookie}`);
        const keys = await raw.keys("aio:session:*");
        assert.equal(keys.length, 1);
        const stored = await raw.hGetAll(keys[0]);
        assert.equal(stored["k:user"], '"ada"');
        assert.equal(stored["k:_f_"], '["Welcome"]');
        const ttl = await raw.ttl(keys[0]);
        assert.ok(ttl > 590 && ttl <= 600, `TTL follows the timeout (${ttl})`);
        // The signed JSON is the 64-hex-digit id and nothing else.
        const padded = cookie + "=".repeat((4 - cookie.length % 4) % 4);
        const decoded = atob(padded.replaceAll("-", "+").replaceAll("_", "/"));
        assert.match(decoded.slice(32), /^"[0-9a-f]{64}"$/);
      });

      await t.step("another machine with the same secret reads it", async () => {
        const { session } = await load(machineB, cookie);
        assert.equal(session.new, false);
        assert.deepEqual(session.toJSON(), { user: "ada", _f_: ["Welcome"] });
      });

      await t.step("two concurrent requests: different keys both survive", async () => {
        const a = await load(machineA, cookie);
        const b = await load(machineB, cookie);
        a.session.set("fromA", 1);
        b.session.set("fromB", 2);
        b.session.popFlash();
        await Promise.all([a.request.respond(), b.request.respond()]);
        const { session } = await load(machineA, cookie);
        assert.deepEqual(session.toJSON(), { user: "ada", fromA: 1, fromB: 2 });
      });

      await t.step("two concurrent requests, one key: the one saved last wins", async () => {
        const a = await load(machineA, cookie);
        const b = await load(machineB, cookie);
        a.session.set("colour", "red");
        b.session.set("colour", "blue");
        await b.request.respond();
        await a.request.respond();
        assert.equal((await load(machineA, cookie)).session.get("colour"), "red");
      });

      await t.step("changed() writes the whole session, replacing the other's keys", async () => {
        const a = await load(machineA, cookie);
        const b = await load(machineB, cookie);
        b.session.set("late", true);
        await b.request.respond();
        a.session.changed();
        await a.request.respond();
        assert.equal((await load(machineA, cookie)).session.has("late"), false);
      });

      await t.step("tampered, forged or unknown ids are new sessions", async () => {
        const flipped = cookie.slice(0, 5) + (cookie[5] === "A" ? "B" : "A") + cookie.slice(6);
        const other = RedisSessionFactory(redis.url, { secret: "another-secret-entirely" });
        for (const bad of [flipped, "a".repeat(64), "", "x".repeat(4000), cookie.slice(0, 30)]) {
          const { session, request } = await load(machineA, bad);
          assert.equal(session.new, true);
          assert.deepEqual(session.toJSON(), {});
          assert.equal(setCookies(await request.respond(), "session").length, 0);
        }
        assert.equal((await load(other, cookie)).session.new, true);
        // A well-signed id whose entry expired or was removed.
        const gone = await load();
        gone.session.set("x", 1);
        const goneCookie = cookieValue(await gone.request.respond(), "session")!;
        await raw.flushDb();
        const reloaded = await load(machineA, goneCookie);
        assert.equal(reloaded.session.new, true);
        reloaded.session.set("y", 2);
        const fresh = cookieValue(await reloaded.request.respond(), "session")!;
        assert.notEqual(fresh, goneCookie, "a new id, not the stale one");
        await other.close?.();
      });

      await t.step("invalidate() removes the entry and expires the cookie", async () => {
        const first = await load();
        first.session.set("user", "ada");
        const before = cookieValue(await first.request.respond(), "session")!;
        assert.equal((await raw.keys("aio:session:*")).length, 2);
        const { request, session } = await load(machineB, before);
        session.invalidate();
        const [header] = setCookies(await request.respond(), "session");
        assert.match(header, /^session=;.*Max-Age=0/);
        assert.equal((await raw.keys("aio:session:*")).length, 1);
        assert.equal((await load(machineA, before)).session.new, true);
      });

      await t.step("invalidate() then set: a new id (no session fixation)", async () => {
        const first = await load();
        first.session.set("user", "anonymous");
        const before = cookieValue(await first.request.respond(), "session")!;
        const { request, session } = await load(machineA, before);
        session.invalidate();
        session.set("user", "ada");
        const after = cookieValue(await request.respond(), "session")!;
        assert.notEqual(after, before);
        assert.equal((await load(machineA, before)).session.new, true);
        assert.deepEqual((await load(machineA, after)).session.toJSON(), { user: "ada" });
      });
    } finally {
      await raw.close();
      await machineA.close!();
      await machineB.close!();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "RedisSessionFactory: Redis gone is a clear 503; back again, sessions work",
  ignore: unavailable !== undefined,
  async fn() {
    let redis = await startRedis();
    const factory = RedisSessionFactory(redis.url, { secret: SECRET });
    try {
      const first = new FakeRequest();
      (await factory(first)).set("user", "ada");
      const cookie = cookieValue(await first.respond(), "session")!;

      await redis.stop();
      const request = new FakeRequest({ session: cookie });
      const error = await factory(request).then(() => undefined, (e) => e);
      assert.ok(error instanceof HTTPServiceUnavailable, String(error));
      assert.equal(error.status, 503);
      assert.match(
        error.message,
        /The session store \(Redis at redis:\/\/127\.0\.0\.1:\d+\/0\) cannot be reached/,
      );
      // A request without a session cookie loads nothing, but its save fails the same way.
      const fresh = new FakeRequest();
      (await factory(fresh)).set("x", 1);
      await assert.rejects(fresh.respond(), HTTPServiceUnavailable);

      redis = await startRedis(redis.port);
      let back: Awaited<ReturnType<typeof factory>> | undefined;
      for (let i = 0; i < 100 && back === undefined; i++) {
        back = await factory(new FakeRequest({ session: cookie })).catch(() => undefined);
        if (!back) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(back, "the store reconnects by itself");
      // The data went with the server (no persistence): a new session, not an error.
      assert.equal(back.new, true);
    } finally {
      await factory.close!();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "RedisSessionFactory: nothing listening is a 503 at once; bad options are refused",
  ignore: unavailable !== undefined,
  async fn() {
    const factory = RedisSessionFactory(`redis://127.0.0.1:${freePort()}/0`, { secret: SECRET });
    const started = Date.now();
    const request = new FakeRequest({ session: "whatever" });
    const session = await factory(request); // an unsigned cookie needs no lookup
    assert.equal(session.new, true);
    session.set("a", 1);
    await assert.rejects(request.respond(), /cannot be reached/);
    assert.ok(Date.now() - started < 3000);
    await factory.close!();
    assert.throws(
      () => RedisSessionFactory("redis://x", {} as RedisSessionOptions),
      /options.secret is required/,
    );
    assert.throws(
      () => RedisSessionFactory("http://x", { secret: SECRET }),
      ConfigurationError,
    );
  },
});
