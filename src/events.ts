/**
 * Events sent to subscribers added with `config.addSubscriber(fn, EventClass)`.
 *
 * @module
 */

import type { PyramidRequest } from "./request/request.ts";

/**
 * Sent once when `makeApp()` has built the application.
 *
 * @example Logging start-up
 * ```ts
 * import { ApplicationCreated, Configurator } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addSubscriber((event: ApplicationCreated) => console.log("ready", typeof event.app), ApplicationCreated);
 * ```
 */
export class ApplicationCreated {
  /** The application. */
  readonly app: unknown;
  /** Creates the event. */
  constructor(app: unknown) {
    this.app = app;
  }
}

/**
 * Sent for each request before routing.
 *
 * @example Counting requests
 * ```ts
 * import { Configurator, NewRequest } from "@aio/pyramid";
 * let count = 0;
 * const config = new Configurator();
 * config.addSubscriber((_event: NewRequest) => void count++, NewRequest);
 * ```
 */
export class NewRequest {
  /** The request. */
  readonly request: PyramidRequest;
  /** Creates the event. */
  constructor(request: PyramidRequest) {
    this.request = request;
  }
}

/**
 * Sent for each response the router or an exception view produced (404s and 500s too),
 * before it goes back up the tweens above `excview`. Subscribers may change `response`
 * (its headers are always mutable here) or replace it.
 *
 * @example Adding a header to every response
 * ```ts
 * import { Configurator, NewResponse } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addSubscriber((event: NewResponse) => {
 *   event.response.headers.set("x-frame-options", "DENY");
 * }, NewResponse);
 * ```
 */
export class NewResponse {
  /** The request. */
  readonly request: PyramidRequest;
  /** The response; subscribers may replace it. */
  response: Response;
  /** Creates the event. */
  constructor(request: PyramidRequest, response: Response) {
    this.request = request;
    this.response = response;
  }
}
