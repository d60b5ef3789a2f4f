/**
 * The 2xx successful responses, one class per status, as in Pyramid's `pyramid.httpexceptions`.
 *
 * @module
 */

import { type HTTPExceptionOptions, HTTPSuccessful, setStatus } from "./base.ts";

/**
 * 200 OK.
 *
 * @example Answering 200
 * ```ts
 * import { HTTPOk } from "@aio/pyramid";
 * console.assert(new HTTPOk().status === 200);
 * ```
 */
export class HTTPOk extends HTTPSuccessful {
  /** Creates the 200 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 200, "OK", "");
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
export class HTTPCreated extends HTTPSuccessful {
  /** Creates the 201 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 201, "Created", "");
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
export class HTTPAccepted extends HTTPSuccessful {
  /** Creates the 202 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 202, "Accepted", "The request is accepted for processing.");
  }
}

/**
 * 203 Non-Authoritative Information.
 *
 * @example Answering 203
 * ```ts
 * import { HTTPNonAuthoritativeInformation } from "@aio/pyramid";
 * console.assert(new HTTPNonAuthoritativeInformation().status === 203);
 * ```
 */
export class HTTPNonAuthoritativeInformation extends HTTPSuccessful {
  /** Creates the 203 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 203, "Non-Authoritative Information", "");
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
export class HTTPNoContent extends HTTPSuccessful {
  /** Creates the 204 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 204, "No Content", "");
  }
}

/**
 * 205 Reset Content.
 *
 * @example Answering 205
 * ```ts
 * import { HTTPResetContent } from "@aio/pyramid";
 * console.assert(new HTTPResetContent().status === 205);
 * ```
 */
export class HTTPResetContent extends HTTPSuccessful {
  /** Creates the 205 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 205, "Reset Content", "");
  }
}

/**
 * 206 Partial Content.
 *
 * @example Answering 206
 * ```ts
 * import { HTTPPartialContent } from "@aio/pyramid";
 * console.assert(new HTTPPartialContent().status === 206);
 * ```
 */
export class HTTPPartialContent extends HTTPSuccessful {
  /** Creates the 206 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 206, "Partial Content", "");
  }
}
