/**
 * The two ways a CSRF check fails; both are 400 Bad Request, as in Pyramid.
 *
 * @module
 */

import { HTTPBadRequest, type HTTPExceptionOptions } from "../httpexceptions.ts";

/**
 * The request's CSRF token is missing or wrong (400).
 *
 * @example Raising it from a view that checks by hand
 * ```ts
 * import { BadCSRFToken } from "@aio/pyramid";
 * const error = new BadCSRFToken();
 * console.assert(error.status === 400);
 * ```
 */
export class BadCSRFToken extends HTTPBadRequest {
  /** Creates the 400, explaining what the client should send. */
  constructor(options: HTTPExceptionOptions = {}) {
    super({
      detail: "check_csrf_token(): Invalid token. Send the token from getCsrfToken(request) " +
        "in the form field or header the app expects (default csrf_token / X-CSRF-Token).",
      ...options,
    });
  }
}

/**
 * The request came from an origin the app does not trust (400).
 *
 * @example Raising it
 * ```ts
 * import { BadCSRFOrigin } from "@aio/pyramid";
 * const error = new BadCSRFOrigin({ detail: "Origin checking failed - https://evil.example does not match any trusted origins." });
 * console.assert(error.status === 400);
 * ```
 */
export class BadCSRFOrigin extends HTTPBadRequest {
  /** Creates the 400. */
  constructor(options: HTTPExceptionOptions = {}) {
    super({ detail: "Origin checking failed.", ...options });
  }
}
