/**
 * `serve()`: an app on `Deno.serve`, with graceful shutdown and an optional access log.
 *
 * @module
 */

import type { ServableApp } from "../settings/load.ts";

export type { ServableApp };

/**
 * Options for {@linkcode serve}.
 *
 * @example Serving on all interfaces with an access log
 * ```ts
 * import { serve, type ServeOptions } from "@aio/pyramid/serve";
 * const options: ServeOptions = { hostname: "0.0.0.0", port: 0, accessLog: true, gracePeriodMs: 2000 };
 * const server = serve({ fetch: () => new Response("ok"), close: async () => {} }, options);
 * await server.shutdown();
 * ```
 */
export interface ServeOptions {
  /** Interface to bind, default `127.0.0.1`. */
  hostname?: string;
  /** Port to bind, default `6543`; `0` picks a free one (see `addr.port`). */
  port?: number;
  /** Aborting it shuts the server down gracefully, as `shutdown()` does. */
  signal?: AbortSignal;
  /** Let other isolates or processes bind the same port (Linux load-balances between them). */
  reusePort?: boolean;
  /** Called once the socket is bound. Default: print nothing. */
  onListen?: (addr: Deno.NetAddr) => void;
  /** Print one `console.log` line per request. Default `false`. */
  accessLog?: boolean;
  /** How long shutdown waits for in-flight requests before closing the app anyway. Default 10 000. */
  gracePeriodMs?: number;
}

/**
 * A running server, as returned by {@linkcode serve}.
 *
 * @example Waiting for the server to stop
 * ```ts
 * import { serve } from "@aio/pyramid/serve";
 * const controller = new AbortController();
 * const server = serve({ fetch: () => new Response("ok"), close: async () => {} }, {
 *   port: 0,
 *   signal: controller.signal,
 * });
 * controller.abort();
 * await server.finished;
 * ```
 */
export interface RunningServer {
  /** The bound address (the real port when `port: 0` was asked). */
  readonly addr: Deno.NetAddr;
  /** `http://host:port`, for messages and tests. */
  readonly url: string;
  /** Settles once the server has stopped and `app.close()` has finished. */
  readonly finished: Promise<void>;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to the
   * grace period), then awaits `app.close()`. Calling it again returns the same promise.
   */
  shutdown(): Promise<void>;
}

/**
 * `http://host:port` for a bound address, bracketing IPv6 hosts.
 *
 * @example Printing where a server listens
 * ```ts
 * import { formatUrl } from "@aio/pyramid/serve";
 * console.assert(formatUrl({ transport: "tcp", hostname: "::1", port: 6543 }) === "http://[::1]:6543");
 * ```
 */
export function formatUrl(addr: Deno.NetAddr): string {
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return `http://${host}:${addr.port}`;
}

function accessLogged(app: ServableApp): Deno.ServeHandler<Deno.NetAddr> {
  return async function accessLogHandler(request, info) {
    const start = performance.now();
    // Read everything the line needs first: after a websocket upgrade the request is closed
    // and its getters throw.
    const remote = info.remoteAddr.hostname;
    const method = request.method;
    const url = new URL(request.url);
    let status = 500;
    let bytes = "-";
    try {
      const response = await app.fetch(request, info);
      status = response.status;
      bytes = response.headers.get("content-length") ?? "-";
      return response;
    } finally {
      const ms = (performance.now() - start).toFixed(1);
      console.log(`${remote} "${method} ${url.pathname}${url.search}" ${status} ${bytes} ${ms}ms`);
    }
  };
}

/**
 * Serves `app` with `Deno.serve` and returns the running server. Shutdown (by
 * `shutdown()` or `signal`) stops accepting connections, waits up to
 * `gracePeriodMs` for in-flight requests, then calls `app.close()`.
 *
 * With `accessLog: true` each request prints
 * `REMOTE "METHOD /path?query" STATUS BYTES DURATIONms` (bytes from
 * `Content-Length`, `-` when streamed; duration until the response headers).
 * Without it the app's `fetch` is the handler and nothing else runs per request.
 *
 * @example Serving an app and shutting it down
 * ```ts
 * import { serve } from "@aio/pyramid/serve";
 * const app = {
 *   fetch: () => new Response("hello"),
 *   close: () => Promise.resolve(),
 * };
 * const server = serve(app, { port: 0 });
 * const response = await fetch(server.url);
 * console.assert((await response.text()) === "hello");
 * await server.shutdown();
 * ```
 */
export function serve(app: ServableApp, options: ServeOptions = {}): RunningServer {
  const { signal, gracePeriodMs = 10_000 } = options;
  const handler: Deno.ServeHandler<Deno.NetAddr> = options.accessLog
    ? accessLogged(app)
    : function appHandler(request, info) {
      return app.fetch(request, info);
    };
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 6543,
    reusePort: options.reusePort,
    onListen: options.onListen ?? (() => {}),
    handler,
  });

  let stopping: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    stopping ??= (async () => {
      signal?.removeEventListener("abort", shutdown);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), gracePeriodMs);
      });
      try {
        const outcome = await Promise.race([server.shutdown(), graceOver]);
        // Requests still running after the grace period must not keep the process alive.
        if (outcome === "timeout") server.unref();
      } finally {
        clearTimeout(timer);
      }
      await app.close();
    })();
    stopping.then(finishedResolve, finishedReject);
    return stopping;
  }

  if (signal?.aborted) queueMicrotask(shutdown);
  else signal?.addEventListener("abort", shutdown, { once: true });

  let finishedResolve!: () => void;
  let finishedReject!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finishedResolve = resolve;
    finishedReject = reject;
  });
  // A failing app.close() surfaces through shutdown()/finished; it must not also crash
  // the process as an unhandled rejection when only one of them is awaited.
  finished.catch(() => {});
  // The server can also stop without us (e.g. the listener fails); close the app then too.
  server.finished.then(shutdown).catch(() => {});

  return { addr: server.addr, url: formatUrl(server.addr), finished, shutdown };
}
