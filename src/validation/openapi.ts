/**
 * An OpenAPI 3.1 document from an app's routes, methods and view schemas (what rororo reads,
 * written the other way round): path keys are the route patterns with placeholders as `{name}`.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { isStandardSchema, type PartSchema, type RequestSchema } from "./request_schema.ts";
import { PROBLEM_JSON } from "./problem.ts";

/** OpenAPI's Info Object: `title` and `version` are required. */
export interface OpenApiInfo {
  /** The API's title. */
  title: string;
  /** The API's version (not OpenAPI's). */
  version: string;
  /** A longer description (CommonMark). */
  description?: string;
  /** Other Info fields (`contact`, `license`, `summary`, `x-…`). */
  [field: string]: unknown;
}

/** A route as the document needs it. */
export interface OpenApiRoute {
  /** The route name (operation ids are made from it). */
  name: string;
  /** The Pyramid pattern: `/tasks/{id:\d+}`, `/files/*subpath`. */
  pattern: string;
}

/** A view as the document needs it. */
export interface OpenApiView {
  /** The route it answers. Traversal views (none) are not documented: they have no fixed path. */
  routeName: string | undefined;
  /** The methods it answers (its `requestMethod`); undefined for any method. */
  methods?: readonly string[];
  /** Its `schema` option. */
  schema?: RequestSchema;
  /** A short summary (the view's name). */
  summary?: string;
}

/** Options for {@linkcode openApiDocument}. */
export interface OpenApiOptions {
  /** The Info Object. */
  info: OpenApiInfo;
  /** Server Objects (`[{ url: "https://api.example.com" }]`). */
  servers?: { url: string; description?: string }[];
  /** Route names left out (the document's own route, say). */
  exclude?: readonly string[];
}

/** An OpenAPI 3.1 document (a plain JSON-ready object). */
export type OpenApiDocument = Record<string, unknown> & {
  openapi: "3.1.0";
  paths: Record<string, Record<string, unknown>>;
};

const PROBLEM_SCHEMA = {
  type: "object",
  required: ["type", "title", "status", "errors"],
  properties: {
    type: { type: "string", format: "uri-reference" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["location", "pointer", "field", "detail"],
        properties: {
          location: { enum: ["body", "query", "matchdict", "headers"] },
          pointer: { type: "string" },
          field: { type: "string" },
          detail: { type: "string" },
        },
      },
    },
  },
};

// OpenAPI says these header parameters are described elsewhere (and are ignored if listed).
const RESERVED_HEADERS = new Set(["accept", "content-type", "authorization"]);
const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** An OpenAPI path template and its parameters. */
export interface PathTemplate {
  /** `/tasks/{id}`. */
  path: string;
  /** Each placeholder: its regex as an anchored JSON Schema `pattern`; `rest` for `*stararg`. */
  params: { name: string; pattern?: string; rest?: boolean }[];
}

/**
 * Turns a Pyramid pattern into an OpenAPI path template and its path parameters.
 *
 * @example A regex-constrained placeholder
 * ```ts
 * import { pathTemplate } from "@aio/pyramid";
 * const template = pathTemplate("/tasks/{id:\\d+}");
 * console.assert(template.path === "/tasks/{id}");
 * console.assert(template.params[0].pattern === "^(?:\\d+)$");
 * ```
 */
export function pathTemplate(pattern: string): PathTemplate {
  let text = pattern.startsWith("/") ? pattern : `/${pattern}`;
  const params: PathTemplate["params"] = [];
  let path = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{", i);
    if (open < 0) break;
    // A placeholder's regex may itself hold one level of braces: `{year:\d{4}}`.
    let depth = 0;
    let close = open;
    for (; close < text.length; close++) {
      if (text[close] === "{") depth++;
      else if (text[close] === "}" && --depth === 0) break;
    }
    const inner = text.slice(open + 1, close);
    const colon = inner.indexOf(":");
    const name = colon < 0 ? inner : inner.slice(0, colon);
    path += text.slice(i, open) + `{${name}}`;
    params.push(colon < 0 ? { name } : { name, pattern: `^(?:${inner.slice(colon + 1)})$` });
    i = close + 1;
  }
  path += text.slice(i);
  text = path;
  const star = /\*([A-Za-z_]\w*)$/.exec(text);
  if (star) {
    path = text.slice(0, star.index) + `{${star[1]}}`;
    params.push({ name: star[1], rest: true });
  }
  return { path, params };
}

/** The JSON Schema of a part: itself, or what a Standard Schema library reports (or `{}`). */
function jsonSchemaOf(part: PartSchema | undefined): Record<string, unknown> | undefined {
  if (part === undefined) return undefined;
  if (isStandardSchema(part)) {
    const converter = part["~standard"].jsonSchema;
    if (converter) {
      try {
        const { $schema: _dialect, ...schema } = converter.input({ target: "draft-2020-12" });
        return schema;
      } catch {
        // A schema the library cannot express (a transform, say): documented as "anything".
      }
    }
    return { description: `Validated by ${part["~standard"].vendor}.` };
  }
  return typeof part === "boolean" ? (part ? {} : { not: {} }) : part;
}

