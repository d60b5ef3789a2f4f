/**
 * Reading a request body once, bounded, without buffering what goes over the limit.
 *
 * @module
 */

import { HTTPBadRequest, HTTPRequestEntityTooLarge } from "../httpexceptions.ts";
import { readHeader } from "./_native_header.ts";

const EMPTY = new Uint8Array(0) as Uint8Array<ArrayBuffer>;

/** Whether a request carries a body worth reading, judged from its headers alone. */
export function hasBody(request: Request): boolean {
  if (request.body === null) return false;
  const length = readHeader(request, "content-length");
  if (length !== null) return length !== "0";
  return readHeader(request, "transfer-encoding") !== null || request.method !== "GET" &&
      request.method !== "HEAD";
}

/**
 * Reads the whole body, refusing (413) as soon as it passes `maxBytes`: a declared
 * Content-Length over the limit is refused before reading anything, and a streamed body
 * is cancelled at the first chunk that crosses it.
 */
export async function readBoundedBody(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!hasBody(request)) return EMPTY;
  const declared = readHeader(request, "content-length");
  if (declared !== null) {
    const size = Number(declared);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new HTTPBadRequest({ detail: `Invalid Content-Length header: '${declared}'.` });
    }
    if (size > maxBytes) throw tooLarge(maxBytes);
  }
  const reader = request.body!.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HTTPRequestEntityTooLarge) throw error;
    throw new HTTPBadRequest({ detail: "The request body could not be read.", cause: error });
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(maxBytes: number): HTTPRequestEntityTooLarge {
  return new HTTPRequestEntityTooLarge({
    detail: `The body is larger than ${maxBytes} bytes (aio.max_body_bytes).`,
    headers: { connection: "close" },
  });
}
