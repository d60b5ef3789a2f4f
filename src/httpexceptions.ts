/**
 * HTTP exceptions: thrown or returned from a view (or a tween), they become responses. The
 * classes and their hierarchy are Pyramid's (`pyramid.httpexceptions`): {@linkcode HTTPSuccessful},
 * {@linkcode HTTPRedirection} (`HTTPNotModified` included), {@linkcode HTTPError} with
 * {@linkcode HTTPClientError} and {@linkcode HTTPServerError}, one class per status below them,
 * and {@linkcode exceptionResponse} to make one from a status code.
 *
 * @example Catching every 4xx with one exception view
 * ```ts
 * import { Configurator, HTTPClientError, HTTPNotFound } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addExceptionView(async () => new Response("client error", { status: 400 }), {
 *   context: HTTPClientError,
 * });
 * console.assert(new HTTPNotFound() instanceof HTTPClientError);
 * ```
 *
 * @module
 */

export {
  HTTPClientError,
  HTTPError,
  HTTPException,
  type HTTPExceptionOptions,
  HTTPRedirection,
  type HTTPRedirectOptions,
  HTTPServerError,
  HTTPSuccessful,
} from "./httpexceptions/base.ts";
export * from "./httpexceptions/successful.ts";
export * from "./httpexceptions/redirection.ts";
export * from "./httpexceptions/client_error.ts";
export * from "./httpexceptions/server_error.ts";
export {
  exceptionResponse,
  type HTTPExceptionClass,
  statusMap,
} from "./httpexceptions/status_map.ts";
