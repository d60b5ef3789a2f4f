// Calling a view the same way wherever it runs (main isolate or executor worker).
import { ConfigurationError } from "../errors.ts";

const CLASS_SOURCE = /^class[\s{]/;

/** Whether `fn` is a class (constructed with `new`) rather than a plain function. */
export function isClass(fn: unknown): fn is new (...args: unknown[]) => unknown {
  return typeof fn === "function" && CLASS_SOURCE.test(Function.prototype.toString.call(fn));
}

/** Whether `fn` is an `async function` (or async generator function). */
export function isAsyncFunction(fn: unknown): boolean {
  if (typeof fn !== "function") return false;
  const name = fn.constructor?.name;
  return name === "AsyncFunction" || name === "AsyncGeneratorFunction";
}

/** The method a class view is called through (`attr`, default `call`). */
export function viewMethod(view: unknown, attr: string | undefined): unknown {
  if (!isClass(view)) return view;
  return (view as { prototype: Record<string, unknown> }).prototype[attr ?? "call"];
}

/** Whether a view (function, or class whose `attr` method is) is async. */
export function isAsyncView(view: unknown, attr: string | undefined): boolean {
  return isAsyncFunction(viewMethod(view, attr));
}

/** A short name for error messages. */
export function viewLabel(view: unknown): string {
  if (typeof view === "function") return view.name || "<anonymous view>";
  return String(view);
}

/**
 * Calls a view: functions as `(request)` or `(context, request)` by their declared
 * parameter count; classes are constructed with `(context, request)` (or `(request)`)
 * and their `attr` method (default `call`) is invoked.
 */
export function callView(
  view: unknown,
  attr: string | undefined,
  context: unknown,
  request: unknown,
): unknown {
  if (isClass(view)) {
    const instance = view.length >= 2 ? new view(context, request) : new view(request);
    const method = (instance as Record<string, unknown>)[attr ?? "call"];
    if (typeof method !== "function") {
      throw new ConfigurationError(
        `The class view ${view.name} has no method '${
          attr ?? "call"
        }'. Add it, or pass { attr } naming the method to call.`,
      );
    }
    return method.call(instance);
  }
  const fn = view as (...args: unknown[]) => unknown;
  return fn.length >= 2 ? fn(context, request) : fn(request);
}
