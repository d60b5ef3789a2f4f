/**
 * The 4xx client errors, one class per status, as in Pyramid's `pyramid.httpexceptions`.
 *
 * @module
 */

import { HTTPClientError, type HTTPExceptionOptions, setStatus } from "./base.ts";

/**
 * 400 Bad Request.
 *
 * @example Answering 400
 * ```ts
 * import { HTTPBadRequest } from "@aio/pyramid";
 * console.assert(new HTTPBadRequest().status === 400);
 * ```
 */
export class HTTPBadRequest extends HTTPClientError {
  /** Creates the 400 response. */
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
 * 401 Unauthorized.
 *
 * @example Answering 401
 * ```ts
 * import { HTTPUnauthorized } from "@aio/pyramid";
 * console.assert(new HTTPUnauthorized().status === 401);
 * ```
 */
export class HTTPUnauthorized extends HTTPClientError {
  /** Creates the 401 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      401,
      "Unauthorized",
      "The server could not verify that you are authorized to access the resource.",
    );
  }
}

/**
 * 402 Payment Required.
 *
 * @example Answering 402
 * ```ts
 * import { HTTPPaymentRequired } from "@aio/pyramid";
 * console.assert(new HTTPPaymentRequired().status === 402);
 * ```
 */
export class HTTPPaymentRequired extends HTTPClientError {
  /** Creates the 402 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 402, "Payment Required", "Access was denied for financial reasons.");
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
export class HTTPForbidden extends HTTPClientError {
  /**
   * Why access was denied, when a permission check raised this: the `ACLDenied` (or
   * `Denied`) the security policy answered (Pyramid's `HTTPForbidden.result`).
   */
  result: unknown;
  /** Creates the 403 response. */
  constructor(options?: HTTPExceptionOptions & { result?: unknown }) {
    super(options);
    setStatus(this, 403, "Forbidden", "Access was denied to this resource.");
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
export class HTTPNotFound extends HTTPClientError {
  /** Creates the 404 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 404, "Not Found", "The resource could not be found.");
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
export class HTTPMethodNotAllowed extends HTTPClientError {
  /** Creates the 405 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 405, "Method Not Allowed", "The method is not allowed for this resource.");
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
export class HTTPNotAcceptable extends HTTPClientError {
  /** Creates the 406 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      406,
      "Not Acceptable",
      "The resource cannot be represented in a form the request accepts.",
    );
  }
}

/**
 * 407 Proxy Authentication Required.
 *
 * @example Answering 407
 * ```ts
 * import { HTTPProxyAuthenticationRequired } from "@aio/pyramid";
 * console.assert(new HTTPProxyAuthenticationRequired().status === 407);
 * ```
 */
export class HTTPProxyAuthenticationRequired extends HTTPClientError {
  /** Creates the 407 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      407,
      "Proxy Authentication Required",
      "The client must first authenticate with the proxy.",
    );
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
export class HTTPRequestTimeout extends HTTPClientError {
  /** Creates the 408 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      408,
      "Request Timeout",
      "The server timed out waiting for the request to complete.",
    );
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
export class HTTPConflict extends HTTPClientError {
  /** Creates the 409 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 409, "Conflict", "There was a conflict when trying to complete your request.");
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
export class HTTPGone extends HTTPClientError {
  /** Creates the 410 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 410, "Gone", "This resource is no longer available.");
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
export class HTTPLengthRequired extends HTTPClientError {
  /** Creates the 411 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 411, "Length Required", "Content-Length header required.");
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
export class HTTPPreconditionFailed extends HTTPClientError {
  /** Creates the 412 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 412, "Precondition Failed", "A precondition of the request failed.");
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
export class HTTPRequestEntityTooLarge extends HTTPClientError {
  /** Creates the 413 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      413,
      "Request Entity Too Large",
      "The body of the request is larger than the server accepts.",
    );
  }
}

/**
 * 414 Request-URI Too Long.
 *
 * @example Answering 414
 * ```ts
 * import { HTTPRequestURITooLong } from "@aio/pyramid";
 * console.assert(new HTTPRequestURITooLong().status === 414);
 * ```
 */
export class HTTPRequestURITooLong extends HTTPClientError {
  /** Creates the 414 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      414,
      "Request-URI Too Long",
      "The request URI is longer than the server accepts.",
    );
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
export class HTTPUnsupportedMediaType extends HTTPClientError {
  /** Creates the 415 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 415, "Unsupported Media Type", "The request media type is not supported.");
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
export class HTTPRequestRangeNotSatisfiable extends HTTPClientError {
  /** Creates the 416 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      416,
      "Request Range Not Satisfiable",
      "The requested range cannot be satisfied.",
    );
  }
}

/**
 * 417 Expectation Failed.
 *
 * @example Answering 417
 * ```ts
 * import { HTTPExpectationFailed } from "@aio/pyramid";
 * console.assert(new HTTPExpectationFailed().status === 417);
 * ```
 */
export class HTTPExpectationFailed extends HTTPClientError {
  /** Creates the 417 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      417,
      "Expectation Failed",
      "The expectation in the Expect header cannot be met.",
    );
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
export class HTTPUnprocessableEntity extends HTTPClientError {
  /** Creates the 422 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 422, "Unprocessable Entity", "Unable to process the contained instructions.");
  }
}

/**
 * 423 Locked.
 *
 * @example Answering 423
 * ```ts
 * import { HTTPLocked } from "@aio/pyramid";
 * console.assert(new HTTPLocked().status === 423);
 * ```
 */
export class HTTPLocked extends HTTPClientError {
  /** Creates the 423 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 423, "Locked", "The resource is locked.");
  }
}

/**
 * 424 Failed Dependency.
 *
 * @example Answering 424
 * ```ts
 * import { HTTPFailedDependency } from "@aio/pyramid";
 * console.assert(new HTTPFailedDependency().status === 424);
 * ```
 */
export class HTTPFailedDependency extends HTTPClientError {
  /** Creates the 424 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      424,
      "Failed Dependency",
      "The request failed because an action it depended on failed.",
    );
  }
}

/**
 * 428 Precondition Required.
 *
 * @example Answering 428
 * ```ts
 * import { HTTPPreconditionRequired } from "@aio/pyramid";
 * console.assert(new HTTPPreconditionRequired().status === 428);
 * ```
 */
export class HTTPPreconditionRequired extends HTTPClientError {
  /** Creates the 428 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      428,
      "Precondition Required",
      "The server requires this request to be conditional.",
    );
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
export class HTTPTooManyRequests extends HTTPClientError {
  /** Creates the 429 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 429, "Too Many Requests", "The client sent too many requests.");
  }
}

/**
 * 431 Request Header Fields Too Large.
 *
 * @example Answering 431
 * ```ts
 * import { HTTPRequestHeaderFieldsTooLarge } from "@aio/pyramid";
 * console.assert(new HTTPRequestHeaderFieldsTooLarge().status === 431);
 * ```
 */
export class HTTPRequestHeaderFieldsTooLarge extends HTTPClientError {
  /** Creates the 431 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      431,
      "Request Header Fields Too Large",
      "The request's header fields are larger than the server accepts.",
    );
  }
}
