import assert from "node:assert/strict";
import { withExecutor as withAnyExecutor } from "./_helpers.ts";
import {
  addKnownModule,
  closeDefaultExecutor,
  type Executor,
  getCurrentExecutor,
  spawnBlocking,
  useExecutor,
} from "../../src/executor/mod.ts";
import { ConfigurationError } from "../../src/errors.ts";
import { add, plusOneInExecutor } from "./fixtures/callables.ts";
import { spawnByString, spawnTriple, spawnUnexported, triple } from "./fixtures/spawner.ts";

function withExecutor(body: (executor: Executor) => Promise<void>): Promise<void> {
  return withAnyExecutor({ maxWorkers: 2 }, body, { current: true });
}

Deno.test("spawnBlocking: a function exported by the calling module", async () => {
  await withExecutor(async () => {
    assert.equal(await spawnTriple(14), 42);
  });
});

Deno.test('spawnBlocking: a "./module.ts#export" string resolved against the caller', async () => {
  await withExecutor(async () => {
    assert.equal(await spawnByString(40, 2), 42);
    assert.equal(await spawnBlocking("./fixtures/callables.ts#add", 1, 2), 3);
  });
});

Deno.test("spawnBlocking: a function made by useExecutor", async () => {
  await withExecutor(async (executor) => {
    assert.deepEqual(await spawnBlocking(plusOneInExecutor, 1), { n: 2, where: "function" });
    assert.deepEqual(await plusOneInExecutor(41), { n: 42, where: "function" });
    assert.equal(executor.stats.workers, 2);
  });
});

Deno.test("spawnBlocking: a function from a module the configurator knows", async () => {
  await withExecutor(async () => {
    addKnownModule(new URL("./fixtures/spawner.ts", import.meta.url).href);
    assert.equal(await spawnBlocking(triple, 3), 9);
    addKnownModule(new URL("./fixtures/callables.ts", import.meta.url).href);
    assert.equal(await spawnBlocking(add, 3, 4), 7);
  });
});

Deno.test("spawnBlocking: an unlocatable function is a ConfigurationError saying how to fix it", async () => {
  await withExecutor(async () => {
    await assert.rejects(spawnUnexported(), (error: Error) => {
      assert.ok(error instanceof ConfigurationError);
      assert.match(error.message, /cannot locate "hidden"/);
      assert.match(error.message, /Export it from its module/);
      assert.match(error.message, /useExecutor\(\)/);
      assert.match(error.message, /"\.\/module\.ts#name"/);
      return true;
    });
  });
});

Deno.test("useExecutor: rejects a non-function", () => {
  assert.throws(() => useExecutor(42 as unknown as () => void), ConfigurationError);
});

Deno.test("default executor: started lazily, used without an app, closed on demand", async () => {
  const executor = getCurrentExecutor();
  assert.equal(executor.stats.workers, 0, "lazy");
  assert.equal(await spawnTriple(2), 6);
  assert.equal(getCurrentExecutor(), executor);
  await closeDefaultExecutor();
  assert.ok(executor.closed);
  assert.notEqual(getCurrentExecutor(), executor, "a fresh default executor after close");
  await closeDefaultExecutor();
});
