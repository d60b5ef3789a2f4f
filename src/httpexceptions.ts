/**
 * HTTP exceptions: thrown or returned from a view (or a tween), they become responses.
 *
 * @module
 */

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
    return new Response(body, { status: this.status, headers });
  }
}

function prefersJson(accept: string | null | undefined): boolean {
  if (!accept) return false;
  const json = accept.indexOf("application/json");
  if (json < 0) return false;
  const html = accept.indexOf("text/html");
  return html < 0 || json < html;
}

/** Options for redirects: the target is required. */
export interface HTTPRedirectOptions extends HTTPExceptionOptions {
  /** Where to send the client; becomes the `Location` header. */
  location: string;
}

/**
 * Base of the 3xx redirects; sets `Location`.
 *
 * @example Redirecting after a form post
 * ```ts
 * import { HTTPSeeOther } from "@aio/pyramid";
 * const response = new HTTPSeeOther({ location: "/done" }).toResponse();
 * console.assert(response.headers.get("location") === "/done");
 * ```
 */
export class HTTPRedirection extends HTTPException {
  /** The redirect target. */
  location: string;
  /** Creates the redirect to `options.location`. */
  constructor(options: HTTPRedirectOptions) {
    super(options);
    this.location = options.location;
    this.headers.set("location", options.location);
  }
}

function define(status: number, title: string, explanation: string) {
  return { status, title, explanation };
}

// deno-fmt-ignore
const STATUS = {
  OK: define(200, "OK", ""),
  Created: define(201, "Created", ""),
  Accepted: define(202, "Accepted", "The request is accepted for processing."),
  NoContent: define(204, "No Content", ""),
  MovedPermanently: define(301, "Moved Permanently", "The resource has moved permanently."),
  Found: define(302, "Found", "The resource was found at another address."),
  SeeOther: define(303, "See Other", "The response to the request can be found at another address."),
  NotModified: define(304, "Not Modified", ""),
  TemporaryRedirect: define(307, "Temporary Redirect", "The resource has moved temporarily."),
  PermanentRedirect: define(308, "Permanent Redirect", "The resource has moved permanently."),
  BadRequest: define(400, "Bad Request", "The server could not comply with the request since it is either malformed or otherwise incorrect."),
  Unauthorized: define(401, "Unauthorized", "The server could not verify that you are authorized to access the resource."),
  Forbidden: define(403, "Forbidden", "Access was denied to this resource."),
  NotFound: define(404, "Not Found", "The resource could not be found."),
  MethodNotAllowed: define(405, "Method Not Allowed", "The method is not allowed for this resource."),
  NotAcceptable: define(406, "Not Acceptable", "The resource cannot be represented in a form the request accepts."),
  RequestTimeout: define(408, "Request Timeout", "The server timed out waiting for the request to complete."),
  Conflict: define(409, "Conflict", "There was a conflict when trying to complete your request."),
  Gone: define(410, "Gone", "This resource is no longer available."),
  LengthRequired: define(411, "Length Required", "Content-Length header required."),
  PreconditionFailed: define(412, "Precondition Failed", "A precondition of the request failed."),
  RequestEntityTooLarge: define(413, "Request Entity Too Large", "The body of the request is larger than the server accepts."),
  UnsupportedMediaType: define(415, "Unsupported Media Type", "The request media type is not supported."),
  RequestRangeNotSatisfiable: define(416, "Request Range Not Satisfiable", "The requested range cannot be satisfied."),
  UnprocessableEntity: define(422, "Unprocessable Entity", "Unable to process the contained instructions."),
  TooManyRequests: define(429, "Too Many Requests", "The client sent too many requests."),
  InternalServerError: define(500, "Internal Server Error", "The server has either erred or is incapable of performing the requested operation."),
  NotImplemented: define(501, "Not Implemented", "The server does not implement this request."),
  BadGateway: define(502, "Bad Gateway", "Bad gateway."),
  ServiceUnavailable: define(503, "Service Unavailable", "The server is currently unavailable. Please try again at a later time."),
  GatewayTimeout: define(504, "Gateway Timeout", "The gateway has timed out."),
};

type Spec = (typeof STATUS)[keyof typeof STATUS];

