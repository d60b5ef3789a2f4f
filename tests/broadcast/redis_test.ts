import assert from "node:assert/strict";
import {
  publish,
  RedisBroker,
  signal,
  subscribe,
  useBroker,
  waitForSignal,
} from "../../src/broadcast/mod.ts";
import { ensureRedisServer, startRedisServer } from "./_redis_server.ts";

const unavailable = await ensureRedisServer();
if (unavailable) console.log(`SKIPPING the Redis broker tests: ${unavailable}.`);

async function take<T>(iterator: AsyncIterable<T>, count: number): Promise<T[]> {
  const got: T[] = [];
  for await (const item of iterator) {
    got.push(item);
    if (got.length === count) break;
  }
  return got;
}

Deno.test({
  name: "RedisBroker: pub/sub and signals across two brokers (two machines)",
  ignore: unavailable !== undefined,
  async fn(t) {
    const server = await startRedisServer();
    // Two brokers, each with its own two connections, stand for two machines.
    const a = new RedisBroker(server.url(0));
    const b = new RedisBroker(server.url(0));
    try {
      await t.step("publish on one reaches subscribers on both, in order", async () => {
        const onA = a.subscribe<{ i: number }>("room");
        const onB = b.subscribe<{ i: number }>("room");
        await Promise.all([onA.ready, onB.ready]);
        const messages = Array.from({ length: 300 }, (_, i) => ({ i }));
        const [gotA, gotB] = [take(onA, 300), take(onB, 300)];
        for (const message of messages) void a.publish("room", message);
        assert.equal(await a.publish("other", "x"), 0, "nobody listens to 'other'");
        assert.deepEqual(await gotA, messages);
        assert.deepEqual(await gotB, messages);
      });

      await t.step("breaking the loop UNSUBSCRIBEs: nobody receives afterwards", async () => {
        const room = b.subscribe("room");
        await room.ready;
        assert.equal(await a.publish("room", 1), 1);
        for await (const _ of room) break;
        assert.equal(b.subscriberCount, 0);
        let receivers = await a.publish("room", 2);
        for (let i = 0; receivers !== 0 && i < 50; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          receivers = await a.publish("room", 2);
        }
        assert.equal(receivers, 0);
      });

      await t.step(
        "data travels as JSON; raw payloads from other tools arrive as strings",
        async () => {
          const room = b.subscribe("json");
          await room.ready;
          await a.publish("json", {
            at: new Date(0),
            list: [1, "two", null],
            nested: { ok: true },
          });
          await a.publish("json", undefined);
          const raw = new RedisBroker(server.url(0), { prefix: "" });
          await raw.publish("aio:0:json", "ignored"); // JSON string: arrives as "ignored"
          assert.deepEqual(await take(room, 3), [
            { at: "1970-01-01T00:00:00.000Z", list: [1, "two", null], nested: { ok: true } },
            null,
            "ignored",
          ]);
          await assert.rejects(
            a.publish("json", { big: 1n }),
            /cannot be sent through Redis as JSON/,
          );
          await raw.close();
          await room.return();
        },
      );

      await t.step(
        "the database number scopes channels (Redis pub/sub alone ignores it)",
        async () => {
          const other = new RedisBroker(server.url(1));
          const room = b.subscribe("scoped");
          await room.ready;
          assert.equal(await other.publish("scoped", "from db 1"), 0);
          assert.equal(await a.publish("scoped", "from db 0"), 1);
          assert.deepEqual(await take(room, 1), ["from db 0"]);
          await other.close();
        },
      );

      await t.step("waitForSignal on one machine, signal from the other", async () => {
        const listening = Promise.withResolvers<void>();
        const waiting = waitForSignal<{ msg: string }>("abc", {
          timeoutMs: 5000,
          broker: a,
          onListening: listening.resolve,
        });
        await listening.promise;
        assert.equal(await signal("abc", { msg: "hi" }, { broker: b }), 1);
        assert.deepEqual(await waiting, { msg: "hi" });
        // The finished waiter's UNSUBSCRIBE and this PUBLISH travel on different connections,
        // so Redis may count the waiter once more; within a moment nobody hears the signal.
        const deadline = Date.now() + 2000;
        let heard = await signal("abc", "too late", { broker: b });
        while (heard !== 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          heard = await signal("abc", "too late", { broker: b });
        }
        assert.equal(heard, 0);
        await assert.rejects(
          waitForSignal("abc", { timeoutMs: 20, broker: a }),
          /No signal "abc" arrived within 20 ms/,
        );
      });

      await t.step("the module-level functions use an installed RedisBroker", async () => {
        const previous = useBroker(a);
        try {
          const room = subscribe<string>("lobby");
          await room.ready;
          const fromB = b.subscribe<string>("lobby");
          await fromB.ready;
          await publish("lobby", "hello");
          assert.deepEqual(await take(room, 1), ["hello"]);
          assert.deepEqual(await take(fromB, 1), ["hello"]);
        } finally {
          useBroker(previous);
        }
      });

      await t.step(
        "close() ends live subscriptions and later use says the broker is closed",
        async () => {
          const c = new RedisBroker(server.url(0));
          const room = c.subscribe("room");
          await room.ready;
          const reading = room.next();
          await c.close();
          assert.deepEqual(await reading, { value: undefined, done: true });
          await assert.rejects(c.publish("room", 1), /is closed/);
          assert.equal(await a.publish("room", "still works"), 0);
        },
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
      await server.stop();
    }
  },
});
