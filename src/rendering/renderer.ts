/**
 * Renderers turn what a view returns into a response body: `json`, `string`, and
 * templates picked by file extension (`.jinja2`, `.j2`, `.njk`, `.html` through nunjucks).
 *
 * @module
 */

import type { PyramidRequest } from "../request/request.ts";
import { WebResponse } from "../_web.ts";

/** What renderers read from the application registry (kept structural: rendering does not depend on config). */
export interface RenderSettings {
  /** The application settings. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The framework's parsed settings (`aio.reload_templates` as `reloadTemplates`). */
  readonly aio: { readonly reloadTemplates: boolean };
}

/** What a renderer factory learns about the renderer it makes. */
export interface RendererInfo {
  /** The renderer name as the view gave it (`"json"`, `"templates/home.jinja2"`). */
  name: string;
  /** Module URL relative template paths resolve against. */
  baseUrl: string;
  /** The application registry (its settings). */
  registry: RenderSettings;
}

/** What a renderer receives beside the view's value. */
export interface RenderSystem {
  /** The request. */
  request: PyramidRequest;
  /** The context resource. */
  context: unknown;
  /** The renderer name. */
  rendererName: string;
}

/**
 * A renderer: its default content type and a `render` that returns the body (or a whole
 * Response). Status, headers and cookies from `request.response` are applied around it.
 *
 * @example A CSV renderer
 * ```ts
 * import type { RendererFactory } from "@aio/pyramid";
 * const csv: RendererFactory = () => ({
 *   contentType: "text/csv; charset=utf-8",
 *   render: (rows) => (rows as string[][]).map((row) => row.join(",")).join("\n"),
 * });
 * console.assert(typeof csv === "function");
 * ```
 */
export interface Renderer {
  /** Content type used unless the view set `request.response.contentType`. */
  contentType: string;
  /** Turns the view's value into a body. */
  render(value: unknown, system: RenderSystem): RenderedBody | Promise<RenderedBody>;
}

/** A rendered body, or a complete response. */
export type RenderedBody = string | Uint8Array<ArrayBuffer> | Response;

/** Makes a renderer for a name; called once per view at `makeApp()`. */
export type RendererFactory = (info: RendererInfo) => Renderer | Promise<Renderer>;

/** The `json` renderer: `JSON.stringify` of the value. */
export function jsonRendererFactory(): Renderer {
  return {
    contentType: "application/json",
    render: (value) => JSON.stringify(value ?? null),
  };
}

/** The `string` renderer: `String(value)` as plain text. */
export function stringRendererFactory(): Renderer {
  return {
    contentType: "text/plain; charset=utf-8",
    render: (value) => String(value ?? ""),
  };
}

/** Builds the response for a rendered body, honouring `request.response`. */
export function toRenderedResponse(
  body: RenderedBody,
  contentType: string,
  request: PyramidRequest,
): Response {
  if (body instanceof WebResponse) {
    return request.hasResponseDraft ? request.response.applyTo(body) : body;
  }
  if (!request.hasResponseDraft) {
    return new WebResponse(body, { headers: { "content-type": contentType } });
  }
  return request.response.toResponse(body, contentType);
}
