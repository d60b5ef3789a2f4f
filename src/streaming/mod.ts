/**
 * Streaming, the cogen way: a view returns an async iterable or a `ReadableStream` of strings or
 * bytes and the response goes out chunk by chunk (`streamingResponse`); `EventStream` sends
 * server-sent events from a generator, a pubsub channel or a signal; `boundedBodyStream` (behind
 * `request.stream()`) reads a large body as it arrives with `aio.max_body_bytes` enforced. A
 * client that goes away ends the iterator: its `finally` runs.
 *
 * @example A view streaming lines as they are computed
 * ```ts
 * import { Configurator } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("count", "/count");
 * config.addView(async function count() {
 *   return (async function* () {
 *     for (let i = 1; i <= 3; i++) yield `${i}\n`;
 *   })();
 * }, { routeName: "count" });
 * ```
 *
 * @module
 */

export { boundedBodyStream } from "./body_stream.ts";
export {
  EventStream,
  type EventStreamOptions,
  type FromChannelOptions,
  type FromSignalOptions,
  ServerSentEvent,
} from "./event_stream.ts";
export {
  isStreamable,
  iterableToStream,
  type Streamable,
  type StreamChunk,
  streamingResponse,
  type StreamingResponseOptions,
  type StreamRequest,
  type ToResponse,
} from "./response.ts";
export { STREAM_BODY_DERIVER, streamBodyDeriver, streamingExtension } from "./extension.ts";
