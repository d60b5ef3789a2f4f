import assert from "node:assert/strict";
import { call, FIXTURE, rejection, withExecutor } from "./_helpers.ts";
import {
  Executor,
  ExecutorOverloaded,
  ExecutorTimeout,
  WorkerCrashed,
} from "../../src/executor/mod.ts";
import { HTTPException, HTTPForbidden, HTTPFound } from "../../src/httpexceptions.ts";

Deno.test("run: a call runs in a worker and its result comes back", async () => {
  await withExecutor({ maxWorkers: 2 }, async (executor) => {
    await executor.ready();
    assert.deepEqual(executor.stats, { workers: 2, starting: 0, busy: 0, queued: 0 });
    assert.equal(await executor.run(call("add", 2, 3)), 5);
    assert.equal(await executor.run(call("whereAmI")), "function");
  });
});

Deno.test("run: a via wrapper is invoked as via(target, ...args)", async () => {
  await withExecutor({ maxWorkers: 1 }, async (executor) => {
    const result = await executor.run({
      ...call("add", 1, 2),
      via: { moduleUrl: FIXTURE, exportName: "viaWrapper" },
    });
    assert.deepEqual(result, { wrapped: 3 });
  });
});

Deno.test("run: a thrown error keeps its class, name, message and stack", async () => {
  await withExecutor({ maxWorkers: 1 }, async (executor) => {
    const error = await rejection(executor.run(call("throwsTypeError")));
    assert.ok(error instanceof TypeError);
    assert.equal(error.name, "TypeError");
    assert.equal(error.message, "the widget is not a gadget");
    assert.match(error.stack ?? "", /fixtures\/callables\.ts:\d+:\d+/);
    assert.equal(await executor.run(call("add", 1, 1)), 2, "the worker survives");
  });
});

Deno.test("run: an HTTPException crosses back as the same subclass", async () => {
  await withExecutor({ maxWorkers: 1 }, async (executor) => {
    const forbidden = await rejection(executor.run(call("throwsForbidden")));
    assert.ok(forbidden instanceof HTTPForbidden);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.detail, "members only");
    assert.equal(forbidden.headers.get("x-reason"), "members");
    const found = await rejection(executor.run(call("throwsFound")));
    assert.ok(found instanceof HTTPFound);
    assert.equal(found.location, "/elsewhere");
    assert.equal(found.toResponse().headers.get("location"), "/elsewhere");
  });
});

Deno.test("run: a call over its timeout is a 504, its worker is replaced", async () => {
  await withExecutor({ maxWorkers: 2, timeoutMs: 300 }, async (executor) => {
    const other = executor.run(call("sleepBlocking", 100));
    const error = await rejection(executor.run(call("loopsForever")));
    assert.ok(error instanceof ExecutorTimeout);
    assert.match(error.message, /loopsForever ran longer than 300 ms/);
    assert.equal(await other, 100, "the other call was undisturbed");
    assert.equal(executor.stats.workers, 2);
    assert.equal(await executor.run(call("add", 2, 2)), 4);
  });
});

Deno.test("run: a worker that calls Deno.exit is replaced; only its call fails", async () => {
  await withExecutor({ maxWorkers: 2 }, async (executor) => {
    const other = executor.run(call("sleepBlocking", 200));
    const error = await rejection(executor.run(call("exits")));
    assert.ok(error instanceof WorkerCrashed);
    assert.match(error.message, /callables\.ts#exits died: it called Deno\.exit\(3\)/);
    assert.equal(await other, 200);
    assert.equal(await executor.run(call("add", 3, 3)), 6);
    assert.equal(executor.stats.workers, 2);
  });
});

Deno.test("run: an uncaught error in the worker's event loop replaces the worker", async () => {
  await withExecutor({ maxWorkers: 1 }, async (executor) => {
    const error = await rejection(executor.run(call("throwsLater")));
    assert.ok(error instanceof WorkerCrashed);
    assert.match(error.message, /throwsLater died: an uncaught error/);
    assert.equal((error.cause as Error).message, "thrown from a timer");
    assert.equal(await executor.run(call("add", 4, 4)), 8);
  });
});

Deno.test("run: a result that cannot be cloned is a clear error, not a hang", async () => {
  await withExecutor({ maxWorkers: 1 }, async (executor) => {
    const error = await rejection(executor.run(call("returnsFunction")));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /returnsFunction returned function .* cannot be sent back/);
    assert.equal(await executor.run(call("add", 5, 5)), 10);
  });
});

Deno.test("run: arguments that cannot be cloned are a clear error", async () => {
  await withExecutor({ maxWorkers: 1 }, async (executor) => {
    const error = await rejection(executor.run(call("add", () => 1, 2)));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /arguments for .*#add cannot be sent/);
    assert.equal(await executor.run(call("add", 5, 6)), 11);
  });
});

