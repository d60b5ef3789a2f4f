/**
 * Errors that cross between isolates keep their class (for the framework's own and the
 * built-in ones), name, message, stack and cause; an `HTTPException` comes back as the same
 * subclass with its status, detail, headers, body and location.
 *
 * @module
 */

import { ConfigurationError, ScopeError } from "../errors.ts";
import * as http from "../httpexceptions.ts";
import { WebsocketClosed } from "../errors.ts";

/** The structured-cloneable form of an error. */
export interface EncodedError {
  name: string;
  message: string;
  stack?: string;
  cause?: EncodedError | { value: unknown };
  http?: {
    className: string;
    status: number;
    title: string;
    explanation: string;
    detail?: string;
    headers: [string, string][];
    body?: string;
    location?: string;
  };
  /** A `WebsocketClosed`'s close code and reason. */
  closed?: { code?: number; reason: string };
}

type ErrorClass = new (message: string, options?: ErrorOptions) => Error;

const BUILTIN: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  ConfigurationError,
  ScopeError,
};

/** Turns any thrown value into its cloneable form (depth-limited through `cause`). */
export function encodeError(error: unknown, depth = 0): EncodedError {
  if (!(error instanceof Error)) {
    return { name: "Error", message: `Non-error thrown: ${describeValue(error)}` };
  }
  const encoded: EncodedError = {
    name: error.name,
    message: error.message,
    stack: error.stack,
  };
  if (error.cause !== undefined && depth < 4) {
    encoded.cause = error.cause instanceof Error
      ? encodeError(error.cause, depth + 1)
      : { value: cloneable(error.cause) };
  }
  if (error instanceof WebsocketClosed) {
    encoded.closed = { code: error.code, reason: error.reason };
  }
  if (error instanceof http.HTTPException) {
    encoded.http = {
      className: error.constructor.name,
      status: error.status,
      title: error.title,
      explanation: error.explanation,
      detail: error.detail,
      headers: [...error.headers],
      body: error.body,
      location: error instanceof http.HTTPRedirection ? error.location : undefined,
    };
  }
  return encoded;
}

/** Rebuilds an error from {@linkcode encodeError}'s output. */
export function decodeError(encoded: EncodedError): Error {
  const cause = encoded.cause === undefined
    ? undefined
    : "value" in encoded.cause
    ? encoded.cause.value
    : decodeError(encoded.cause as EncodedError);
  let error: Error;
  if (encoded.http) {
    error = decodeHttp(encoded.http, cause);
  } else if (encoded.closed) {
    // A blocking websocket view catches it by class, as an async one does.
    error = new WebsocketClosed(encoded.closed.code, encoded.closed.reason);
  } else {
    const Class = BUILTIN[encoded.name] ?? Error;
    error = new Class(encoded.message, cause === undefined ? undefined : { cause });
  }
  error.name = encoded.name;
  error.message = encoded.message;
  if (encoded.stack !== undefined) error.stack = encoded.stack;
  return error;
}

function decodeHttp(spec: NonNullable<EncodedError["http"]>, cause: unknown): Error {
  const options: http.HTTPRedirectOptions = {
    detail: spec.detail,
    headers: spec.headers,
    body: spec.body,
    cause,
    location: spec.location ?? "",
  };
  const exported = (http as Record<string, unknown>)[spec.className];
  const Class = typeof exported === "function" &&
      exported.prototype instanceof http.HTTPException
    ? exported as new (options: http.HTTPRedirectOptions) => http.HTTPException
    : http.HTTPException;
  const error = new Class(options);
  // A subclass defined by the application is not known here: keep what it carried.
  error.status = spec.status;
  error.title = spec.title;
  error.explanation = spec.explanation;
  return error;
}

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return describeValue(value);
  }
}

/** A short description of a value for messages. */
export function describeValue(value: unknown): string {
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  try {
    return Deno.inspect(value, { depth: 1, breakLength: Infinity }).slice(0, 200);
  } catch {
    return typeof value;
  }
}
