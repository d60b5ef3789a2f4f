/**
 * Streaming responses, the cogen way: a view returns an async iterable (an async generator,
 * say) or a `ReadableStream` of strings or bytes, and each chunk goes out as it is produced.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { WebReadableStream, WebResponse } from "../_web.ts";

/** A chunk a streamed body may be made of. */
export type StreamChunk = string | Uint8Array;

/** What a view may return to stream its response. */
export type Streamable = AsyncIterable<StreamChunk> | ReadableStream<StreamChunk>;

/** Something that knows how to answer as a response (an `EventStream`, say). */
export interface ToResponse {
  /** Builds the response; `request` tells it about the client (disconnects, headers). */
  toResponse(request?: StreamRequest): Response;
}

/** The parts of a request streaming reads: the Web request (its `signal`) and the response draft. */
export interface StreamRequest {
  /** Whether the view touched `request.response`. */
  readonly hasResponseDraft?: boolean;
  /** Status and headers the view set. */
  readonly response?: {
    applyTo(response: Response): Response;
    toResponse(body: BodyInit | null, defaultContentType?: string): Response;
  };
}

/** Options for {@linkcode streamingResponse}. */
export interface StreamingResponseOptions {
  /**
   * Ends the iterator when aborted. A client that goes away is noticed when the next chunk
   * cannot be written; pass `request.raw.signal` to notice it while the iterator is idle too
   * (Deno then warns once that the signal also aborts after successful responses).
   */
  signal?: AbortSignal;
  /** Content type unless the view set `request.response.contentType`. Default text/plain UTF-8. */
  contentType?: string;
  /** Extra headers. */
  headers?: HeadersInit;
}

const encoder = new TextEncoder();

/** Whether a view's value should be streamed: an async iterable or a `ReadableStream` (or an `EventStream`). */
export function isStreamable(value: unknown): value is Streamable | ToResponse {
  if (typeof value !== "object" || value === null) return false;
  if (value instanceof WebReadableStream) return true;
  if (value instanceof WebResponse || value instanceof Uint8Array) return false;
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] ===
    "function";
}

function encode(chunk: unknown): Uint8Array {
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(
    `A streamed response body may only yield strings or Uint8Arrays, not ${
      chunk === null ? "null" : typeof chunk
    }. Serialize values first (JSON.stringify(value) + "\\n"), or use EventStream for events.`,
  );
}

/**
 * A `ReadableStream` of bytes over an async iterable that pulls one chunk when the client is ready
 * for it (no read-ahead), and that ends the iterator — its `finally` runs — when the client goes
 * away (the server cancels the body) or `signal` aborts.
 *
 * @example Bytes from a generator
 * ```ts
 * import { iterableToStream } from "@aio/pyramid";
 * const stream = iterableToStream((async function* () { yield "a"; yield "b"; })());
 * console.assert(await new Response(stream).text() === "ab");
 * ```
 */
export function iterableToStream(
  iterable: AsyncIterable<unknown>,
  options: { signal?: AbortSignal } = {},
): ReadableStream<Uint8Array> {
  const iterator = iterable[Symbol.asyncIterator]();
  // The body is pulled after the view returned, from the server's stream machinery: step the
  // iterator in the view's async context, so code in it (spawnBlocking, the app's services)
  // still finds the request's app.
  const inContext = AsyncLocalStorage.snapshot();
  let done = false;
  const { signal } = options;
  const stop = () => {
    if (done) return;
    done = true;
    signal?.removeEventListener("abort", stop);
    // Not awaited: an async generator busy in an `await` only returns once that settles, and the
    // client is gone either way.
    iterator.return?.().catch(() => {});
  };
  signal?.addEventListener("abort", stop, { once: true });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const result = await inContext(() => iterator.next());
        if (done) return;
        if (result.done) {
          done = true;
          signal?.removeEventListener("abort", stop);
          controller.close();
        } else controller.enqueue(encode(result.value));
      } catch (error) {
        // Headers are gone already: the client sees a cut-off body, as with any failed stream.
        stop();
        controller.error(error);
      }
    },
    cancel: stop,
  }, { highWaterMark: 0 });
}

function toByteStream(
  stream: ReadableStream<StreamChunk>,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  // A ReadableStream is itself async iterable; going through the iterator keeps one code path
  // for encoding strings and for cancelling.
  return iterableToStream(stream as AsyncIterable<StreamChunk>, { signal });
}

/**
 * The response for a streamed value (what `rendered_view` does with one): chunks are sent as the
 * iterable yields them; status and headers the view set on `request.response` apply.
 *
 * @example Streaming a page as it is produced
 * ```ts
 * import { streamingResponse } from "@aio/pyramid";
 * async function* page() {
 *   yield "<ul>";
 *   for (const item of ["a", "b"]) yield `<li>${item}</li>`;
 *   yield "</ul>";
 * }
 * const response = streamingResponse(page(), undefined, { contentType: "text/html; charset=utf-8" });
 * console.assert(await response.text() === "<ul><li>a</li><li>b</li></ul>");
 * ```
 */
export function streamingResponse(
  value: Streamable | ToResponse,
  request?: StreamRequest,
  options: StreamingResponseOptions = {},
): Response {
  if (typeof (value as ToResponse).toResponse === "function") {
    const response = (value as ToResponse).toResponse(request);
    return request?.hasResponseDraft ? request.response!.applyTo(response) : response;
  }
  const signal = options.signal;
  const body = value instanceof ReadableStream
    ? toByteStream(value, signal)
    : iterableToStream(value as AsyncIterable<StreamChunk>, { signal });
  const contentType = options.contentType ?? "text/plain; charset=utf-8";
  const response = request?.hasResponseDraft
    ? request.response!.toResponse(body, contentType)
    : new Response(body, { headers: { "content-type": contentType } });
  for (const [name, value] of new Headers(options.headers)) response.headers.set(name, value);
  // Proxies such as nginx buffer responses unless told not to; a stream wants each chunk out.
  response.headers.set("x-accel-buffering", "no");
  return response;
}
