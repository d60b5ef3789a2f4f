/**
 * The HTTP exception base classes: {@linkcode HTTPException} and Pyramid's categories
 * {@linkcode HTTPSuccessful}, {@linkcode HTTPRedirection}, {@linkcode HTTPError},
 * {@linkcode HTTPClientError} and {@linkcode HTTPServerError}, so one exception view can
 * catch, say, every 4xx.
 *
 * @module
 */

import { WebResponse } from "../_web.ts";

/** Options shared by every HTTP exception. */
export interface HTTPExceptionOptions {
  /** Extra text shown in the body after the standard explanation. */
  detail?: string;
  /** Headers added to the response. */
  headers?: HeadersInit;
  /** A complete body that replaces the generated one. */
  body?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * An error that is also an HTTP response. Subclasses fix `status`, `title` and a short
 * `explanation`; throw or return one from a view and the framework answers with it (through
 * an exception view when one is registered for its class).
 *
 * @example Refusing a request with a 400
 * ```ts
 * import { HTTPBadRequest } from "@aio/pyramid";
 * const error = new HTTPBadRequest({ detail: "The 'id' parameter must be a number." });
 * const response = error.toResponse();
 * console.assert(response.status === 400);
 * ```
 */
export class HTTPException extends Error {
  /** The HTTP status code. */
  status = 500;
  /** The standard reason phrase. */
  title = "Internal Server Error";
  /** One sentence shown in the generated body. */
  explanation = "";
  /** Extra text shown after the explanation. */
  detail: string | undefined;
  /** Headers sent with the response. */
  headers: Headers;
  /** A body that replaces the generated one, when set. */
  body: string | undefined;

  /** Creates the exception; see {@linkcode HTTPExceptionOptions}. */
  constructor(options: HTTPExceptionOptions = {}) {
    super(options.detail ?? "", { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail;
    this.headers = new Headers(options.headers);
    this.body = options.body;
  }

  /** True for 4xx and 5xx statuses, false for 2xx and 3xx. */
  get isError(): boolean {
    return this.status >= 400;
  }

  /** Renders the exception as a plain-text (or JSON, when `accept` prefers it) response. */
  toResponse(options: { accept?: string | null; method?: string } = {}): Response {
    const headers = new Headers(this.headers);
    let body: string | null = this.body ?? null;
    if (body === null && this.status !== 204 && this.status !== 304) {
      if (prefersJson(options.accept)) {
        body = JSON.stringify({
          status: this.status,
          title: this.title,
          message: this.explanation,
          detail: this.detail ?? null,
        });
        if (!headers.has("content-type")) headers.set("content-type", "application/json");
      } else {
        const lines = [`${this.status} ${this.title}`, "", this.explanation];
        if (this.detail) lines.push("", this.detail);
        body = lines.join("\n").trimEnd() + "\n";
        if (!headers.has("content-type")) {
          headers.set("content-type", "text/plain; charset=utf-8");
        }
      }
    }
    if (options.method === "HEAD") body = null;
    return new WebResponse(body, { status: this.status, headers });
  }
}

function prefersJson(accept: string | null | undefined): boolean {
  if (!accept) return false;
  const json = accept.indexOf("application/json");
  if (json < 0) return false;
  const html = accept.indexOf("text/html");
  return html < 0 || json < html;
}

/** Options for redirects that move the client elsewhere: the target is required. */
export interface HTTPRedirectOptions extends HTTPExceptionOptions {
  /** Where to send the client; becomes the `Location` header. */
  location: string;
}

/** Sets a subclass's status, reason phrase and explanation (and the message from them). */
export function setStatus(
  target: HTTPException,
  status: number,
  title: string,
  explanation: string,
): void {
  target.status = status;
  target.title = title;
  target.explanation = explanation;
  const head = `${status} ${title}`;
  target.message = target.detail ? `${head}: ${target.detail}` : head;
}

/**
 * Base of the 2xx classes (Pyramid's `HTTPSuccessful`).
 *
 * @example Every 2xx class is an HTTPSuccessful
 * ```ts
 * import { HTTPCreated, HTTPSuccessful } from "@aio/pyramid";
 * console.assert(new HTTPCreated() instanceof HTTPSuccessful);
 * ```
 */
export class HTTPSuccessful extends HTTPException {
  /** Creates a 200 unless a subclass says otherwise. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 200, "OK", "");
  }
}

/**
 * Base of the 3xx classes; sets `Location` when one is given. `HTTPNotModified` is one too,
 * without a location, as in Pyramid.
 *
 * @example Redirecting after a form post
 * ```ts
 * import { HTTPNotModified, HTTPRedirection, HTTPSeeOther } from "@aio/pyramid";
 * const response = new HTTPSeeOther({ location: "/done" }).toResponse();
 * console.assert(response.headers.get("location") === "/done");
 * console.assert(new HTTPNotModified() instanceof HTTPRedirection);
 * ```
 */
export class HTTPRedirection extends HTTPException {
  /** The redirect target (`""` for a 304). */
  location: string;
  /** Creates the redirection; `options.location` becomes the `Location` header. */
  constructor(options: HTTPExceptionOptions & { location?: string } = {}) {
    super(options);
    setStatus(this, 300, "Multiple Choices", "");
    this.location = options.location ?? "";
    if (this.location !== "") this.headers.set("location", this.location);
  }
}

/**
 * Base of the 4xx and 5xx classes (Pyramid's `HTTPError`).
 *
 * @example Every error status is an HTTPError
 * ```ts
 * import { HTTPError, HTTPNotFound } from "@aio/pyramid";
 * console.assert(new HTTPNotFound() instanceof HTTPError);
 * ```
 */
export class HTTPError extends HTTPException {
  /** Creates a 500 unless a subclass says otherwise. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 500, "Internal Server Error", "");
  }
}

/**
 * Base of the 4xx classes: an exception view for it catches every client error.
 *
 * @example One exception view for every 4xx
 * ```ts
 * import { Configurator, HTTPClientError } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addExceptionView(
 *   async (error: unknown, _request: unknown) => new Response(`client error ${(error as HTTPClientError).status}`, {
 *     status: (error as HTTPClientError).status,
 *   }),
 *   { context: HTTPClientError },
 * );
 * ```
 */
export class HTTPClientError extends HTTPError {
  /** Creates a 400 unless a subclass says otherwise. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      400,
      "Bad Request",
      "The server could not comply with the request since it is either malformed or otherwise incorrect.",
    );
  }
}

/**
 * Base of the 5xx classes: an exception view for it catches every server error.
 *
 * @example Every 5xx is an HTTPServerError
 * ```ts
 * import { HTTPServerError, HTTPServiceUnavailable } from "@aio/pyramid";
 * console.assert(new HTTPServiceUnavailable() instanceof HTTPServerError);
 * ```
 */
export class HTTPServerError extends HTTPError {
  /** Creates a 500 unless a subclass says otherwise. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      500,
      "Internal Server Error",
      "The server has either erred or is incapable of performing the requested operation.",
    );
  }
}
