// DummyRequest: a real PyramidRequest built from plain options, body already read.
import { PyramidRequest } from "../request/request.ts";
import { Registry } from "../config/registry.ts";
import { readSettings } from "../config/settings.ts";
import { addBuiltinRenderers } from "../config/rendering.ts";

/** Options for {@linkcode DummyRequest}. */
export interface DummyRequestOptions {
  /** Query parameters (GET for GET/HEAD, form body otherwise). */
  params?: Record<string, string | string[]>;
  /** Route placeholder values. */
  matchdict?: Record<string, string>;
  /** HTTP method (default GET). */
  method?: string;
  /** Path (default `/`). */
  path?: string;
  /** Headers. */
  headers?: HeadersInit;
  /** Raw body. */
  body?: string | Uint8Array<ArrayBuffer>;
  /** A JSON body (sets content-type). */
  json?: unknown;
  /** Cookies. */
  cookies?: Record<string, string>;
  /** Settings visible as `request.settings`. */
  settings?: Record<string, unknown>;
  /** The context resource. */
  context?: unknown;
  /** A registry to use (for routeUrl and friends); a fresh one otherwise. */
  registry?: Registry;
}

const encoder = new TextEncoder();

function queryFrom(params: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) search.append(k, item);
  }
  return search.toString();
}

/**
 * A request for unit tests: pass what the view reads, call the view.
 *
 * @example Testing a view that reads `params`
 * ```ts
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const request = new DummyRequest({ params: { name: "deno" } });
 * console.assert(request.params.get("name") === "deno");
 * ```
 */
export class DummyRequest extends PyramidRequest {
  /** Builds the request; the body counts as already read. */
  constructor(options: DummyRequestOptions = {}) {
    const method = (options.method ?? "GET").toUpperCase();
    const headers = new Headers(options.headers);
    let path = options.path ?? "/";
    let body = new Uint8Array(0) as Uint8Array<ArrayBuffer>;
    if (options.params) {
      const query = queryFrom(options.params);
      if (method === "GET" || method === "HEAD") {
        path += (path.includes("?") ? "&" : "?") + query;
      } else {
        body = encoder.encode(query);
        if (!headers.has("content-type")) {
          headers.set("content-type", "application/x-www-form-urlencoded");
        }
      }
    }
    if (options.json !== undefined) {
      body = encoder.encode(JSON.stringify(options.json));
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    } else if (options.body !== undefined) {
      body = typeof options.body === "string"
        ? encoder.encode(options.body)
        : options.body as Uint8Array<ArrayBuffer>;
    }
    if (options.cookies) {
      headers.set(
        "cookie",
        Object.entries(options.cookies).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; "),
      );
    }
    if (!headers.has("host")) headers.set("host", "example.com");
    const registry = options.registry ?? (() => {
      const { settings, aio } = readSettings(options.settings);
      const registry = new Registry(settings, aio);
      addBuiltinRenderers(registry);
      return registry;
    })();
    super(new Request(new URL(path, "http://example.com"), { method, headers }), registry);
    this.setBody(body);
    if (options.matchdict) this.matchdict = { ...options.matchdict };
    if (options.context !== undefined) this.context = options.context;
  }
}
