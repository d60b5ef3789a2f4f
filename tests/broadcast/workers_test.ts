import assert from "node:assert/strict";
import { LocalBroker, signal, waitForSignal } from "../../src/broadcast/mod.ts";
import { startPeers } from "./_peers.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

Deno.test("LocalBroker reaches two Workers from the main isolate, in order", async () => {
  const namespace = crypto.randomUUID();
  const [a, b] = await startPeers(namespace, "A", "B");
  const main = new LocalBroker({ namespace });
  try {
    await Promise.all(
      [a, b].map((peer) =>
        peer.request({ cmd: "collect", channel: "room", count: 500 }, "subscribed")
      ),
    );
    const collected = [a, b].map((peer) => peer.next("collected"));
    // A tight burst, far more than BroadcastChannel's few hundred slots: batching keeps it whole.
    await Promise.all(range(500).map((i) => main.publish("room", { i })));
    for (const { got, lost } of await Promise.all(collected)) {
      assert.deepEqual(got, range(500).map((i) => ({ i })));
      assert.equal(lost, 0);
    }
  } finally {
    await main.close();
    a.terminate();
    b.terminate();
  }
});

Deno.test("LocalBroker carries messages Worker to Worker and Worker to main", async () => {
  const namespace = crypto.randomUUID();
  const [a, b] = await startPeers(namespace, "A", "B");
  const main = new LocalBroker({ namespace });
  const seenByMain = main.subscribe("from-a");
  try {
    await b.request({ cmd: "collect", channel: "from-a", count: 3 }, "subscribed");
    const collected = b.next("collected");
    await a.request({ cmd: "publish", channel: "from-a", data: ["x", "y", "z"] }, "published");
    assert.deepEqual((await collected).got, ["x", "y", "z"]);
    const got: unknown[] = [];
    for await (const message of seenByMain) {
      got.push(message);
      if (got.length === 3) break;
    }
    assert.deepEqual(got, ["x", "y", "z"]);
    assert.equal(main.listening, false, "breaking the loop closed the BroadcastChannel");
  } finally {
    await main.close();
    a.terminate();
    b.terminate();
  }
});

Deno.test("signals wake waiters in other Workers and in the main isolate", async () => {
  const namespace = crypto.randomUUID();
  const [a, b] = await startPeers(namespace, "A", "B");
  const main = new LocalBroker({ namespace });
  try {
    await a.request({ cmd: "wait", name: "abc", timeoutMs: 10_000 }, "waiting");
    const listening = Promise.withResolvers<void>();
    const inMain = waitForSignal("abc", {
      timeoutMs: 10_000,
      broker: main,
      onListening: listening.resolve,
    });
    await listening.promise;
    const woken = a.next("signalled");
    await b.request({ cmd: "signal", name: "abc", value: { msg: "hi" } }, "signal-sent");
    assert.deepEqual((await woken).value, { msg: "hi" });
    assert.deepEqual(await inMain, { msg: "hi" });

    await b.request({ cmd: "wait", name: "back", timeoutMs: 10_000 }, "waiting");
    const back = b.next("signalled");
    assert.equal(await signal("back", 42, { broker: main }), undefined);
    assert.equal((await back).value, 42);

    await a.request({ cmd: "wait", name: "never", timeoutMs: 50 }, "waiting");
    assert.equal((await a.next("wait-failed")).error, "SignalTimeout");
    const closed = await a.request({ cmd: "close" }, "closed");
    assert.equal(closed.listening, false);
  } finally {
    await main.close();
    a.terminate();
    b.terminate();
  }
});
