// Chaining values that may or may not be Promises, so synchronous policies and ACLs stay
// synchronous (no microtask per request) while async ones are awaited.

import type { MaybePromise } from "./acl.ts";

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" &&
    typeof (value as { then?: unknown }).then === "function";
}

/** `fn(value)`, after `value` resolves when it is a Promise. */
export function chain<T, U>(
  value: MaybePromise<T>,
  fn: (value: T) => MaybePromise<U>,
): MaybePromise<U> {
  return isThenable(value) ? Promise.resolve(value).then(fn) : fn(value as T);
}
