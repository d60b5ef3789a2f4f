/**
 * Calling a view the same way wherever it runs (main isolate or executor worker) and
 * whatever it is (HTTP or websocket): one rule for function and class views.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { isClass } from "../is_async.ts";

/** A short name for error messages. */
export function viewLabel(view: unknown): string {
  if (typeof view === "function") return view.name || "<anonymous view>";
  return String(view);
}

// deno-lint-ignore no-explicit-any
type AnyClass = new (...args: any[]) => unknown;

/**
 * Whether a class view takes only the request (Pyramid's `requestonly`): the nearest
 * constructor in its class chain that declares parameters decides, so a subclass without
 * its own constructor is built the way its base class expects.
 */
export function classTakesRequestOnly(view: AnyClass): boolean {
  for (
    let cls: unknown = view;
    typeof cls === "function" && cls !== Function.prototype;
    cls = Object.getPrototypeOf(cls)
  ) {
    const arity = (cls as AnyClass).length;
    if (arity > 0) return arity === 1;
  }
  return false;
}

/** Constructs a class view with `(request)` or `(context, request)`, by the rule above. */
export function constructView(view: AnyClass, context: unknown, request: unknown): unknown {
  return classTakesRequestOnly(view) ? new view(request) : new view(context, request);
}

/**
 * Calls a view: functions as `(request)` or `(context, request)` by their declared
 * parameter count; classes are constructed by {@linkcode constructView} and their `attr`
 * method (default `call`) is invoked.
 */
export function callView(
  view: unknown,
  attr: string | undefined,
  context: unknown,
  request: unknown,
): unknown {
  if (isClass(view)) {
    const instance = constructView(view as AnyClass, context, request);
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
