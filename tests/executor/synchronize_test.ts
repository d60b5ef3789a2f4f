import assert from "node:assert/strict";
import { call, rejection, withExecutor as withAnyExecutor } from "./_helpers.ts";
import {
  callService,
  registerService,
  synchronize,
  type Transport,
} from "../../src/executor/mod.ts";
import { ConfigurationError, ScopeError } from "../../src/errors.ts";
import { HTTPForbidden } from "../../src/httpexceptions.ts";
import { double } from "./fixtures/callables.ts";

const SERVICES = new URL("./fixtures/services.ts", import.meta.url).href;

// synchronize() and spawnBlocking() use the current executor: install each test's.
function withExecutor(
  options: Parameters<typeof withAnyExecutor>[0],
  body: Parameters<typeof withAnyExecutor>[1],
): Promise<void> {
  return withAnyExecutor(options, body, { current: true });
}

Deno.test("synchronize: a plain function is a ConfigurationError in strict mode", () => {
  assert.throws(
    () => synchronize(function plain() {} as unknown as () => Promise<void>),
    (error: Error) =>
      error instanceof ConfigurationError && /"plain" is a plain function/.test(error.message),
  );
  // Non-strict accepts it.
  const lenient = synchronize(() => 7, { strict: false });
  assert.equal(lenient(), 7);
});

Deno.test("synchronize: strict on the main isolate throws a ScopeError that says what to do", () => {
  assert.throws(
    () => double(2),
    (error: Error) =>
      error instanceof ScopeError && /`await` the async function directly/.test(error.message) &&
      /spawnBlocking/.test(error.message),
  );
});

Deno.test("synchronize: non-strict on the main isolate returns the Promise", async () => {
  const lenient = synchronize(async (n: number) => await Promise.resolve(n + 1), {
    strict: false,
  });
  const result = lenient(1);
  assert.ok(result instanceof Promise);
  assert.equal(await result, 2);
});

for (const transport of ["buffer", "port"] as Transport[]) {
  Deno.test(`synchronize (${transport}): a worker calls an async function on the main isolate`, async () => {
    await withExecutor({ maxWorkers: 1, transport }, async (executor) => {
      assert.equal(await executor.run(call("callsDouble", 21)), 42);
      assert.equal(await executor.run(call("callsDouble", 5)), 10);
    });
  });

  Deno.test(`synchronize (${transport}): a rejection arrives in the worker as a throw`, async () => {
    await withExecutor({ maxWorkers: 1, transport }, async (executor) => {
      assert.deepEqual(await executor.run(call("catchesRejection")), {
        name: "RangeError",
        message: "the main side said no",
        isRangeError: true,
      });
      const escaped = await rejection(executor.run(call("letsRejectionEscape")));
      assert.ok(escaped instanceof RangeError);
      assert.equal(escaped.message, "the main side said no");
      const forbidden = await rejection(executor.run(call("letsForbiddenEscape")));
      assert.ok(forbidden instanceof HTTPForbidden);
      assert.equal(forbidden.detail, "from the main isolate");
    });
  });

  Deno.test(`synchronize (${transport}): an answer that cannot be cloned is a clear error`, async () => {
    await withExecutor({ maxWorkers: 1, transport }, async (executor) => {
      const error = await rejection(executor.run(call("callsReturnsFunction")));
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /"returnsFunctionOnMain" .* cannot be sent back/);
      assert.equal(await executor.run(call("callsDouble", 1)), 2);
    });
  });

  Deno.test(`synchronize (${transport}): large answers arrive whole`, async () => {
    await withExecutor({ maxWorkers: 1, transport }, async (executor) => {
      assert.equal(await executor.run(call("callsBigAnswer", 10)), 10);
      assert.equal(await executor.run(call("callsBigAnswer", 300_000)), 300_000);
    });
  });
}

Deno.test("synchronize: nested — worker → main → another worker → main", async () => {
  await withExecutor({ maxWorkers: 2 }, async (executor) => {
    assert.equal(await executor.run(call("callsNested", 5)), 11);
  });
});

Deno.test("synchronize: many workers synchronize concurrently", async () => {
  await withExecutor({ maxWorkers: 2 }, async (executor) => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => executor.run(call("callsDouble", i))),
    );
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i * 2));
  });
});

Deno.test("services: a worker calls a registered main-side service with its call's context", async () => {
  const unregister = registerService("test.greet", (args, current) => {
    const [greeting] = args as [string];
    return `${greeting}, ${(current.context as { user: string }).user}`;
  });
  try {
    await withExecutor({ maxWorkers: 1 }, async (executor) => {
      const greet = { target: { moduleUrl: SERVICES, exportName: "greet" }, args: ["hello"] };
      assert.equal(await executor.run(greet, { context: { user: "ada" } }), "hello, ada");
      assert.equal(await executor.run(greet, { context: { user: "bob" } }), "hello, bob");
      const missing = await rejection(
        executor.run({ target: { moduleUrl: SERVICES, exportName: "callsMissing" } }),
      );
      assert.ok(missing instanceof ConfigurationError);
      assert.match(missing.message, /No service named "test.missing"/);
    });
  } finally {
    unregister();
  }
});

Deno.test("services: callService on the main isolate is a ScopeError", () => {
  assert.throws(() => callService("test.greet"), ScopeError);
});

Deno.test("services: a second handler under the same name is refused", () => {
  const unregister = registerService("test.once", () => 1);
  try {
    assert.throws(() => registerService("test.once", () => 2), ConfigurationError);
  } finally {
    unregister();
  }
});
