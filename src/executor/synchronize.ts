/**
 * `synchronize()`: lets blocking code in the executor call an async function as if it were
 * synchronous, the async function running on the main isolate's event loop.
 *
 * @module
 */

import { ConfigurationError, ScopeError } from "../errors.ts";
import { callService, inExecutorWorker, registerService } from "./channel.ts";
import { isAsync } from "../is_async.ts";
import { callerSite, functionAtSite, loadCallable, recordSite } from "./registry.ts";

/** Options of {@linkcode synchronize}. */
export interface SynchronizeOptions {
  /**
   * `true` (default): the function must be `async`, and calling the result on the main
   * isolate throws a `ScopeError`. `false`: any function is accepted, and on the main isolate
   * the result simply returns what the function returns (a Promise for an async one).
   */
  strict?: boolean;
  /** The name used in error messages; default: the function's own name. */
  name?: string;
}

const SYNCHRONIZE_SERVICE = "aio.synchronize";

registerService(
  SYNCHRONIZE_SERVICE,
  async function runSynchronized(args) {
    const [site, callArgs] = args as [string, unknown[]];
    const fn = functionAtSite(site) ?? await loadCallable({ site });
    return fn(...callArgs);
  },
  {
    describe(args) {
      const site = args[0] as string;
      const name = functionAtSite(site)?.name;
      return `the synchronized function ${name ? `"${name}" ` : ""}(${site})`;
    },
  },
);

/**
 * Wraps an async function so that code running in the executor can call it like a plain
 * function: the call runs on the main isolate and its value is returned (or its error thrown)
 * synchronously in the worker. Call `synchronize()` at module top level — the worker finds
 * the function by the site of that call. Arguments and results are structured-cloned; `this`
 * does not travel.
 *
 * @throws {ConfigurationError} in strict mode when `fn` is not an async function.
 *
 * @example Calling async code from a blocking view
 * ```ts
 * import { synchronize } from "@aio/pyramid";
 * export const fetchUser = synchronize(async (id: number) => {
 *   const response = await fetch(`https://users.example/${id}`);
 *   return await response.json();
 * });
 * export function profileView(request: { matchdict: { id: string } }) {
 *   return fetchUser(Number(request.matchdict.id)); // blocks this worker, not the loop
 * }
 * ```
 */
export function synchronize<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  options?: SynchronizeOptions & { strict?: true },
): (...args: A) => R;
/**
 * Non-strict form: accepts any function; on the main isolate the result returns what `fn`
 * returns (a Promise for an async function) instead of throwing.
 *
 * @example Sharing one helper between the main isolate and workers
 * ```ts
 * import { synchronize } from "@aio/pyramid";
 * export const lookup = synchronize(async (key: string) => key.length, { strict: false });
 * const n = await lookup("abc"); // on the main isolate: a Promise
 * ```
 */
export function synchronize<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: SynchronizeOptions & { strict: false },
): (...args: A) => R | Promise<R>;
export function synchronize<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: SynchronizeOptions = {},
): (...args: A) => R | Promise<R> {
  const strict = options.strict ?? true;
  const name = options.name ?? (fn.name || "an anonymous function");
  if (typeof fn !== "function") {
    throw new ConfigurationError(
      `synchronize() expects an async function, got ${typeof fn}. Pass the function itself.`,
    );
  }
  if (strict && !isAsync(fn)) {
    throw new ConfigurationError(
      `synchronize() expects an async function, but "${name}" is a plain function. Declare ` +
        "it `async`, call it directly (it does not need synchronizing), or pass " +
        "{ strict: false }.",
    );
  }
  const site = callerSite();
  if (site !== undefined) recordSite(site, fn);

  return function synchronized(this: unknown, ...args: A): R | Promise<R> {
    if (inExecutorWorker()) {
      if (site === undefined) {
        throw new ConfigurationError(
          `The synchronized function "${name}" has no definition site a worker can share. ` +
            "Call synchronize() at the top level of a module.",
        );
      }
      return callService(SYNCHRONIZE_SERVICE, site, args) as R;
    }
    if (strict) {
      throw new ScopeError(
        `"${name}" is synchronized: it blocks until the main isolate answers, which is only ` +
          "possible in code the executor runs. On the main isolate, `await` the async " +
          "function directly, or run the blocking caller with spawnBlocking().",
      );
    }
    return fn.apply(this, args);
  };
}
