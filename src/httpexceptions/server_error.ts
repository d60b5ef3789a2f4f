/**
 * The 5xx server errors, one class per status, as in Pyramid's `pyramid.httpexceptions`.
 *
 * @module
 */

import { type HTTPExceptionOptions, HTTPServerError, setStatus } from "./base.ts";

/**
 * 500 Internal Server Error.
 *
 * @example Answering 500
 * ```ts
 * import { HTTPInternalServerError } from "@aio/pyramid";
 * console.assert(new HTTPInternalServerError().status === 500);
 * ```
 */
export class HTTPInternalServerError extends HTTPServerError {
  /** Creates the 500 response. */
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

/**
 * 501 Not Implemented.
 *
 * @example Answering 501
 * ```ts
 * import { HTTPNotImplemented } from "@aio/pyramid";
 * console.assert(new HTTPNotImplemented().status === 501);
 * ```
 */
export class HTTPNotImplemented extends HTTPServerError {
  /** Creates the 501 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 501, "Not Implemented", "The server does not implement this request.");
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
export class HTTPBadGateway extends HTTPServerError {
  /** Creates the 502 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 502, "Bad Gateway", "Bad gateway.");
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
export class HTTPServiceUnavailable extends HTTPServerError {
  /** Creates the 503 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      503,
      "Service Unavailable",
      "The server is currently unavailable. Please try again at a later time.",
    );
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
export class HTTPGatewayTimeout extends HTTPServerError {
  /** Creates the 504 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 504, "Gateway Timeout", "The gateway has timed out.");
  }
}

/**
 * 505 HTTP Version Not Supported.
 *
 * @example Answering 505
 * ```ts
 * import { HTTPVersionNotSupported } from "@aio/pyramid";
 * console.assert(new HTTPVersionNotSupported().status === 505);
 * ```
 */
export class HTTPVersionNotSupported extends HTTPServerError {
  /** Creates the 505 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      505,
      "HTTP Version Not Supported",
      "The server does not support the HTTP version of the request.",
    );
  }
}

/**
 * 507 Insufficient Storage.
 *
 * @example Answering 507
 * ```ts
 * import { HTTPInsufficientStorage } from "@aio/pyramid";
 * console.assert(new HTTPInsufficientStorage().status === 507);
 * ```
 */
export class HTTPInsufficientStorage extends HTTPServerError {
  /** Creates the 507 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(
      this,
      507,
      "Insufficient Storage",
      "The server has not enough storage to complete the request.",
    );
  }
}
