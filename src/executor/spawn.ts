/**
 * `spawnBlocking()` and `useExecutor()`: running blocking code in the executor from async
 * code, and the executor they use.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { currentAppContext, UtilityKey } from "../app_context.ts";
import { inExecutorWorker } from "./channel.ts";
import { Executor } from "./pool.ts";
import {
  aliasSite,
  type CallableRef,
  callerModuleUrl,
  callerSite,
  describeRef,
  loadCallable,
  locateCallable,
  recordSite,
} from "./registry.ts";

// deno-lint-ignore no-explicit-any
type AnyFunction = (...args: any[]) => any;

/** How long the default executor keeps idle workers before stopping them. */
const DEFAULT_IDLE_MS = 100;

let current: Executor | undefined;
let fallback: Executor | undefined;

/**
 * The registry key under which an app's executor extension provides its executor (started
 * on first use): code running inside one of that app's requests uses that app's pool.
 *
 * @example Finding the executor of the app handling the current request
 * ```ts
 * import { currentAppContext, EXECUTOR } from "@aio/pyramid";
 * const executor = currentAppContext()?.queryUtility(EXECUTOR)?.();
 * console.assert(executor === undefined); // outside a request
 * ```
 */
export const EXECUTOR: UtilityKey<() => Executor> = new UtilityKey("executor");

// The executor for a call: the current request's app's, else the installed or default one.
function executorForCall(): Executor {
  const ofApp = currentAppContext()?.queryUtility(EXECUTOR);
  return ofApp ? ofApp() : getCurrentExecutor();
}

/**
 * Makes `executor` the one `spawnBlocking()` and `useExecutor()` functions use outside any
 * app (inside an app's requests, and while a single app serves, the app's own executor
 * wins); `undefined` goes back to the default executor. Returns the previous one, so
 * callers can restore it.
 *
 * @example Installing an app's executor
 * ```ts
 * import { Executor, setCurrentExecutor } from "@aio/pyramid";
 * const executor = new Executor({ maxWorkers: 2 });
 * const previous = setCurrentExecutor(executor);
 * // ... serve ...
 * setCurrentExecutor(previous);
 * await executor.close();
 * ```
 */
export function setCurrentExecutor(executor: Executor | undefined): Executor | undefined {
  const previous = current;
  current = executor;
  return previous;
}

/**
 * The executor `spawnBlocking()` uses outside any app: the installed one, or else the default executor,
 * started on first use with `navigator.hardwareConcurrency` workers. The default executor
 * stops its workers after 100 ms without work (Deno cannot unref a Web Worker, and a live
 * worker keeps the process running), so a script that only uses `spawnBlocking()` exits by
 * itself; {@linkcode closeDefaultExecutor} stops it at once.
 *
 * @example Inspecting the executor in use
 * ```ts
 * import { closeDefaultExecutor, getCurrentExecutor } from "@aio/pyramid";
 * console.log(getCurrentExecutor().stats);
 * await closeDefaultExecutor();
 * ```
 */
export function getCurrentExecutor(): Executor {
  if (current && !current.closed) return current;
  if (!fallback || fallback.closed) {
    fallback = new Executor({ lazy: true, idleTimeoutMs: DEFAULT_IDLE_MS });
  }
  return fallback;
}

/**
 * Closes the default executor, if it was started (in-flight calls get `graceMs` to finish).
 *
 * @example Cleaning up after a test
 * ```ts
 * import { closeDefaultExecutor } from "@aio/pyramid";
 * await closeDefaultExecutor();
 * ```
 */
export async function closeDefaultExecutor(options: { graceMs?: number } = {}): Promise<void> {
  const executor = fallback;
  fallback = undefined;
  await executor?.close(options);
}

/**
 * Runs a blocking function in the executor, where synchronized functions work, and resolves
 * with its result (aiopyramid's `spawn_greenlet`). `fn` is a function exported by the calling
 * module (or by a module the configurator knows), a function made by {@linkcode useExecutor},
 * or a `"./module.ts#export"` string resolved against the caller. Arguments and the result are
 * structured-cloned. Inside the executor it simply calls `fn`.
 *
 * @throws {ConfigurationError} when `fn` cannot be located in a worker.
 *
 * @example Calling naive blocking code from an async function
 * ```ts
 * import { spawnBlocking } from "@aio/pyramid";
 * export function crunch(n: number): number {
 *   let total = 0;
 *   for (let i = 0; i < n; i++) total += i;
 *   return total;
 * }
 * if (import.meta.main) {
 *   console.log(await spawnBlocking(crunch, 1_000_000));
 *   console.log(await spawnBlocking("./jobs.ts#report"));
 * }
 * ```
 */
export async function spawnBlocking<A extends unknown[], R>(
  fn: ((...args: A) => R) | string,
  ...args: A
): Promise<Awaited<R>> {
  const base = callerModuleUrl();
  if (inExecutorWorker()) {
    const local = typeof fn === "string"
      ? await loadCallable(await locateCallable(fn, { base }))
      : fn;
    return await local(...args);
  }
  const target = await locateCallable(fn, { modules: [base], base });
  return await executorForCall().run({ target, args, name: labelOf(fn, target) }) as Awaited<
    R
  >;
}

/**
 * Wraps a blocking function in an async one that runs it in the executor (aiopyramid's
 * `use_executor`). Call it at module top level: workers find `fn` by the site of this call.
 * The wrapper can also be passed to {@linkcode spawnBlocking}; inside the executor it calls
 * `fn` directly.
 *
 * @throws {ConfigurationError} when `fn` is not a function.
 *
 * @example Keeping a slow query off the event loop
 * ```ts
 * import { useExecutor } from "@aio/pyramid";
 * export const queryIt = useExecutor((sql: string) => {
 *   // some code that blocks
 *   return [sql];
 * });
 * const rows = await queryIt("select 1");
 * ```
 */
export function useExecutor<A extends unknown[], R>(
  fn: (...args: A) => R,
): (...args: A) => Promise<Awaited<R>> {
  if (typeof fn !== "function") {
    throw new ConfigurationError(`useExecutor() expects a function, got ${typeof fn}.`);
  }
  const site = callerSite();
  if (site !== undefined) recordSite(site, fn);
  const name = fn.name ? `${fn.name} (${site})` : site;

  async function runInExecutor(...args: A): Promise<Awaited<R>> {
    if (inExecutorWorker()) return await fn(...args);
    if (site === undefined) {
      throw new ConfigurationError(
        `The function "${fn.name}" given to useExecutor() has no definition site a worker ` +
          "can share. Call useExecutor() at the top level of a module.",
      );
    }
    return await executorForCall().run({ target: { site }, args, name }) as Awaited<R>;
  }
  if (site !== undefined) aliasSite(runInExecutor as AnyFunction, site);
  return runInExecutor;
}

function labelOf(fn: AnyFunction | string, target: CallableRef): string {
  if (typeof fn === "string" || "moduleUrl" in target || !fn.name) return describeRef(target);
  return `${fn.name} (${describeRef(target)})`;
}
