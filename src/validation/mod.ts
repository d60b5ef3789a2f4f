/**
 * Validated requests, the rororo way: a view's `schema` option (JSON Schema or any Standard
 * Schema such as zod or valibot) checks the body, query, matchdict and headers before the view
 * runs; the view reads `request.validated`; a failure is a 422 `application/problem+json`
 * (RFC 9457) naming every failing field. `openApiDocument()` describes the routes, methods and
 * schemas as OpenAPI 3.1 (`config.addOpenApi({ path, info })` serves it).
 *
 * ajv is imported only when some view has a JSON Schema.
 *
 * @example A validated JSON POST
 * ```ts
 * import { Configurator, type PyramidRequest } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("tasks", "/tasks");
 * config.addView(async (request: PyramidRequest) => ({ created: request.validated?.body }), {
 *   routeName: "tasks",
 *   requestMethod: "POST",
 *   renderer: "json",
 *   schema: {
 *     body: {
 *       type: "object",
 *       required: ["title"],
 *       properties: { title: { type: "string", minLength: 1 } },
 *     },
 *   },
 * });
 * ```
 *
 * @module
 */

export { prepareJsonSchemas } from "./_json_schema.ts";
export type { AjvError, CompiledJsonSchema, JsonSchemaCompiler } from "./_json_schema.ts";
export {
  type CompileOptions,
  compileRequestSchema,
  isStandardSchema,
  type JsonSchema,
  needsJsonSchema,
  type PartSchema,
  type RequestSchema,
  type RequestValidator,
  type StandardResult,
  type StandardSchema,
  type ValidatedRequest,
} from "./request_schema.ts";
export {
  type FieldError,
  PROBLEM_JSON,
  type RequestLocation,
  VALIDATION_PROBLEM_TYPE,
  ValidationFailed,
} from "./problem.ts";
export { type SchemaDerivedView, schemaDeriver, type SchemaDeriverInfo } from "./deriver.ts";
export {
  type OpenApiDocument,
  openApiDocument,
  type OpenApiInfo,
  type OpenApiOptions,
  type OpenApiRoute,
  type OpenApiView,
  type PathTemplate,
  pathTemplate,
} from "./openapi.ts";
export { SCHEMA_DERIVER, validationExtension } from "./extension.ts";
