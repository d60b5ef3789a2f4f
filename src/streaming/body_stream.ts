/**
 * Reading a request body chunk by chunk (cogen's `environ['cogen.input']`), with
 * `aio.max_body_bytes` enforced as the bytes arrive: the chunk that crosses the limit is a 413.
 *
 * @module
 */

import { HTTPBadRequest, HTTPRequestEntityTooLarge } from "../httpexceptions.ts";

function tooLarge(maxBytes: number): HTTPRequestEntityTooLarge {
  return new HTTPRequestEntityTooLarge({
    detail: `The body is larger than ${maxBytes} bytes (aio.max_body_bytes). ` +
      "Send less, or raise aio.max_body_bytes.",
    // The rest of the body is not read: the connection cannot be reused.
    headers: { connection: "close" },
  });
}

/**
 * The body of `raw` as it arrives, never more than `maxBytes` in total: a declared
 * Content-Length over the limit is refused before reading, a streamed (chunked) body when the
 * chunk that crosses it arrives — the chunks before it have been yielded already. Leaving the
 * loop early cancels the rest of the body.
 *
 * @example Counting a large upload without holding it
 * ```ts
 * import { boundedBodyStream } from "@aio/pyramid";
 * const request = new Request("http://x/", { method: "POST", body: "x".repeat(1000) });
 * let total = 0;
 * for await (const chunk of boundedBodyStream(request, 4096)) total += chunk.byteLength;
 * console.assert(total === 1000);
 * ```
 */
export async function* boundedBodyStream(
  raw: Request,
  maxBytes: number,
): AsyncGenerator<Uint8Array<ArrayBuffer>, void, undefined> {
  const declared = raw.headers.get("content-length");
  if (declared !== null) {
    const size = Number(declared);
    if (!/^\d+$/.test(declared.trim()) || !Number.isSafeInteger(size)) {
      throw new HTTPBadRequest({ detail: `Invalid Content-Length header: '${declared}'.` });
    }
    if (size > maxBytes) throw tooLarge(maxBytes);
  }
  if (raw.body === null) return;
  if (raw.bodyUsed) {
    throw new Error(
      "The request body was already read. Read it once: either request.stream() or the " +
        "buffered request.body/json/text.",
    );
  }
  const reader = raw.body.getReader();
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
      try {
        result = await reader.read();
      } catch (error) {
        throw new HTTPBadRequest({ detail: "The request body could not be read.", cause: error });
      }
      if (result.done) {
        finished = true;
        return;
      }
      total += result.value.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes);
      yield result.value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
