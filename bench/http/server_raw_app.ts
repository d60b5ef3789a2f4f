/**
 * The raw `Deno.serve` app of the benchmark: hand-written matching over the same 50 routes, in
 * the same order (static routes compared as strings, the rest by a literal-prefix check then
 * an anchored regex). Served by `server_raw.ts` and `server_raw_async.ts`.
 *
 * @module
 */

import { fillerBody, helloBody, ROUTES, toRawPattern, userBody } from "./routes.ts";

type Handler = (params: Record<string, string>) => unknown;

const JSON_HEADERS = { "content-type": "application/json" };

const table = ROUTES.map((route) => {
  const compiled = toRawPattern(route.pattern);
  const handler: Handler = route.name === "hello"
    ? () => helloBody()
    : route.name === "user"
    ? (params) => userBody(params.id)
    : (params) => fillerBody(route.name, params);
  return { ...compiled, handler };
});

/** Answers one request synchronously, as a plain `Deno.serve` handler would. */
export function rawHandle(request: Request): Response {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("Method Not Allowed", { status: 405 });
  }
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const query = url.indexOf("?", start);
  const path = query < 0 ? url.slice(start) : url.slice(start, query);
  for (let i = 0; i < table.length; i++) {
    const route = table[i];
    if (route.regex === undefined) {
      if (path !== route.prefix) continue;
      return json(route.handler({}));
    }
    if (!path.startsWith(route.prefix)) continue;
    const m = route.regex.exec(path);
    if (m === null) continue;
    const params: Record<string, string> = {};
    for (let j = 0; j < route.names.length; j++) params[route.names[j]] = m[j + 1];
    return json(route.handler(params));
  }
  return new Response("Not Found", { status: 404 });
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: JSON_HEADERS });
}
