/**
 * The 422 a failed validation answers: RFC 9457 problem details naming every failing field.
 *
 * @module
 */

import { HTTPUnprocessableEntity } from "../httpexceptions.ts";

/** Where in the request a value was validated. */
export type RequestLocation = "body" | "query" | "matchdict" | "headers";

/** One failing field of a request. */
export interface FieldError {
  /** The part of the request the field is in. */
  location: RequestLocation;
  /**
   * A JSON Pointer fragment into that part (RFC 6901, as RFC 9457's example writes it):
   * `"#/items/0/name"`; `"#"` for the part as a whole (e.g. a missing body).
   */
  pointer: string;
  /** The same path, dotted, for humans and form libraries: `"items.0.name"` (`""` for the whole). */
  field: string;
  /** What is wrong with it. */
  detail: string;
}

/** The problem type of a validation failure (RFC 9457 `type`). */
export const VALIDATION_PROBLEM_TYPE = "https://aio-pyramid.dev/problems/validation";

/** The media type of problem details (RFC 9457). */
export const PROBLEM_JSON = "application/problem+json";

/**
 * Raised (before the view runs) when a request fails its view's `schema`. Renders as a 422
 * `application/problem+json` whose `errors` list every failing field. Register an exception view
 * for it to answer differently (an HTML form re-rendered with messages, say).
 *
 * @example What a client receives
 * ```ts
 * import { ValidationFailed } from "@aio/pyramid";
 * const error = new ValidationFailed([
 *   { location: "body", pointer: "#/age", field: "age", detail: "must be >= 0" },
 * ]);
 * const response = error.toResponse();
 * console.assert(response.status === 422);
 * console.assert(response.headers.get("content-type") === "application/problem+json");
 * const problem = await response.json();
 * console.assert(problem.errors[0].pointer === "#/age");
 * ```
 */
export class ValidationFailed extends HTTPUnprocessableEntity {
  /** Every failing field, in the order body, query, matchdict, headers. */
  readonly errors: readonly FieldError[];

  /** Creates the error from the failing fields. */
  constructor(errors: FieldError[], options: { instance?: string } = {}) {
    super({ detail: describe(errors) });
    this.errors = errors;
    this.instance = options.instance;
  }

  /** The request path the problem occurred at (RFC 9457 `instance`), when known. */
  instance: string | undefined;

  /** The RFC 9457 problem object. */
  toProblem(): Record<string, unknown> {
    return {
      type: VALIDATION_PROBLEM_TYPE,
      title: "Your request is not valid.",
      status: this.status,
      detail: this.detail,
      ...(this.instance === undefined ? {} : { instance: this.instance }),
      errors: this.errors,
    };
  }

  /** Renders as `application/problem+json`, whatever the client accepts (it is JSON either way). */
  override toResponse(options: { accept?: string | null; method?: string } = {}): Response {
    const headers = new Headers(this.headers);
    headers.set("content-type", PROBLEM_JSON);
    const body = options.method === "HEAD" ? null : JSON.stringify(this.toProblem());
    return new Response(body, { status: this.status, headers });
  }
}

function describe(errors: FieldError[]): string {
  const names = errors.map((e) => e.field === "" ? e.location : `${e.location}.${e.field}`);
  const unique = [...new Set(names)];
  return `${errors.length} problem${errors.length === 1 ? "" : "s"} with ${unique.join(", ")}. ` +
    "See `errors` for each field; fix them and send the request again.";
}
