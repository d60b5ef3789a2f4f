/**
 * The built-in view derivers. Each is small and reads its own view option; the ones whose
 * policy comes from elsewhere (CSRF) refuse clearly until that policy exists. `secured_view`
 * lives with the rest of security, in `src/security/secured_view.ts`.
 *
 * @module
 */
import { isStreamable, streamingResponse } from "../streaming/response.ts";
import { ConfigurationError } from "../errors.ts";
import { HTTPException } from "../httpexceptions.ts";
import { WebResponse } from "../_web.ts";
import type { PyramidRequest } from "../request/request.ts";
import { type Renderer, toRenderedResponse } from "../rendering/renderer.ts";
import type { DerivedView, ViewDeriver, ViewDeriverInfo } from "./derivers.ts";
import type { MappedView } from "./mapper.ts";
import { type CsrfDerivedView, csrfView as checkingCsrfView } from "../csrf/mod.ts";

/**
 * `csrf_view`: unsafe requests to views that require CSRF checks must carry the token (and
 * on https come from a trusted origin); see `src/csrf/deriver.ts`.
 */
export const csrfView: ViewDeriver = function csrfView(view, info) {
  return checkingCsrfView(view as unknown as CsrfDerivedView, info) as unknown as DerivedView;
};

/** `owrapped_view`: Pyramid's wrapper views; kept as an ordering anchor. */
export const owrappedView: ViewDeriver = function owrappedView(view) {
  return view;
};

/** Cache-Control directives `httpCache: [seconds, { ... }]` may set. */
export interface CacheControlOptions {
  /** `public`. */
  public?: boolean;
  /** `private`. */
  private?: boolean;
  /** `no-store`. */
  noStore?: boolean;
  /** `no-cache`. */
  noCache?: boolean;
  /** `no-transform`. */
  noTransform?: boolean;
  /** `must-revalidate`. */
  mustRevalidate?: boolean;
  /** `proxy-revalidate`. */
  proxyRevalidate?: boolean;
  /** `s-maxage=N`. */
  sMaxage?: number;
  /** `immutable`. */
  immutable?: boolean;
}

const DIRECTIVES: [keyof CacheControlOptions, string][] = [
  ["public", "public"],
  ["private", "private"],
  ["noStore", "no-store"],
  ["noCache", "no-cache"],
  ["noTransform", "no-transform"],
  ["mustRevalidate", "must-revalidate"],
  ["proxyRevalidate", "proxy-revalidate"],
  ["immutable", "immutable"],
];

function parseHttpCache(value: unknown, info: ViewDeriverInfo) {
  const fail = () =>
    new ConfigurationError(
      `The httpCache option of view ${info.name} (at ${info.where}) must be a number of ` +
        `seconds, 0, or [seconds, { public?, private?, noStore?, ... }], not ${
          JSON.stringify(value)
        }.`,
    );
  let seconds: unknown = value;
  let extra: CacheControlOptions = {};
  if (Array.isArray(value)) {
    if (value.length !== 2 || typeof value[1] !== "object" || value[1] === null) throw fail();
    [seconds, extra] = value as [unknown, CacheControlOptions];
    for (const key of Object.keys(extra)) {
      if (key !== "sMaxage" && !DIRECTIVES.some(([name]) => name === key)) {
        throw new ConfigurationError(
          `The httpCache option of view ${info.name} (at ${info.where}) has an unknown ` +
            `directive '${key}'. Known: ${DIRECTIVES.map(([n]) => n).join(", ")}, sMaxage.`,
        );
      }
    }
  }
  if (seconds !== null && (typeof seconds !== "number" || !(seconds >= 0))) throw fail();
  return { seconds: seconds as number | null, extra };
}

// Webob's cache_expires: 0 expires at once (and forbids storing); N caches for N seconds.
function cacheHeaders(seconds: number | null, extra: CacheControlOptions): [string, string][] {
  const directives: string[] = [];
  const headers: [string, string][] = [];
  const now = Date.now();
  if (seconds === 0) {
    directives.push("max-age=0", "must-revalidate", "no-cache", "no-store");
    headers.push(["expires", new Date(now).toUTCString()], ["pragma", "no-cache"]);
  } else if (seconds !== null) {
    directives.push(`max-age=${Math.floor(seconds)}`);
    headers.push(["expires", new Date(now + Math.floor(seconds) * 1000).toUTCString()]);
  }
  for (const [key, name] of DIRECTIVES) {
    if (extra[key] && !directives.includes(name)) directives.push(name);
  }
  if (extra.sMaxage !== undefined) directives.push(`s-maxage=${extra.sMaxage}`);
  if (directives.length) headers.push(["cache-control", directives.join(", ")]);
  return headers;
}