function parametersFrom(
  location: "query" | "header",
  schema: Record<string, unknown> | undefined,
): Record<string, unknown>[] {
  if (schema === undefined) return [];
  const properties = schema.properties as Record<string, unknown> | undefined;
  if (typeof properties !== "object" || properties === null) {
    // No named properties: OpenAPI's form-exploded object describes "these query fields".
    return location === "query"
      ? [{ name: "query", in: "query", style: "form", explode: true, schema }]
      : [];
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(properties)
    .filter(([name]) => location === "query" || !RESERVED_HEADERS.has(name.toLowerCase()))
    .map(([name, property]) => ({
      name,
      in: location,
      ...(required.has(name) ? { required: true } : {}),
      schema: property,
    }));
}

function operationFor(
  route: OpenApiRoute,
  template: PathTemplate,
  view: OpenApiView,
  method: string,
): Record<string, unknown> {
  const schema = view.schema ?? {};
  const matchdict = jsonSchemaOf(schema.matchdict);
  const matchProps = (matchdict?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const parameters: Record<string, unknown>[] = template.params.map((p) => ({
    name: p.name,
    in: "path",
    required: true,
    ...(p.rest ? { description: "The rest of the path; it may contain `/`." } : {}),
    schema: matchProps[p.name] ??
      (p.pattern ? { type: "string", pattern: p.pattern } : { type: "string" }),
  }));
  parameters.push(...parametersFrom("query", jsonSchemaOf(schema.query)));
  parameters.push(...parametersFrom("header", jsonSchemaOf(schema.headers)));
  const operation: Record<string, unknown> = {
    operationId: `${route.name}.${method}`,
    ...(view.summary ? { summary: view.summary } : {}),
  };
  if (parameters.length > 0) operation.parameters = parameters;
  const body = jsonSchemaOf(schema.body);
  if (body !== undefined) {
    operation.requestBody = {
      required: true,
      content: {
        "application/json": { schema: body },
        "application/x-www-form-urlencoded": { schema: body },
      },
    };
  }
  const responses: Record<string, unknown> = { "200": { description: "Success." } };
  if (view.schema !== undefined && Object.keys(view.schema).length > 0) {
    responses["422"] = {
      description: "The request failed validation; `errors` names every failing field.",
      content: { [PROBLEM_JSON]: { schema: { $ref: "#/components/schemas/ValidationProblem" } } },
    };
  }
  if (body !== undefined) responses["400"] = { description: "The body is not valid JSON." };
  operation.responses = responses;
  return operation;
}

/** The methods a view is documented under. */
function methodsOf(view: OpenApiView): string[] {
  if (view.methods && view.methods.length > 0) {
    const lower = view.methods.map((m) => m.toLowerCase()).filter((m) => METHODS.has(m));
    // GET views answer HEAD too; listing it would only repeat GET.
    return lower.includes("get") ? lower.filter((m) => m !== "head") : lower;
  }
  // A view without requestMethod answers every method: documented as the one its schema implies.
  return view.schema?.body !== undefined ? ["post"] : ["get"];
}

/**
 * Builds the OpenAPI 3.1 document. A route with no view is left out; two views of one route and
 * method (told apart by other predicates) are documented once, by the first.
 *
 * @example Documenting one validated route
 * ```ts
 * import { openApiDocument } from "@aio/pyramid";
 * const document = openApiDocument({
 *   routes: [{ name: "task", pattern: "/tasks/{id:\\d+}" }],
 *   views: [{ routeName: "task", methods: ["GET"] }],
 * }, { info: { title: "Tasks", version: "1.0.0" } });
 * console.assert("/tasks/{id}" in document.paths);
 * ```
 */
export function openApiDocument(
  app: { routes: readonly OpenApiRoute[]; views: readonly OpenApiView[] },
  options: OpenApiOptions,
): OpenApiDocument {
  const { info } = options;
  if (typeof info?.title !== "string" || typeof info?.version !== "string") {
    throw new ConfigurationError(
      "An OpenAPI document needs info.title and info.version (strings): " +
        'pass { info: { title: "My API", version: "1.0.0" } }.',
    );
  }
  const exclude = new Set(options.exclude ?? []);
  const paths: Record<string, Record<string, unknown>> = {};
  let usesProblem = false;
  for (const route of app.routes) {
    if (exclude.has(route.name)) continue;
    const views = app.views.filter((v) => v.routeName === route.name);
    if (views.length === 0) continue;
    const template = pathTemplate(route.pattern);
    const item = paths[template.path] ??= {};
    for (const view of views) {
      for (const method of methodsOf(view)) {
        if (item[method] !== undefined) continue;
        const operation = operationFor(route, template, view, method);
        usesProblem ||= "422" in (operation.responses as Record<string, unknown>);
        item[method] = operation;
      }
    }
  }
  return {
    openapi: "3.1.0",
    info,
    ...(options.servers ? { servers: options.servers } : {}),
    paths,
    ...(usesProblem ? { components: { schemas: { ValidationProblem: PROBLEM_SCHEMA } } } : {}),
  };
}
