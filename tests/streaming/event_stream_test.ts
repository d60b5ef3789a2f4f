import assert from "node:assert/strict";
import { LocalBroker, signal } from "@aio/pyramid";
import { EventStream, ServerSentEvent } from "../../src/streaming/mod.ts";
import { readUntil, within, withServer } from "./_server.ts";

const encoder = new TextEncoder();

// Reads SSE events with a real EventSource (Deno's) until `count` have arrived.
function collect(url: string, count: number, names: string[] = ["message"]) {
  const source = new EventSource(url);
  const events: { type: string; data: string; id: string }[] = [];
  const done = new Promise<typeof events>((resolve, reject) => {
    const on = (event: MessageEvent) => {
      events.push({ type: event.type, data: event.data, id: event.lastEventId });
      if (events.length === count) resolve(events);
    };
    for (const name of names) source.addEventListener(name, on as EventListener);
    source.onerror = () => reject(new Error("EventSource failed"));
  });
  return {
    open: new Promise<void>((resolve) => source.onopen = () => resolve()),
    events: within(done, 5000, `${count} events`).finally(() => source.close()),
  };
}

Deno.test("EventStream: the wire format (names, ids, retry, multi-line data, JSON)", async () => {
  assert.equal(
    new ServerSentEvent("line 1\nline 2", { event: "note", id: "9", retry: 1500 }).format(),
    "event: note\nid: 9\nretry: 1500\ndata: line 1\ndata: line 2\n\n",
  );
  assert.equal(new ServerSentEvent({ a: [1] }).format(), 'data: {"a":[1]}\n\n');
  assert.throws(() => new ServerSentEvent("x", { event: "a\nb" }), /cannot contain a line break/);
  const stream = new EventStream(undefined, { keepAliveMs: 0, retryMs: 2000 });
  stream.send("hi");
  stream.send(3, { id: "1" });
  stream.close();
  assert.equal(stream.send("late"), false, "nothing is queued after close()");
  const response = stream.toResponse();
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(response.headers.get("cache-control"), "no-cache");
  assert.equal(
    await response.text(),
    ": stream opened\nretry: 2000\n\ndata: hi\n\nid: 1\ndata: 3\n\n",
  );
  assert.throws(() => [...[stream]].map((s) => s[Symbol.asyncIterator]()), /sent once/);
  assert.throws(
    () => new EventStream((async function* () {})()).send("x"),
    /send\(\) is for an EventStream made without a source/,
  );
});

Deno.test("EventStream: a pubsub channel becomes a live page (EventSource over a real socket)", async () => {
  const broker = new LocalBroker({ namespace: "sse-test-channel" });
  try {
    await withServer(
      (request) =>
        EventStream.fromChannel("scores", { broker, event: "score", signal: request.signal })
          .toResponse(),
      async ({ url }) => {
        const client = collect(url, 2, ["score"]);
        await client.open;
        // The subscription exists once the response started.
        await broker.publish("scores", { home: 1, away: 0 });
        await broker.publish("scores", "full time");
        const events = await client.events;
        assert.deepEqual(events.map((e) => [e.type, e.data]), [
          ["score", '{"home":1,"away":0}'],
          ["score", "full time"],
        ]);
        // The client left: the subscription is dropped.
        await within(
          (async () => {
            while (broker.subscriberCount > 0) await new Promise((r) => setTimeout(r, 10));
          })(),
          5000,
          "the channel subscription ending after the client closed",
        );
      },
    );
  } finally {
    await broker.close();
  }
});

Deno.test("EventStream: signals (waitForSignal) become events; a disconnect stops the wait", async () => {
  const broker = new LocalBroker({ namespace: "sse-test-signal" });
  let waiting = 0;
  try {
    await withServer(
      (request) =>
        EventStream.fromSignal("job:1", { broker, event: "progress", signal: request.signal })
          .toResponse(),
      async ({ port }) => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        await readUntil(conn, ": stream opened");
        // Signal until the waiter (in place a moment after the stream opened) hears one.
        let seen = "";
        const reader = readUntil(conn, "data: 50").then((text) => seen = text);
        while (seen === "") {
          await signal("job:1", 50, { broker });
          waiting++;
          await Promise.race([reader, new Promise((r) => setTimeout(r, 20))]);
        }
        assert.match(seen, /event: progress\ndata: 50\n\n/);
        conn.close();
        await within(
          (async () => {
            while (broker.subscriberCount > 0) await new Promise((r) => setTimeout(r, 10));
          })(),
          5000,
          "the signal wait ending after the client closed",
        );
      },
    );
  } finally {
    await broker.close();
  }
  assert.ok(waiting >= 1);
});

Deno.test("EventStream: keep-alive comments while idle; a generator source's finally runs on disconnect", async () => {
  let finished!: () => void;
  const finallyRan = new Promise<void>((resolve) => finished = resolve);
  let stop!: () => void;
  async function* quiet() {
    try {
      yield new ServerSentEvent("ready", { event: "state" });
      await new Promise<void>((resolve) => stop = resolve);
    } finally {
      finished();
    }
  }
  await withServer(
    (request) => {
      request.signal.addEventListener("abort", () => stop());
      return new EventStream(quiet(), { keepAliveMs: 30 }).toResponse();
    },
    async ({ port }) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      const text = await within(readUntil(conn, ": keep-alive\n\n", 2), 5000, "two keep-alives");
      assert.match(text, /event: state\ndata: ready\n\n/);
      conn.close();
      await within(finallyRan, 5000, "the source generator's finally");
    },
  );
});