function apply(target: HTTPException, spec: Spec): void {
  target.status = spec.status;
  target.title = spec.title;
  target.explanation = spec.explanation;
  const head = `${spec.status} ${spec.title}`;
  target.message = target.detail ? `${head}: ${target.detail}` : head;
}

/**
 * 200 OK.
 *
 * @example Answering 200
 * ```ts
 * import { HTTPOk } from "@aio/pyramid";
 * console.assert(new HTTPOk().status === 200);
 * ```
 */
export class HTTPOk extends HTTPException {
  /** Creates the 200 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.OK);
  }
}

/**
 * 201 Created.
 *
 * @example Answering 201
 * ```ts
 * import { HTTPCreated } from "@aio/pyramid";
 * console.assert(new HTTPCreated().status === 201);
 * ```
 */
export class HTTPCreated extends HTTPException {
  /** Creates the 201 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.Created);
  }
}

/**
 * 202 Accepted.
 *
 * @example Answering 202
 * ```ts
 * import { HTTPAccepted } from "@aio/pyramid";
 * console.assert(new HTTPAccepted().status === 202);
 * ```
 */
export class HTTPAccepted extends HTTPException {
  /** Creates the 202 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.Accepted);
  }
}

/**
 * 204 No Content.
 *
 * @example Answering 204
 * ```ts
 * import { HTTPNoContent } from "@aio/pyramid";
 * console.assert(new HTTPNoContent().status === 204);
 * ```
 */
export class HTTPNoContent extends HTTPException {
  /** Creates the 204 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.NoContent);
  }
}

/**
 * 301 Moved Permanently.
 *
 * @example Answering 301
 * ```ts
 * import { HTTPMovedPermanently } from "@aio/pyramid";
 * console.assert(new HTTPMovedPermanently({ location: "/elsewhere" }).status === 301);
 * ```
 */
export class HTTPMovedPermanently extends HTTPRedirection {
  /** Creates the 301 response. */
  constructor(options: HTTPRedirectOptions) {
    super(options);
    apply(this, STATUS.MovedPermanently);
  }
}

/**
 * 302 Found.
 *
 * @example Answering 302
 * ```ts
 * import { HTTPFound } from "@aio/pyramid";
 * console.assert(new HTTPFound({ location: "/elsewhere" }).status === 302);
 * ```
 */
export class HTTPFound extends HTTPRedirection {
  /** Creates the 302 response. */
  constructor(options: HTTPRedirectOptions) {
    super(options);
    apply(this, STATUS.Found);
  }
}

/**
 * 303 See Other.
 *
 * @example Answering 303
 * ```ts
 * import { HTTPSeeOther } from "@aio/pyramid";
 * console.assert(new HTTPSeeOther({ location: "/elsewhere" }).status === 303);
 * ```
 */
export class HTTPSeeOther extends HTTPRedirection {
  /** Creates the 303 response. */
  constructor(options: HTTPRedirectOptions) {
    super(options);
    apply(this, STATUS.SeeOther);
  }
}

/**
 * 304 Not Modified.
 *
 * @example Answering 304
 * ```ts
 * import { HTTPNotModified } from "@aio/pyramid";
 * console.assert(new HTTPNotModified().status === 304);
 * ```
 */
export class HTTPNotModified extends HTTPException {
  /** Creates the 304 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.NotModified);
  }
}

/**
 * 307 Temporary Redirect.
 *
 * @example Answering 307
 * ```ts
 * import { HTTPTemporaryRedirect } from "@aio/pyramid";
 * console.assert(new HTTPTemporaryRedirect({ location: "/elsewhere" }).status === 307);
 * ```
 */
export class HTTPTemporaryRedirect extends HTTPRedirection {
  /** Creates the 307 response. */
  constructor(options: HTTPRedirectOptions) {
    super(options);
    apply(this, STATUS.TemporaryRedirect);
  }
}

/**
 * 308 Permanent Redirect.
 *
 * @example Answering 308
 * ```ts
 * import { HTTPPermanentRedirect } from "@aio/pyramid";
 * console.assert(new HTTPPermanentRedirect({ location: "/elsewhere" }).status === 308);
 * ```
 */
export class HTTPPermanentRedirect extends HTTPRedirection {
  /** Creates the 308 response. */
  constructor(options: HTTPRedirectOptions) {
    super(options);
    apply(this, STATUS.PermanentRedirect);
  }
}

/**
 * 400 Bad Request.
 *
 * @example Answering 400
 * ```ts
 * import { HTTPBadRequest } from "@aio/pyramid";
 * console.assert(new HTTPBadRequest().status === 400);
 * ```
 */
export class HTTPBadRequest extends HTTPException {
  /** Creates the 400 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.BadRequest);
  }
}

/**
 * 401 Unauthorized.
 *
 * @example Answering 401
 * ```ts
 * import { HTTPUnauthorized } from "@aio/pyramid";
 * console.assert(new HTTPUnauthorized().status === 401);
 * ```
 */
export class HTTPUnauthorized extends HTTPException {
  /** Creates the 401 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.Unauthorized);
  }
}

/**
 * 403 Forbidden.
 *
 * @example Answering 403
 * ```ts
 * import { HTTPForbidden } from "@aio/pyramid";
 * console.assert(new HTTPForbidden().status === 403);
 * ```
 */
export class HTTPForbidden extends HTTPException {
  /**
   * Why access was denied, when a permission check raised this: the `ACLDenied` (or
   * `Denied`) the security policy answered.
   */
  result: unknown;
  /** Creates the 403 response. */
  constructor(options?: HTTPExceptionOptions & { result?: unknown }) {
    super(options);
    apply(this, STATUS.Forbidden);
    this.result = options?.result;
  }
}

/**
 * 404 Not Found.
 *
 * @example Answering 404
 * ```ts
 * import { HTTPNotFound } from "@aio/pyramid";
 * console.assert(new HTTPNotFound().status === 404);
 * ```
 */
export class HTTPNotFound extends HTTPException {
  /** Creates the 404 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.NotFound);
  }
}

/**
 * 405 Method Not Allowed.
 *
 * @example Answering 405
 * ```ts
 * import { HTTPMethodNotAllowed } from "@aio/pyramid";
 * console.assert(new HTTPMethodNotAllowed().status === 405);
 * ```
 */
export class HTTPMethodNotAllowed extends HTTPException {
  /** Creates the 405 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.MethodNotAllowed);
  }
}

/**
 * 406 Not Acceptable.
 *
 * @example Answering 406
 * ```ts
 * import { HTTPNotAcceptable } from "@aio/pyramid";
 * console.assert(new HTTPNotAcceptable().status === 406);
 * ```
 */
export class HTTPNotAcceptable extends HTTPException {
  /** Creates the 406 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.NotAcceptable);
  }
}

/**
 * 408 Request Timeout.
 *
 * @example Answering 408
 * ```ts
 * import { HTTPRequestTimeout } from "@aio/pyramid";
 * console.assert(new HTTPRequestTimeout().status === 408);
 * ```
 */
export class HTTPRequestTimeout extends HTTPException {
  /** Creates the 408 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.RequestTimeout);
  }
}

/**
 * 409 Conflict.
 *
 * @example Answering 409
 * ```ts
 * import { HTTPConflict } from "@aio/pyramid";
 * console.assert(new HTTPConflict().status === 409);
 * ```
 */
export class HTTPConflict extends HTTPException {
  /** Creates the 409 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.Conflict);
  }
}

/**
 * 410 Gone.
 *
 * @example Answering 410
 * ```ts
 * import { HTTPGone } from "@aio/pyramid";
 * console.assert(new HTTPGone().status === 410);
 * ```
 */
export class HTTPGone extends HTTPException {
  /** Creates the 410 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.Gone);
  }
}

/**
 * 411 Length Required.
 *
 * @example Answering 411
 * ```ts
 * import { HTTPLengthRequired } from "@aio/pyramid";
 * console.assert(new HTTPLengthRequired().status === 411);
 * ```
 */
export class HTTPLengthRequired extends HTTPException {
  /** Creates the 411 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.LengthRequired);
  }
}

/**
 * 412 Precondition Failed.
 *
 * @example Answering 412
 * ```ts
 * import { HTTPPreconditionFailed } from "@aio/pyramid";
 * console.assert(new HTTPPreconditionFailed().status === 412);
 * ```
 */
export class HTTPPreconditionFailed extends HTTPException {
  /** Creates the 412 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.PreconditionFailed);
  }
}

/**
 * 413 Request Entity Too Large.
 *
 * @example Answering 413
 * ```ts
 * import { HTTPRequestEntityTooLarge } from "@aio/pyramid";
 * console.assert(new HTTPRequestEntityTooLarge().status === 413);
 * ```
 */
export class HTTPRequestEntityTooLarge extends HTTPException {
  /** Creates the 413 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.RequestEntityTooLarge);
  }
}

/**
 * 415 Unsupported Media Type.
 *
 * @example Answering 415
 * ```ts
 * import { HTTPUnsupportedMediaType } from "@aio/pyramid";
 * console.assert(new HTTPUnsupportedMediaType().status === 415);
 * ```
 */
export class HTTPUnsupportedMediaType extends HTTPException {
  /** Creates the 415 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.UnsupportedMediaType);
  }
}

/**
 * 416 Request Range Not Satisfiable.
 *
 * @example Answering 416
 * ```ts
 * import { HTTPRequestRangeNotSatisfiable } from "@aio/pyramid";
 * console.assert(new HTTPRequestRangeNotSatisfiable().status === 416);
 * ```
 */
export class HTTPRequestRangeNotSatisfiable extends HTTPException {
  /** Creates the 416 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.RequestRangeNotSatisfiable);
  }
}

/**
 * 422 Unprocessable Entity.
 *
 * @example Answering 422
 * ```ts
 * import { HTTPUnprocessableEntity } from "@aio/pyramid";
 * console.assert(new HTTPUnprocessableEntity().status === 422);
 * ```
 */
export class HTTPUnprocessableEntity extends HTTPException {
  /** Creates the 422 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.UnprocessableEntity);
  }
}

/**
 * 429 Too Many Requests.
 *
 * @example Answering 429
 * ```ts
 * import { HTTPTooManyRequests } from "@aio/pyramid";
 * console.assert(new HTTPTooManyRequests().status === 429);
 * ```
 */
export class HTTPTooManyRequests extends HTTPException {
  /** Creates the 429 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.TooManyRequests);
  }
}

/**
 * 500 Internal Server Error.
 *
 * @example Answering 500
 * ```ts
 * import { HTTPInternalServerError } from "@aio/pyramid";
 * console.assert(new HTTPInternalServerError().status === 500);
 * ```
 */
export class HTTPInternalServerError extends HTTPException {
  /** Creates the 500 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.InternalServerError);
  }
}

/**
 * 501 Not Implemented.
 *
 * @example Answering 501
 * ```ts
 * import { HTTPNotImplemented } from "@aio/pyramid";
 * console.assert(new HTTPNotImplemented().status === 501);
 * ```
 */
export class HTTPNotImplemented extends HTTPException {
  /** Creates the 501 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.NotImplemented);
  }
}

/**
 * 502 Bad Gateway.
 *
 * @example Answering 502
 * ```ts
 * import { HTTPBadGateway } from "@aio/pyramid";
 * console.assert(new HTTPBadGateway().status === 502);
 * ```
 */
export class HTTPBadGateway extends HTTPException {
  /** Creates the 502 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.BadGateway);
  }
}

/**
 * 503 Service Unavailable.
 *
 * @example Answering 503
 * ```ts
 * import { HTTPServiceUnavailable } from "@aio/pyramid";
 * console.assert(new HTTPServiceUnavailable().status === 503);
 * ```
 */
export class HTTPServiceUnavailable extends HTTPException {
  /** Creates the 503 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.ServiceUnavailable);
  }
}

/**
 * 504 Gateway Timeout.
 *
 * @example Answering 504
 * ```ts
 * import { HTTPGatewayTimeout } from "@aio/pyramid";
 * console.assert(new HTTPGatewayTimeout().status === 504);
 * ```
 */
export class HTTPGatewayTimeout extends HTTPException {
  /** Creates the 504 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    apply(this, STATUS.GatewayTimeout);
  }
}
