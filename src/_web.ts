/**
 * The Fetch and Streams classes the request path touches on every request, bound once.
 *
 * Deno puts `Response`, `Request`, `Headers` and `ReadableStream` on `globalThis` as lazy
 * accessors, so each `x instanceof Response` or `new Response()` written against the global
 * calls a getter, ≈ 35 ns more than the same operation on a bound class (Deno 2.9.6,
 * `deno run bench/http/web_globals.ts`). A plain JSON view used to make six such accesses a
 * request. Code off the hot path keeps using the globals.
 *
 * @module
 */

/** `globalThis.Response`, bound when the framework loads. */
export const WebResponse: typeof Response = globalThis.Response;

/** `globalThis.ReadableStream`, bound when the framework loads. */
export const WebReadableStream: typeof ReadableStream = globalThis.ReadableStream;
