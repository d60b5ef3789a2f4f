/**
 * A byte stream over part of an open file that always closes the file. Used only by
 * `serve_static_file.ts`.
 *
 * @module
 */

const CHUNK = 64 * 1024;

/**
 * Streams `length` bytes of `file` from its current position, then closes it. The file is
 * closed exactly once whichever way the stream ends: read to the end, a read error, or the
 * consumer cancelling (Deno cancels a response body when the client disconnects). The caller
 * seeks before: an operation still pending when the stream is cancelled keeps the descriptor
 * open until it settles.
 *
 * `FsFile.readable` is not used because it always reads to the end of the file, so it cannot
 * serve a range, and a `Range` body must stop at its last byte.
 */
export function fileStream(
  file: Deno.FsFile,
  length: number,
): ReadableStream<Uint8Array> {
  let remaining = length;
  let closed = false;
  function release(): void {
    if (closed) return;
    closed = true;
    file.close();
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (remaining <= 0) {
          release();
          controller.close();
          return;
        }
        const buffer = new Uint8Array(Math.min(CHUNK, remaining));
        const read = await file.read(buffer);
        if (read === null) {
          // The file shrank under us: end the body; the client sees a short response.
          release();
          controller.close();
          return;
        }
        remaining -= read;
        controller.enqueue(buffer.subarray(0, read));
        if (remaining <= 0) {
          release();
          controller.close();
        }
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    cancel() {
      release();
    },
  }, { highWaterMark: 0 });
}
