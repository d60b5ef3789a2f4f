/**
 * Serving an app: `serve(app, options)` runs any object with `fetch()` and
 * `close()` (such as the `App` from `config.makeApp()`) on `Deno.serve`, with
 * graceful shutdown and an optional access log. The `deno task serve` command
 * lives in `cli.ts`.
 *
 * @example Serving on a free port
 * ```ts
 * import { serve } from "@aio/pyramid/serve";
 * const server = serve({ fetch: () => new Response("ok"), close: async () => {} }, { port: 0 });
 * console.log(`listening on ${server.url}`);
 * await server.shutdown();
 * ```
 *
 * @module
 */

export { formatUrl, type RunningServer, serve, type ServeOptions } from "./serve.ts";
export type { ServableApp } from "../settings/load.ts";
