import assert from "node:assert/strict";
import { isAsync, synchronize, useExecutor } from "../../src/executor/mod.ts";

Deno.test("isAsync: async functions, arrows, methods and generators", () => {
  assert.ok(isAsync(async function f() {}));
  assert.ok(isAsync(async () => {}));
  assert.ok(isAsync({ async m() {} }.m));
  assert.ok(isAsync(async function* g() {}));
  assert.ok(isAsync((async () => {}).bind(null)));
});

Deno.test("isAsync: plain functions are blocking, even when they return a Promise", () => {
  assert.ok(!isAsync(function f() {}));
  assert.ok(!isAsync(() => Promise.resolve(1)));
  assert.ok(!isAsync(function* g() {}));
  assert.ok(!isAsync("async"));
  assert.ok(!isAsync(undefined));
});

Deno.test("isAsync: a class is async when its call method (or attr) is", () => {
  class AsyncView {
    async call() {}
    render() {}
  }
  class BlockingView {
    call() {}
    async render() {}
  }
  assert.ok(isAsync(AsyncView));
  assert.ok(!isAsync(BlockingView));
  assert.ok(isAsync(BlockingView, { attr: "render" }));
  assert.ok(!isAsync(AsyncView, { attr: "render" }));
});

Deno.test("isAsync: synchronize() makes a blocking function, useExecutor() an async one", () => {
  assert.ok(!isAsync(synchronize(async () => await Promise.resolve(1))));
  assert.ok(isAsync(useExecutor(() => 1)));
});
