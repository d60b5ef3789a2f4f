/**
 * Pyramid's `status_map` and `exception_response`: the HTTP exception class for a status code.
 *
 * @module
 */

import type { HTTPException, HTTPExceptionOptions, HTTPRedirectOptions } from "./base.ts";
import * as successful from "./successful.ts";
import * as redirection from "./redirection.ts";
import * as clientError from "./client_error.ts";
import * as serverError from "./server_error.ts";

/** An HTTP exception class, as {@linkcode statusMap} holds them. */
export type HTTPExceptionClass = new (options: HTTPRedirectOptions) => HTTPException;

function byStatus(): ReadonlyMap<number, HTTPExceptionClass> {
  const map = new Map<number, HTTPExceptionClass>();
  for (const group of [successful, redirection, clientError, serverError]) {
    for (const Class of Object.values(group) as HTTPExceptionClass[]) {
      map.set(new Class({ location: "" }).status, Class);
    }
  }
  return new Map([...map].sort(([a], [b]) => a - b));
}

/**
 * Every status code with a class of its own, mapped to that class (Pyramid's `status_map`).
 *
 * @example Looking a class up by status
 * ```ts
 * import { HTTPNotFound, statusMap } from "@aio/pyramid";
 * console.assert(statusMap.get(404) === HTTPNotFound);
 * ```
 */
export const statusMap: ReadonlyMap<number, HTTPExceptionClass> = byStatus();

/**
 * A new HTTP exception for `status` (Pyramid's `exception_response`); an unknown status is a
 * `RangeError` listing the known ones.
 *
 * @example Raising a 404 by number
 * ```ts
 * import { exceptionResponse, HTTPNotFound } from "@aio/pyramid";
 * const error = exceptionResponse(404, { detail: "No such page." });
 * console.assert(error instanceof HTTPNotFound && error.status === 404);
 * ```
 */
export function exceptionResponse(
  status: number,
  options: HTTPExceptionOptions & { location?: string } = {},
): HTTPException {
  const Class = statusMap.get(status);
  if (Class === undefined) {
    throw new RangeError(
      `exceptionResponse(${status}): no HTTP exception class has that status. Known: ${
        [...statusMap.keys()].join(", ")
      }.`,
    );
  }
  return new Class({ location: "", ...options });
}
