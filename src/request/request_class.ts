/**
 * The app's request class: {@linkcode PyramidRequest} plus the methods and properties added
 * with `config.addRequestMethod()`. Built once per app (and once per app in each executor
 * worker, where a member the worker cannot import runs on the main isolate instead).
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { PyramidRequest } from "./request.ts";

/** A member to add to the request class. */
export interface RequestMember {
  /** Property name. */
  name: string;
  /** Receives the request as `this` and as its first argument. */
  fn: (request: PyramidRequest, ...args: never[]) => unknown;
  /** Computed once per request, on first access, then cached. */
  reify: boolean;
  /** A getter computed on every access (rather than a method). */
  property: boolean;
}

/** A subclass of `base` with the given members; `base` itself when there are none. */
export function requestClassWith(
  members: readonly RequestMember[],
  base: typeof PyramidRequest = PyramidRequest,
): typeof PyramidRequest {
  if (members.length === 0) return base;
  class AppRequest extends base {}
  for (const { name, fn, reify, property } of members) {
    if (name in PyramidRequest.prototype) {
      throw new ConfigurationError(
        `addRequestMethod cannot add '${name}': the request already has it. Choose another name.`,
      );
    }
    if (reify) {
      Object.defineProperty(AppRequest.prototype, name, {
        configurable: true,
        get(this: PyramidRequest) {
          const value = fn.call(this, this);
          Object.defineProperty(this, name, { value, configurable: true });
          return value;
        },
      });
    } else if (property) {
      Object.defineProperty(AppRequest.prototype, name, {
        configurable: true,
        get(this: PyramidRequest) {
          return fn.call(this, this);
        },
      });
    } else {
      Object.defineProperty(AppRequest.prototype, name, {
        configurable: true,
        value: function (this: PyramidRequest, ...args: never[]) {
          return fn.call(this, this, ...args);
        },
      });
    }
  }
  return AppRequest;
}