/**
 * `http_cached_view`: `httpCache: 3600`, `[3600, { public: true }]` or `0` sets
 * `Cache-Control` and `Expires` on the view's responses (unless the view set its own).
 */
export const httpCachedView: ViewDeriver = function httpCachedView(view, info) {
  const option = info.options.httpCache;
  if (option === undefined) return view;
  const { seconds, extra } = parseHttpCache(option, info);
  return async function httpCachedView(context, request) {
    const response = await view(context, request);
    if (response.status === 101 || response.headers.has("cache-control")) return response;
    const headers = cacheHeaders(seconds, extra);
    try {
      for (const [name, value] of headers) response.headers.set(name, value);
      if (seconds === 0 && !response.headers.has("last-modified")) {
        response.headers.set("last-modified", new Date().toUTCString());
      }
      return response;
    } catch {
      const copy = new Headers(response.headers);
      for (const [name, value] of headers) copy.set(name, value);
      return new Response(response.body, { status: response.status, headers: copy });
    }
  };
};

/**
 * `decorated_view`: `decorator: fn` or `[outer, inner]` wraps the view like Python
 * decorators stacked in that order (the first is the outermost).
 */
export const decoratedView: ViewDeriver = function decoratedView(view, info) {
  const option = info.options.decorator;
  if (option === undefined) return view;
  const list = Array.isArray(option) ? option : [option];
  let wrapped = view;
  for (let i = list.length - 1; i >= 0; i--) {
    const decorator = list[i];
    if (typeof decorator !== "function") {
      throw new ConfigurationError(
        `The decorator option of view ${info.name} (at ${info.where}) must be a function ` +
          "(view) => view or an array of them.",
      );
    }
    const result = decorator(wrapped);
    if (typeof result !== "function") {
      throw new ConfigurationError(
        `The decorator ${decorator.name || "(anonymous)"} of view ${info.name} (at ` +
          `${info.where}) returned ${typeof result}; a decorator must return a view ` +
          "(context, request) => Response.",
      );
    }
    wrapped = result as DerivedView;
  }
  return wrapped;
};

/** Turns the value a mapped view resolved to into the view's `Response`. */
export type RenderValue = (
  value: unknown,
  context: unknown,
  request: PyramidRequest,
) => Response | Promise<Response>;

/**
 * What `rendered_view` does once the view's value is there: a `Response` or HTTP exception
 * passes (with `request.response` applied), a stream is streamed, anything else goes through
 * the view's renderer. The router calls it directly for views no other deriver changed.
 */
export function renderValue(
  renderer: Renderer | undefined,
  rendererName: string | undefined,
  info: ViewDeriverInfo,
): RenderValue {
  const label = info.name;
  const where = info.where;
  return function render(value, context, request) {
    if (value instanceof WebResponse) {
      // A 101 upgrade response must be returned untouched.
      return request.hasResponseDraft && value.status !== 101
        ? request.response.applyTo(value)
        : value;
    }
    if (value instanceof HTTPException) {
      const response = value.toResponse({
        accept: request.header("accept"),
        method: request.method,
      });
      return request.hasResponseDraft ? request.response.applyTo(response) : response;
    }
    // An async iterable or a ReadableStream is sent as it is produced (cogen's streaming).
    if (isStreamable(value)) return streamingResponse(value, request);
    if (renderer === undefined) {
      throw new TypeError(
        `The view ${label} returned ${
          value === null ? "null" : typeof value
        } but has no renderer. Return a Response, or register the view with a renderer such as { renderer: "json" } (registered at ${where}).`,
      );
    }
    const body = renderer.render(value, { request, context, rendererName: rendererName! });
    if (body instanceof Promise) {
      return body.then((b) => toRenderedResponse(b, renderer.contentType, request));
    }
    return toRenderedResponse(body, renderer.contentType, request);
  };
}

/** `rendered_view`: turns what the mapped view returned into a `Response` with `render`. */
export function renderedView(render: RenderValue): ViewDeriver {
  return function renderedView(view: DerivedView): DerivedView {
    return async function renderView(context: unknown, request: PyramidRequest) {
      return await render(await view(context, request), context, request);
    };
  };
}

/** `mapped_view`: the mapper's result (a function that calls the view its own way). */
export function mappedView(mapped: MappedView) {
  return function mappedView(): DerivedView {
    return mapped as unknown as DerivedView;
  };
}
