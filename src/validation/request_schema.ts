/**
 * A view's `schema` option: JSON Schema or Standard Schema for the body, query, matchdict and
 * headers of a request, compiled once, run before the view.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { HTTPUnsupportedMediaType } from "../httpexceptions.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { AjvError, CompiledJsonSchema, JsonSchemaCompiler } from "./_json_schema.ts";
import { type FieldError, type RequestLocation, ValidationFailed } from "./problem.ts";

/**
 * A Standard Schema (https://standardschema.dev): what zod, valibot, arktype and others expose
 * as `schema["~standard"]`.
 */
export interface StandardSchema<Output = unknown> {
  /** The Standard Schema interface. */
  readonly "~standard": {
    /** Spec version (1). */
    readonly version: 1;
    /** The library's name. */
    readonly vendor: string;
    /** Validates a value; may be async. */
    readonly validate: (
      value: unknown,
    ) => StandardResult<Output> | Promise<StandardResult<Output>>;
    /** Standard JSON Schema, where the library offers it (used by the OpenAPI document). */
    readonly jsonSchema?: { input(options: { target: string }): Record<string, unknown> };
  };
}

/** A Standard Schema result: a value, or issues. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
    readonly issues: ReadonlyArray<{
      readonly message: string;
      readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
    }>;
  };

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) given as a plain object. */
export type JsonSchema = Record<string, unknown> | boolean;

/** A schema for one part of a request. */
export type PartSchema = JsonSchema | StandardSchema;

/** The `schema` view option: one schema per part of the request. */
export interface RequestSchema {
  /** The JSON (or urlencoded/multipart form) body. */
  body?: PartSchema;
  /** The query string, as an object (a repeated name gives an array). */
  query?: PartSchema;
  /** The route placeholders. */
  matchdict?: PartSchema;
  /** The headers, as an object with lower-case names. */
  headers?: PartSchema;
}

/** What a view reads from `request.validated`: each validated part, as the schema output it. */
export interface ValidatedRequest {
  /** The validated body. */
  body?: unknown;
  /** The validated query. */
  query?: unknown;
  /** The validated matchdict. */
  matchdict?: unknown;
  /** The validated headers. */
  headers?: unknown;
}

const LOCATIONS: readonly RequestLocation[] = ["body", "query", "matchdict", "headers"];

/** Whether `value` implements Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchema {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const standard = (value as { "~standard"?: { validate?: unknown } })["~standard"];
  return typeof standard === "object" && standard !== null &&
    typeof standard.validate === "function";
}

type PartValidator = (data: unknown) => Promise<{ value: unknown; errors: FieldError[] }>;

/** A compiled `schema` option: call `validate(request)` before the view. */
export interface RequestValidator {
  /** The parts that have a schema. */
  readonly locations: readonly RequestLocation[];
  /** Validates the request; resolves the validated parts or rejects with {@linkcode ValidationFailed}. */
  validate(request: PyramidRequest): Promise<ValidatedRequest>;
}

/** Options for {@linkcode compileRequestSchema}. */
export interface CompileOptions {
  /** Needed when any part is a JSON Schema (see `prepareJsonSchemas`). */
  compiler?: JsonSchemaCompiler;
  /** The view, for error messages. */
  label?: string;
}

/** Whether any part of the schema is a JSON Schema (so ajv must be loaded first). */
export function needsJsonSchema(schema: unknown): boolean {
  if (typeof schema !== "object" || schema === null) return false;
  return LOCATIONS.some((l) => {
    const part = (schema as Record<string, unknown>)[l];
    return part !== undefined && !isStandardSchema(part);
  });
}

/**
 * Compiles a `schema` option once. A malformed option (an unknown part, a schema ajv rejects)
 * is a {@linkcode ConfigurationError} naming the view.
 *
 * @example Validating a query with a JSON Schema
 * ```ts
 * import { compileRequestSchema, prepareJsonSchemas, Registry } from "@aio/pyramid";
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const request = new DummyRequest({ params: { limit: "10" } });
 * const compiler = await prepareJsonSchemas(request.registry);
 * const validator = compileRequestSchema({
 *   query: { type: "object", properties: { limit: { type: "integer" } } },
 * }, { compiler });
 * const validated = await validator.validate(request);
 * console.assert((validated.query as { limit: number }).limit === 10);
 * ```
 */
export function compileRequestSchema(
  schema: RequestSchema,
  options: CompileOptions = {},
): RequestValidator {
  const label = options.label ?? "<view>";
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new ConfigurationError(
      `The schema option of ${label} must be an object like { body, query, matchdict, headers }, not ${
        schema === null ? "null" : typeof schema
      }.`,
    );
  }
  for (const key of Object.keys(schema)) {
    if (!(LOCATIONS as readonly string[]).includes(key)) {
      throw new ConfigurationError(
        `The schema option of ${label} has an unknown part '${key}'. ` +
          `Use body, query, matchdict or headers.`,
      );
    }
  }
  const parts: [RequestLocation, PartValidator][] = [];
  for (const location of LOCATIONS) {
    const part = schema[location];
    if (part === undefined) continue;
    parts.push([location, compilePart(location, part, options.compiler, label)]);
  }
  return {
    locations: parts.map(([l]) => l),
    async validate(request) {
      const validated: ValidatedRequest = {};
      const errors: FieldError[] = [];
      for (const [location, check] of parts) {
        const data = readPart(location, request);
        const result = await check(data);
        validated[location] = result.value;
        if (location === "body" && data === undefined && result.errors.length > 0) {
          // "must be object" says less than this about an empty request.
          errors.push(fieldError("body", [], "a body is required (send JSON or a form)"));
        } else errors.push(...result.errors);
      }
      if (errors.length > 0) throw new ValidationFailed(errors, { instance: request.path });
      return validated;
    },
  };
}