Deno.test("run: an unknown export is a clear error", async () => {
  await withExecutor({ maxWorkers: 1 }, async (executor) => {
    const error = await rejection(executor.run(call("nope")));
    assert.equal(error.name, "ConfigurationError");
    assert.match(error.message, /#nope is not exported/);
  });
});

Deno.test("run: a flood beyond maxQueue gets 503s with Retry-After, then service resumes", async () => {
  await withExecutor({ maxWorkers: 1, maxQueue: 3 }, async (executor) => {
    const calls = Array.from({ length: 10 }, () => executor.run(call("sleepBlocking", 50)));
    const settled = await Promise.allSettled(calls);
    const ok = settled.filter((r) => r.status === "fulfilled");
    const refused = settled.filter((r) => r.status === "rejected")
      .map((r) => (r as PromiseRejectedResult).reason);
    assert.equal(ok.length, 4, "one running and three queued");
    assert.equal(refused.length, 6);
    for (const error of refused) {
      // The executor knows nothing of HTTP: the blocking-views extension makes this a 503.
      assert.ok(error instanceof ExecutorOverloaded);
      assert.ok(!(error instanceof HTTPException));
      assert.equal(error.retryAfterSeconds, 1);
    }
    assert.equal(await executor.run(call("add", 1, 2)), 3);
    assert.deepEqual(executor.stats, { workers: 1, starting: 0, busy: 0, queued: 0 });
  });
});

Deno.test("run: two workers run two CPU-bound calls at the same time", async () => {
  await withExecutor({ maxWorkers: 2 }, async (executor) => {
    await Promise.all([executor.run(call("add", 0, 0)), executor.run(call("add", 0, 0))]);
    const [a, b] = await Promise.all([
      executor.run(call("busy", 300)),
      executor.run(call("busy", 300)),
    ]) as { start: number; end: number }[];
    assert.ok(a.start < b.end && b.start < a.end, "the two busy calls overlap in time");
  });
});

Deno.test("close: waits for in-flight calls, then refuses new ones", async () => {
  const executor = new Executor({ maxWorkers: 1 });
  const running = executor.run(call("sleepBlocking", 100));
  const queued = executor.run(call("add", 1, 1));
  await executor.close({ graceMs: 5000 });
  assert.equal(await running, 100);
  assert.equal(await queued, 2);
  assert.deepEqual(executor.stats, { workers: 0, starting: 0, busy: 0, queued: 0 });
  const error = await rejection(executor.run(call("add", 1, 1)));
  assert.ok(error instanceof ExecutorOverloaded);
});

Deno.test("close: after the grace period, unfinished calls fail with ExecutorOverloaded", async () => {
  const executor = new Executor({ maxWorkers: 1 });
  const running = rejection(executor.run(call("sleepBlocking", 2000)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await executor.close({ graceMs: 50 });
  const error = await running;
  assert.ok(error instanceof ExecutorOverloaded);
  assert.match(error.message, /closed before .*sleepBlocking finished/);
});

Deno.test("ready: resolves once every worker, replacements included, has started", async () => {
  await withExecutor({ maxWorkers: 2, lazy: true }, async (executor) => {
    assert.equal(executor.stats.workers, 0);
    const ready = executor.ready();
    assert.deepEqual(executor.stats, { workers: 2, starting: 2, busy: 0, queued: 0 }, "lazy start");
    await ready;
    assert.equal(executor.stats.starting, 0);
    await executor.ready(); // already ready: resolves at once
    // A worker that dies is replaced; ready() waits for the replacement.
    await rejection(executor.run(call("exits")));
    const again = executor.ready();
    assert.equal(executor.stats.starting, 1, "the replacement is starting");
    await again;
    assert.deepEqual(executor.stats, { workers: 2, starting: 0, busy: 0, queued: 0 });
  });
});

Deno.test("ready: a closed executor is ready at once, with no workers", async () => {
  const executor = new Executor({ maxWorkers: 1 });
  const waiting = executor.ready();
  await executor.close();
  await waiting;
  await executor.ready();
  assert.equal(executor.stats.workers, 0);
});

Deno.test("lazy + idleTimeoutMs: workers start on demand and stop when idle", async () => {
  await withExecutor({ maxWorkers: 2, lazy: true, idleTimeoutMs: 50 }, async (executor) => {
    assert.equal(executor.stats.workers, 0);
    assert.equal(await executor.run(call("add", 1, 2)), 3);
    assert.equal(executor.stats.workers, 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(executor.stats.workers, 0);
    assert.equal(await executor.run(call("add", 2, 2)), 4);
  });
});
