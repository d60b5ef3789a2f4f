import assert from "node:assert/strict";
import {
  BrokerClosed,
  LocalBroker,
  publish,
  subscribe,
  SubscriptionOverflow,
  useBroker,
} from "../../src/broadcast/mod.ts";

function fresh(): LocalBroker {
  return new LocalBroker({ namespace: crypto.randomUUID() });
}

Deno.test("publish reaches every subscriber of the channel in one isolate, in order", async () => {
  const broker = fresh();
  const one = broker.subscribe<number>("room");
  const two = broker.subscribe<number>("room");
  const other = broker.subscribe<number>("elsewhere");
  for (let i = 0; i < 5; i++) await broker.publish("room", i);
  for (const subscription of [one, two]) {
    const got: number[] = [];
    for await (const message of subscription) {
      got.push(message);
      if (got.length === 5) break;
    }
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
  }
  assert.equal(other.pending, 0);
  await broker.close();
  assert.deepEqual(await other.next(), { value: undefined, done: true });
});

Deno.test("the module-level functions use the installed broker", async () => {
  const broker = fresh();
  const previous = useBroker(broker);
  try {
    const room = subscribe<{ text: string }>("lobby");
    await room.ready;
    await publish("lobby", { text: "hi" });
    assert.deepEqual((await room.next()).value, { text: "hi" });
    assert.equal(broker.subscriberCount, 1);
  } finally {
    useBroker(previous);
    await broker.close();
  }
});

Deno.test("messages are copies: a subscriber cannot change what the publisher holds", async () => {
  const broker = fresh();
  const room = broker.subscribe<{ n: number; at: Date }>("room");
  const sent = { n: 1, at: new Date(0) };
  await broker.publish("room", sent);
  const { value } = await room.next();
  assert.notEqual(value, sent);
  assert.deepEqual(value, sent);
  await broker.close();
});

Deno.test("breaking the loop unsubscribes and frees the broker's channel", async () => {
  const broker = fresh();
  const room = broker.subscribe<number>("room");
  await room.ready;
  assert.equal(broker.listening, true);
  await broker.publish("room", 1);
  for await (const _ of room) break;
  assert.equal(room.closed, true);
  assert.equal(broker.subscriberCount, 0);
  assert.equal(broker.listening, false, "the BroadcastChannel is closed when idle");
  // Publishing afterwards does not reach the old subscription, and works.
  await broker.publish("room", 2);
  assert.equal(room.pending, 0);
  await broker.close();
});

Deno.test("return() and an AbortSignal end a pending read as done", async () => {
  const broker = fresh();
  const first = broker.subscribe("a");
  const pending = first.next();
  await first.return();
  assert.deepEqual(await pending, { value: undefined, done: true });

  const controller = new AbortController();
  const second = broker.subscribe("b", { signal: controller.signal });
  const waiting = second.next();
  controller.abort();
  assert.deepEqual(await waiting, { value: undefined, done: true });
  const already = broker.subscribe("c", { signal: AbortSignal.abort() });
  assert.equal(already.closed, true);
  assert.equal(broker.subscriberCount, 0);
  await broker.close();
});

Deno.test("await using unsubscribes at the end of the block", async () => {
  const broker = fresh();
  {
    await using room = broker.subscribe("room");
    assert.equal(room.closed, false);
    assert.equal(broker.subscriberCount, 1);
  }
  assert.equal(broker.subscriberCount, 0);
  await broker.close();
});

Deno.test("a slow subscriber never blocks publish: drop-oldest keeps the newest", async () => {
  const broker = fresh();
  const slow = broker.subscribe<number>("room", { bufferSize: 3 });
  const fast = broker.subscribe<number>("room", { bufferSize: 100 });
  for (let i = 0; i < 10; i++) await broker.publish("room", i);
  assert.equal(slow.dropped, 7);
  assert.equal(slow.pending, 3);
  const got: number[] = [];
  while (slow.pending > 0) got.push((await slow.next()).value as number);
  assert.deepEqual(got, [7, 8, 9]);
  assert.equal(fast.pending, 10);
  await broker.close();
});