function compilePart(
  location: RequestLocation,
  part: PartSchema,
  compiler: JsonSchemaCompiler | undefined,
  label: string,
): PartValidator {
  if (isStandardSchema(part)) {
    const standard = part["~standard"];
    return async (data) => {
      let result = standard.validate(data);
      if (result instanceof Promise) result = await result;
      if (!result.issues) return { value: result.value, errors: [] };
      return { value: undefined, errors: result.issues.map((i) => standardError(location, i)) };
    };
  }
  if (typeof part !== "boolean" && (typeof part !== "object" || part === null)) {
    throw new ConfigurationError(
      `schema.${location} of ${label} must be a JSON Schema object or a Standard Schema ` +
        `(zod, valibot, …), not ${part === null ? "null" : typeof part}.`,
    );
  }
  if (!compiler) {
    throw new ConfigurationError(
      `schema.${location} of ${label} is a JSON Schema but ajv is not loaded: ` +
        "await prepareJsonSchemas(registry) first (makeApp() does this for you).",
    );
  }
  let check: CompiledJsonSchema;
  try {
    check = location === "body"
      ? compiler.body(part)
      : compiler.strings(location === "headers" ? lowerCaseNames(part) : part);
  } catch (error) {
    throw new ConfigurationError(
      `schema.${location} of ${label} is not a valid JSON Schema: ${(error as Error).message}`,
      { cause: error },
    );
  }
  // ajv coerces and fills defaults in place. Query, matchdict and headers arrive as objects made
  // for this validation; a JSON body is `request.json`, shared with the view, so it is copied
  // first — only when the schema has defaults to fill (the body is never coerced).
  const copy = location === "body" && JSON.stringify(part).includes('"default"');
  return (data) => {
    const value = copy ? copyJson(data) : data;
    if (check(value)) return Promise.resolve({ value, errors: [] });
    const errors = (check.errors ?? []).map((e) => ajvError(location, e));
    return Promise.resolve({ value: undefined, errors });
  };
}

// A deep copy of parsed JSON (or a form object): plain objects, arrays and primitives only, so
// a loop beats structuredClone, which goes through the V8 serializer.
function copyJson(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  if (value instanceof File) return value;
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy;
}

// Header names are case-insensitive; requests give them in lower case.
function lowerCaseNames(schema: JsonSchema): JsonSchema {
  if (typeof schema !== "object") return schema;
  const copy = { ...schema };
  if (typeof copy.properties === "object" && copy.properties !== null) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([k, v]) => [k.toLowerCase(), v]),
    );
  }
  if (Array.isArray(copy.required)) {
    copy.required = copy.required.map((k) => String(k).toLowerCase());
  }
  return copy;
}

function readPart(location: RequestLocation, request: PyramidRequest): unknown {
  switch (location) {
    case "body":
      return readBody(request);
    case "query":
      return multiDictObject(request.GET);
    case "matchdict":
      return { ...request.matchdict };
    case "headers":
      return Object.fromEntries(request.headers);
  }
}

function readBody(request: PyramidRequest): unknown {
  if (request.body.byteLength === 0) return undefined;
  const type = (request.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "" || type === "application/json" || type.endsWith("+json")) return request.json;
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    return multiDictObject(request.POST);
  }
  throw new HTTPUnsupportedMediaType({
    detail: `This view validates a JSON or form body, not '${type}'. ` +
      "Send Content-Type: application/json (or a form).",
  });
}

// A repeated name gives an array; a single one a plain value (the JSON Schema compiler coerces
// a single value into a one-item array where the schema asks for an array).
function multiDictObject(dict: Iterable<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of dict) {
    if (!Object.hasOwn(out, key)) out[key] = value;
    else if (Array.isArray(out[key])) (out[key] as unknown[]).push(value);
    else out[key] = [out[key], value];
  }
  return out;
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

function fieldError(location: RequestLocation, segments: string[], detail: string): FieldError {
  return {
    location,
    pointer: "#" + segments.map((s) => "/" + escapePointer(s)).join(""),
    field: segments.join("."),
    detail,
  };
}

function ajvError(location: RequestLocation, error: AjvError): FieldError {
  const segments = error.instancePath === ""
    ? []
    : error.instancePath.slice(1).split("/").map((s) =>
      s.replaceAll("~1", "/").replaceAll("~0", "~")
    );
  const extra = error.params.missingProperty ?? error.params.additionalProperty ??
    error.params.unevaluatedProperty;
  if (typeof extra === "string") segments.push(extra);
  let detail = error.message ?? error.keyword;
  if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties") {
    detail = "is not allowed here";
  } else if (error.keyword === "required") {
    detail = "is required";
  } else if (segments.length === 0 && location === "body" && error.keyword === "type") {
    detail = `the body ${detail}`;
  }
  return fieldError(location, segments, detail);
}

function standardError(
  location: RequestLocation,
  issue: { message: string; path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> },
): FieldError {
  const segments = (issue.path ?? []).map((p) =>
    String(typeof p === "object" && p !== null ? p.key : p)
  );
  return fieldError(location, segments, issue.message);
}
