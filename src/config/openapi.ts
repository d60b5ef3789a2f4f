/**
 * `config.addOpenApi({ path, info })`: a route serving the app's OpenAPI 3.1 document, built
 * from the registry (routes, view methods, `schema` options) on first request.
 *
 * @module
 */

import type { PyramidRequest } from "../request/request.ts";
import type { Registry } from "./registry.ts";
import { type OpenApiDocument, openApiDocument, type OpenApiInfo } from "../validation/openapi.ts";
import type { RequestSchema } from "../validation/request_schema.ts";

/** Options for `config.addOpenApi`. */
export interface AddOpenApiOptions {
  /** Where the document is served. Default `/openapi.json`. */
  path?: string;
  /** The Info Object: `title` and `version` are required. */
  info: OpenApiInfo;
  /** Server Objects (`[{ url: "https://api.example.com" }]`). */
  servers?: { url: string; description?: string }[];
  /** The route's name. Default `openapi`. */
  routeName?: string;
}

/** The document for what `registry` holds now (the document's own route left out). */
export function registryOpenApi(
  registry: Registry,
  options: AddOpenApiOptions,
): OpenApiDocument {
  const routeName = options.routeName ?? "openapi";
  return openApiDocument({
    routes: registry.routes.filter((r) => !r.static).map((r) => ({
      name: r.name,
      pattern: r.compiled.pattern,
    })),
    views: registry.views.filter((v) => !v.exception).map((v) => {
      const methods = v.predicates.find((p) => p.kind === "requestMethod") as
        | { methods?: string[] }
        | undefined;
      return {
        routeName: v.routeName,
        methods: methods?.methods,
        schema: v.options.schema as RequestSchema | undefined,
        summary: v.label,
      };
    }),
  }, { info: options.info, servers: options.servers, exclude: [routeName] });
}

/**
 * The view serving the document: built once, on the first request (every route is known by
 * then), and sent as `application/json`.
 */
export function openApiView(
  options: AddOpenApiOptions,
): (request: PyramidRequest) => Promise<Response> {
  let body: string | undefined;
  return async function openApi(request: PyramidRequest): Promise<Response> {
    body ??= JSON.stringify(registryOpenApi(request.registry, options));
    return new Response(body, { headers: { "content-type": "application/json" } });
  };
}
