import assert from "node:assert/strict";
import {
  LocalBroker,
  signal,
  SignalTimeout,
  useBroker,
  waitForSignal,
} from "../../src/broadcast/mod.ts";

function fresh(): LocalBroker {
  return new LocalBroker({ namespace: crypto.randomUUID() });
}

Deno.test("signal wakes every waiter with its value", async () => {
  const broker = fresh();
  const previous = useBroker(broker);
  try {
    const first = waitForSignal<{ msg: string }>("abc", { timeoutMs: 5000 });
    const second = waitForSignal<{ msg: string }>("abc", { timeoutMs: 5000 });
    const other = waitForSignal("other", { timeoutMs: 50, onTimeout: "undefined" });
    assert.equal(await signal("abc", { msg: "hello" }), undefined);
    assert.deepEqual(await first, { msg: "hello" });
    assert.deepEqual(await second, { msg: "hello" });
    assert.equal(await other, undefined);
    assert.equal(broker.subscriberCount, 0, "every wait unsubscribed");
  } finally {
    useBroker(previous);
    await broker.close();
  }
});

Deno.test("a signal with no value resolves undefined; signals are not stored", async () => {
  const broker = fresh();
  await signal("early", "nobody hears this", { broker });
  const waiting = waitForSignal("early", { timeoutMs: 5000, broker });
  await signal("early", undefined, { broker });
  assert.equal(await waiting, undefined);
  await broker.close();
});

Deno.test("timeout rejects with SignalTimeout (cogen's behaviour) and frees the wait", async () => {
  const broker = fresh();
  const started = performance.now();
  await assert.rejects(
    waitForSignal("never", { timeoutMs: 30, broker }),
    (error: unknown) =>
      error instanceof SignalTimeout && error.signalName === "never" &&
      error.timeoutMs === 30 && /onTimeout: "undefined"/.test(error.message),
  );
  assert.ok(performance.now() - started >= 25);
  assert.equal(broker.subscriberCount, 0);
  assert.equal(
    await waitForSignal("never", { timeoutMs: 0, broker, onTimeout: "undefined" }),
    undefined,
  );
  await broker.close();
});

Deno.test("abort rejects with the signal's reason and frees the wait", async () => {
  const broker = fresh();
  const controller = new AbortController();
  const waiting = waitForSignal("x", { timeoutMs: Infinity, signal: controller.signal, broker });
  controller.abort(new Error("client went away"));
  await assert.rejects(waiting, /client went away/);
  await assert.rejects(
    waitForSignal("x", { timeoutMs: 1000, signal: AbortSignal.abort(), broker }),
    (error: unknown) => (error as Error).name === "AbortError",
  );
  assert.equal(broker.subscriberCount, 0);
  await broker.close();
});

Deno.test("closing the broker ends a wait with a clear error", async () => {
  const broker = fresh();
  const waiting = waitForSignal("x", { timeoutMs: 5000, broker });
  const checked = assert.rejects(waiting, /broker was closed while waiting/);
  await broker.close();
  await checked;
});

Deno.test("bad options are refused with a fix, and signalling still works after", async () => {
  const broker = fresh();
  await assert.rejects(
    waitForSignal("x", { timeoutMs: -1, broker }),
    /timeoutMs must be a number of milliseconds >= 0/,
  );
  await assert.rejects(
    waitForSignal("x", {} as unknown as { timeoutMs: number }),
    /timeoutMs must be/,
  );
  await assert.rejects(
    waitForSignal("x", { timeoutMs: 1, onTimeout: "null" as "throw", broker }),
    /onTimeout must be "throw" or "undefined"/,
  );
  await assert.rejects(waitForSignal("", { timeoutMs: 1, broker }), /non-empty string/);
  await assert.rejects(signal("", 1, { broker }), /non-empty string/);
  const waiting = waitForSignal("x", { timeoutMs: 5000, broker });
  await signal("x", 1, { broker });
  assert.equal(await waiting, 1);
  await broker.close();
});
