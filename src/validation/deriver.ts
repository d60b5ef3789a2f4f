/**
 * The `schema` view deriver: validates a request against its view's `schema` option before the
 * view runs, and hands the view what passed as `request.validated`.
 *
 * @module
 */

import type { PyramidRequest } from "../request/request.ts";
import type { Registry } from "../config/registry.ts";
import { jsonSchemaCompiler } from "./_json_schema.ts";
import { compileRequestSchema, type RequestSchema } from "./request_schema.ts";

/** A view as derivers see it (Pyramid's shape): `(context, request)` → Response. */
export type SchemaDerivedView = (
  context: unknown,
  request: PyramidRequest,
) => Response | Promise<Response>;

/** What the schema deriver reads of the deriver info. */
export interface SchemaDeriverInfo {
  /** The view's options (`addView`/`viewConfig`). */
  options: Record<string, unknown>;
  /** The application registry. */
  registry: Registry;
  /** The view's label, for error messages. */
  name?: string;
}

/**
 * The `schema` deriver (Pyramid's view deriver shape, `options = ["schema"]`). Views without the
 * option are returned unchanged, so it costs nothing where unused. With it, the schema is compiled
 * once (here, at `makeApp()`); each request is validated on the main isolate before the view —
 * async or blocking — runs; a failure raises {@linkcode ValidationFailed} (a 422 problem).
 *
 * @example Calling the deriver directly in a unit test
 * ```ts
 * import { prepareJsonSchemas, schemaDeriver } from "@aio/pyramid";
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const request = new DummyRequest({ method: "POST", json: { title: "write docs" } });
 * await prepareJsonSchemas(request.registry);
 * const view = schemaDeriver(
 *   (_context, request) => Response.json(request.validated?.body),
 *   {
 *     registry: request.registry,
 *     options: {
 *       schema: { body: { type: "object", required: ["title"] } },
 *     },
 *   },
 * );
 * const response = await view(undefined, request);
 * console.assert(response.status === 200);
 * ```
 */
export function schemaDeriver(view: SchemaDerivedView, info: SchemaDeriverInfo): SchemaDerivedView {
  const schema = info.options.schema as RequestSchema | undefined;
  if (schema === undefined) return view;
  const validator = compileRequestSchema(schema, {
    compiler: jsonSchemaCompiler(info.registry),
    label: `the view ${info.name ?? "<view>"}`,
  });
  return async function validatedView(context, request) {
    // The router has read the body by now; readBody() is then a no-op (kept for derivers that
    // run before it, such as in a unit test with a real request).
    await request.readBody();
    request.validated = await validator.validate(request);
    return await view(context, request);
  };
}
/** The view option this deriver adds to `addView`. */
schemaDeriver.options = ["schema"] as readonly string[];
