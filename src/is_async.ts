/**
 * Telling async callables from blocking ones, the way view mappers do.
 *
 * @module
 */

const ASYNC_TAGS = new Set(["AsyncFunction", "AsyncGeneratorFunction"]);

function isAsyncFunction(value: unknown): boolean {
  return typeof value === "function" &&
    ASYNC_TAGS.has((value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? "");
}

/** Whether `fn` is a class (constructed with `new`) rather than a plain function. */
export function isClass(fn: unknown): fn is new (...args: unknown[]) => unknown {
  return typeof fn === "function" &&
    /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/**
 * True when `fn` is declared `async` (an async function, async arrow, async method or async
 * generator function), or is a class whose `options.attr` method (default `"call"`) is.
 *
 * Classification is by declaration, like Python's `asyncio.iscoroutinefunction`: a plain
 * function that happens to return a Promise is *blocking*, and a view mapper sends it to the
 * executor. Mark such functions `async` to run them on the main event loop.
 *
 * @example Classifying views
 * ```ts
 * import { isAsync } from "@aio/pyramid";
 * console.assert(isAsync(async () => 1));
 * console.assert(!isAsync(() => 1));
 * class View {
 *   async call() {
 *     return "hi";
 *   }
 * }
 * console.assert(isAsync(View));
 * ```
 */
export function isAsync(fn: unknown, options: { attr?: string } = {}): boolean {
  if (isAsyncFunction(fn)) return true;
  if (isClass(fn)) {
    const method = (fn as { prototype: Record<string, unknown> }).prototype[options.attr ?? "call"];
    return isAsyncFunction(method);
  }
  return false;
}
