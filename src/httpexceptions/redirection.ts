/**
 * The 3xx redirections, one class per status, as in Pyramid's `pyramid.httpexceptions`.
 *
 * @module
 */

import {
  type HTTPExceptionOptions,
  HTTPRedirection,
  type HTTPRedirectOptions,
  setStatus,
} from "./base.ts";

/**
 * 300 Multiple Choices.
 *
 * @example Answering 300
 * ```ts
 * import { HTTPMultipleChoices } from "@aio/pyramid";
 * console.assert(new HTTPMultipleChoices({ location: "/elsewhere" }).status === 300);
 * ```
 */
export class HTTPMultipleChoices extends HTTPRedirection {
  /** Creates the 300 response. */
  constructor(options: HTTPRedirectOptions) {
    super(options);
    setStatus(
      this,
      300,
      "Multiple Choices",
      "The resource has several representations; choose one.",
    );
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
    setStatus(this, 301, "Moved Permanently", "The resource has moved permanently.");
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
    setStatus(this, 302, "Found", "The resource was found at another address.");
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
    setStatus(
      this,
      303,
      "See Other",
      "The response to the request can be found at another address.",
    );
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
export class HTTPNotModified extends HTTPRedirection {
  /** Creates the 304 response. */
  constructor(options?: HTTPExceptionOptions) {
    super(options);
    setStatus(this, 304, "Not Modified", "");
  }
}

/**
 * 305 Use Proxy.
 *
 * @example Answering 305
 * ```ts
 * import { HTTPUseProxy } from "@aio/pyramid";
 * console.assert(new HTTPUseProxy({ location: "/elsewhere" }).status === 305);
 * ```
 */
export class HTTPUseProxy extends HTTPRedirection {
  /** Creates the 305 response. */
  constructor(options: HTTPRedirectOptions) {
    super(options);
    setStatus(
      this,
      305,
      "Use Proxy",
      "The resource must be accessed through the proxy given in Location.",
    );
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
    setStatus(this, 307, "Temporary Redirect", "The resource has moved temporarily.");
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
    setStatus(this, 308, "Permanent Redirect", "The resource has moved permanently.");
  }
}