Deno.test("drop-newest keeps the backlog", async () => {
  const broker = fresh();
  const slow = broker.subscribe<number>("room", { bufferSize: 2, overflow: "drop-newest" });
  for (let i = 0; i < 5; i++) await broker.publish("room", i);
  assert.equal(slow.dropped, 3);
  assert.equal((await slow.next()).value, 0);
  assert.equal((await slow.next()).value, 1);
  await broker.close();
});

Deno.test("overflow 'error' delivers the buffer, then throws and unsubscribes", async () => {
  const broker = fresh();
  const slow = broker.subscribe<number>("room", { bufferSize: 2, overflow: "error" });
  for (let i = 0; i < 4; i++) await broker.publish("room", i);
  assert.equal(broker.subscriberCount, 0, "unsubscribed as soon as it overflowed");
  const got: number[] = [];
  await assert.rejects(
    async () => {
      for await (const message of slow) got.push(message);
    },
    (error: unknown) => error instanceof SubscriptionOverflow && /bufferSize/.test(error.message),
  );
  assert.deepEqual(got, [0, 1]);
  assert.equal(slow.closed, true);
  await broker.close();
});

Deno.test("bad arguments are rejected with a message that says how to fix them", async () => {
  const broker = fresh();
  await assert.rejects(broker.publish("", 1), /non-empty string/);
  await assert.rejects(broker.publish("room", () => 1), /cannot be sent to other isolates/);
  assert.throws(() => broker.subscribe(42 as unknown as string), /non-empty string/);
  assert.throws(() => broker.subscribe("room", { bufferSize: 0 }), /positive integer/);
  assert.throws(
    () => broker.subscribe("room", { overflow: "block" as "error" }),
    /"drop-oldest", "drop-newest" or "error"/,
  );
  const room = broker.subscribe<number>("room");
  const reading = room.next();
  await assert.rejects(room.next(), /one loop only/);
  // The broker still works after the bad calls.
  await broker.publish("room", 7);
  assert.equal((await reading).value, 7);
  assert.equal(broker.subscriberCount, 1);
  await broker.close();
  await assert.rejects(broker.publish("room", 1), BrokerClosed);
  assert.throws(() => broker.subscribe("room"), BrokerClosed);
  await broker.close(); // idempotent
});

Deno.test("messages the platform dropped are counted in lost", async () => {
  const broker = fresh();
  const room = broker.subscribe<string>("room");
  await room.ready;
  // Speak the wire format by hand: batch 0..1, then 5 (so 2, 3, 4 went missing).
  const raw = new BroadcastChannel(`aio.broadcast:${broker.namespace}`);
  raw.postMessage({ aio: 1, from: "peer", first: 0, messages: [["room", "a"], ["room", "b"]] });
  raw.postMessage({ aio: 1, from: "peer", first: 5, messages: [["room", "f"]] });
  raw.postMessage("not ours: ignored");
  raw.close();
  const got: string[] = [];
  for await (const message of room) {
    got.push(message);
    if (got.length === 3) break;
  }
  assert.deepEqual(got, ["a", "b", "f"]);
  assert.equal(broker.lost, 3);
  await broker.close();
});

Deno.test("namespaces keep brokers apart", async () => {
  const a = new LocalBroker({ namespace: crypto.randomUUID() });
  const b = new LocalBroker({ namespace: crypto.randomUUID() });
  const c = new LocalBroker({ namespace: a.namespace });
  const inB = b.subscribe("room");
  const inC = c.subscribe("room");
  await Promise.all([inB.ready, inC.ready]);
  await a.publish("room", "for a's namespace");
  assert.equal((await inC.next()).value, "for a's namespace");
  assert.equal(inB.pending, 0);
  await Promise.all([a.close(), b.close(), c.close()]);
});
