// A real Deno.serve server on a free port for streaming tests, plus a raw-socket client.
import { HTTPException } from "@aio/pyramid";

export interface TestServer {
  url: string;
  port: number;
}

/** Serves `handler` (HTTP exceptions become their responses) while `body` runs. */
export async function withServer(
  handler: (request: Request) => Response | Promise<Response>,
  body: (server: TestServer) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      if (error instanceof HTTPException) return error.toResponse();
      throw error;
    }
  });
  try {
    await body({ url: `http://127.0.0.1:${server.addr.port}`, port: server.addr.port });
  } finally {
    await server.shutdown();
  }
}

/** Resolves when `promise` does, or rejects after `ms` naming `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const decoder = new TextDecoder();

/**
 * Reads from a TCP connection until `text` has appeared `times` times in what arrived (or the
 * peer closes). The response is chunked, so look for text within one chunk.
 */
export async function readUntil(conn: Deno.Conn, text: string, times = 1): Promise<string> {
  let seen = "";
  const buffer = new Uint8Array(16384);
  while (seen.split(text).length - 1 < times && seen.length < 1 << 20) {
    const n = await conn.read(buffer);
    if (n === null) break;
    seen += decoder.decode(buffer.subarray(0, n), { stream: true });
  }
  return seen;
}
