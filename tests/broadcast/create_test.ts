import assert from "node:assert/strict";
import { ConfigurationError } from "../../src/errors.ts";
import {
  brokerFromSettings,
  createBroker,
  getBroker,
  LocalBroker,
  RedisBroker,
  useBroker,
} from "../../src/broadcast/mod.ts";

Deno.test("createBroker picks the local broker by default and Redis for redis:// URLs", async () => {
  for (const url of [undefined, "", "  ", "local:"]) {
    const broker = createBroker({ url });
    assert.ok(broker instanceof LocalBroker, `url ${url}`);
    await broker.close();
  }
  const redis = createBroker({ url: "redis://:secret@127.0.0.1:6379/2" });
  assert.ok(redis instanceof RedisBroker);
  assert.equal(redis.prefix, "aio:2:");
  assert.ok(!redis.url.includes("secret"), "the password is not shown");
  await redis.close(); // never connected: nothing to do
  const named = createBroker({ url: "redis://127.0.0.1:6379", prefix: "chat:" }) as RedisBroker;
  assert.equal(named.prefix, "chat:");
  await named.close();
});

Deno.test("brokerFromSettings reads aio.broker.url", async () => {
  const local = brokerFromSettings({});
  assert.ok(local instanceof LocalBroker);
  await local.close();
  const redis = brokerFromSettings({ "aio.broker.url": "redis://127.0.0.1:6379/0" });
  assert.ok(redis instanceof RedisBroker);
  await redis.close();
});

Deno.test("a bad aio.broker.url is a ConfigurationError that says what is accepted", () => {
  assert.throws(
    () => createBroker({ url: "amqp://127.0.0.1" }),
    (error: unknown) =>
      error instanceof ConfigurationError && /aio\.broker\.url/.test(error.message) &&
      /redis:\/\/host:port\/db/.test(error.message),
  );
  assert.throws(
    () => createBroker({ url: "redis://127.0.0.1:6379/cache" }),
    (error: unknown) =>
      error instanceof ConfigurationError && /must be a number/.test(error.message),
  );
  assert.throws(
    () => brokerFromSettings({ "aio.broker.url": 6379 }),
    (error: unknown) =>
      error instanceof ConfigurationError && /must be a string/.test(error.message),
  );
  assert.throws(() => new RedisBroker("not a url"), /is not a URL/);
  assert.throws(() => new RedisBroker("http://127.0.0.1"), /not a redis:\/\/ or rediss:\/\/ URL/);
});

Deno.test("useBroker swaps the current broker and returns the previous one", async () => {
  const original = useBroker(undefined);
  try {
    const defaultBroker = getBroker();
    assert.ok(defaultBroker instanceof LocalBroker);
    assert.equal(getBroker(), defaultBroker, "the default is made once");
    const mine = new LocalBroker({ namespace: crypto.randomUUID() });
    assert.equal(useBroker(mine), defaultBroker);
    assert.equal(getBroker(), mine);
    await mine.close();
  } finally {
    useBroker(original);
  }
});

Deno.test("an unreachable Redis fails publish and subscriptions with a clear error", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens there now
  const broker = new RedisBroker(`redis://127.0.0.1:${port}/0`, { connectTimeoutMs: 1000 });
  await assert.rejects(
    broker.publish("room", 1),
    /cannot connect to redis:\/\/127\.0\.0\.1:\d+\/0 .*Start redis-server there, or fix the aio\.broker\.url setting/,
  );
  const room = broker.subscribe("room");
  await assert.rejects(room.next(), /cannot connect/);
  assert.equal(room.closed, true);
  assert.equal(broker.subscriberCount, 0);
  await broker.close();
});
