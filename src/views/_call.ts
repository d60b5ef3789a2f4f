// Calling a view the same way wherever it runs (main isolate or executor worker).
import { ConfigurationError } from "../errors.ts";
import { isClass } from "../executor/is_async.ts";

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
