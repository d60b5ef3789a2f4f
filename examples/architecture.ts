/**
 * aiopyramid's architecture doctest, ported: an async function calls a naive blocking
 * function through `spawnBlocking()`, and that function calls a synchronized async task as
 * if it were an ordinary function. The blocking function runs in an executor worker; the
 * synchronized task runs back on the main isolate's event loop while the worker waits.
 *
 * Run with `deno run -A examples/architecture.ts`. The worker imports this module to find
 * `normalFunction`, which is why the demo only starts under `import.meta.main`. The default
 * executor stops its idle workers on its own, so the script exits by itself.
 *
 * @module
 */

import { spawnBlocking, synchronize } from "../src/executor/mod.ts";

/** A synchronized coroutine: async on the main isolate, a plain call in the executor. */
export const someAsyncTask = synchronize(async function someAsyncTask(): Promise<void> {
  console.log("I am a synchronized coroutine.");
  await new Promise((resolve) => setTimeout(resolve, 200));
  console.log("Synchronized task done.");
});

/** Naive blocking code that knows nothing about promises. */
export function normalFunction(): void {
  console.log("I am normal function that needs to call some_async_task");
  someAsyncTask();
  console.log("I (normal_function) called it, and it is done now like I expect.");
}

/** A traditional coroutine that needs to call the naive `normalFunction`. */
export async function parent(): Promise<void> {
  console.log("I am a traditional coroutine that needs to call the naive normal_function");
  await spawnBlocking(normalFunction);
  console.log("All is done.");
}

if (import.meta.main) {
  await parent();
}
