import assert from "node:assert/strict";
import { z } from "zod";
import * as v from "valibot";
import { ConfigurationError, HTTPBadRequest, HTTPUnsupportedMediaType } from "@aio/pyramid";
import { DummyRequest } from "@aio/pyramid/testing";
import {
  compileRequestSchema,
  prepareJsonSchemas,
  type SchemaDerivedView,
  schemaDeriver,
  ValidationFailed,
} from "../../src/validation/mod.ts";
import type { PyramidRequest } from "../../src/request/request.ts";

const taskBody = {
  type: "object",
  required: ["title"],
  additionalProperties: false,
  properties: {
    title: { type: "string", minLength: 1 },
    priority: { type: "integer", minimum: 1, maximum: 5, default: 3 },
    tags: { type: "array", items: { type: "string" } },
  },
};

// A view that records what it saw, so tests can tell whether it ran.
function recordingView() {
  const seen: PyramidRequest[] = [];
  const view: SchemaDerivedView = (_context, request) => {
    seen.push(request);
    return Response.json({ validated: request.validated });
  };
  return { seen, view };
}

async function derive(schema: unknown, request: PyramidRequest) {
  await prepareJsonSchemas(request.registry);
  const { seen, view } = recordingView();
  const derived = schemaDeriver(view, {
    registry: request.registry,
    options: { schema },
    name: "task_view",
  });
  return { seen, derived };
}

async function problemOf(promise: Promise<unknown>) {
  const error = await promise.then(() => assert.fail("expected ValidationFailed"), (e) => e);
  assert.ok(error instanceof ValidationFailed, `expected ValidationFailed, got ${error}`);
  const response = error.toResponse();
  assert.equal(response.status, 422);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  return await response.json();
}

Deno.test("schema: a view without the option is returned unchanged", async () => {
  const request = new DummyRequest();
  const { view } = recordingView();
  assert.equal(schemaDeriver(view, { registry: request.registry, options: {} }), view);
  assert.deepEqual(schemaDeriver.options, ["schema"]);
});

Deno.test("schema: a valid JSON body reaches the view validated, with defaults filled", async () => {
  const request = new DummyRequest({ method: "POST", json: { title: "write docs" } });
  const { seen, derived } = await derive({ body: taskBody }, request);
  const response = await derived(undefined, request);
  assert.equal(response.status, 200);
  assert.equal(seen.length, 1);
  assert.deepEqual(request.validated, { body: { title: "write docs", priority: 3 } });
  assert.deepEqual(request.json, { title: "write docs" }, "the parsed body is left as sent");
});

Deno.test("schema: every failing body field is named in one 422 and the view does not run", async () => {
  const request = new DummyRequest({
    method: "POST",
    json: { priority: 9, tags: ["ok", 7], colour: "red" },
  });
  const { seen, derived } = await derive({ body: taskBody }, request);
  const problem = await problemOf(Promise.resolve(derived(undefined, request)));
  assert.equal(seen.length, 0);
  assert.equal(problem.status, 422);
  assert.equal(problem.instance, "/");
  const byPointer = Object.fromEntries(
    problem.errors.map((e: { pointer: string; detail: string }) => [e.pointer, e.detail]),
  );
  assert.deepEqual(Object.keys(byPointer).sort(), [
    "#/colour",
    "#/priority",
    "#/tags/1",
    "#/title",
  ]);
  assert.equal(byPointer["#/title"], "is required");
  assert.equal(byPointer["#/colour"], "is not allowed here");
  assert.match(byPointer["#/priority"], /<= 5/);
  assert.match(byPointer["#/tags/1"], /string/);
  assert.ok(problem.errors.every((e: { location: string }) => e.location === "body"));
  const tags = problem.errors.find((e: { pointer: string }) => e.pointer === "#/tags/1");
  assert.equal(tags.field, "tags.1");
  assert.match(problem.detail, /4 problems with body\.title|4 problems with body\./);
});

Deno.test("schema: query strings are coerced to the schema's types; a bad one is a query error", async () => {
  const query = {
    type: "object",
    properties: {
      limit: { type: "integer", minimum: 1 },
      tag: { type: "array", items: { type: "string" } },
      done: { type: "boolean" },
    },
  };
  const ok = new DummyRequest({ params: { limit: "10", tag: "home", done: "true" } });
  await (await derive({ query }, ok)).derived(undefined, ok);
  assert.deepEqual(ok.validated?.query, { limit: 10, tag: ["home"], done: true });

  const repeated = new DummyRequest({ params: { tag: ["a", "b"] } });
  await (await derive({ query }, repeated)).derived(undefined, repeated);
  assert.deepEqual(repeated.validated?.query, { tag: ["a", "b"] });

  const bad = new DummyRequest({ params: { limit: "ten" } });
  const problem = await problemOf(
    Promise.resolve((await derive({ query }, bad)).derived(undefined, bad)),
  );
  assert.deepEqual(
    problem.errors.map((e: { location: string; field: string }) => [e.location, e.field]),
    [
      ["query", "limit"],
    ],
  );
});

Deno.test("schema: matchdict and headers (names case-insensitive) validate together with the body", async () => {
  const request = new DummyRequest({
    method: "POST",
    matchdict: { id: "x1" },
    headers: { "X-Request-Id": "abc" },
    json: {},
  });
  const { seen, derived } = await derive({
    body: taskBody,
    matchdict: { type: "object", properties: { id: { type: "integer" } } },
    headers: {
      type: "object",
      required: ["X-Request-Id", "X-Api-Key"],
      properties: { "X-Request-Id": { type: "string", minLength: 5 } },
    },
  }, request);
  const problem = await problemOf(Promise.resolve(derived(undefined, request)));
  assert.equal(seen.length, 0);
  assert.deepEqual(
    problem.errors.map((e: { location: string; field: string }) => `${e.location}:${e.field}`)
      .sort(),
    ["body:title", "headers:x-api-key", "headers:x-request-id", "matchdict:id"],
  );

  const good = new DummyRequest({
    matchdict: { id: "12" },
    headers: { "X-Request-Id": "abcdef" },
  });
  await (await derive({
    matchdict: { type: "object", properties: { id: { type: "integer" } } },
    headers: { type: "object", required: ["X-Request-Id"] },
  }, good)).derived(undefined, good);
  assert.deepEqual(good.validated?.matchdict, { id: 12 });
  assert.equal((good.validated?.headers as Record<string, string>)["x-request-id"], "abcdef");
});

Deno.test("schema: zod (Standard Schema) validates the body and reports each issue with its path", async () => {
  const body = z.object({
    title: z.string().min(1),
    due: z.coerce.date(),
    items: z.array(z.object({ qty: z.number().int().positive() })),
  });
  const good = new DummyRequest({
    method: "POST",
    json: { title: "buy", due: "2026-01-02", items: [{ qty: 2 }] },
  });
  const { derived } = await derive({ body }, good);
  await derived(undefined, good);
  const validated = good.validated?.body as z.infer<typeof body>;
  assert.ok(validated.due instanceof Date, "zod's output (a Date) reaches the view");
  assert.equal(validated.due.toISOString().slice(0, 10), "2026-01-02");

  const bad = new DummyRequest({ method: "POST", json: { title: "", items: [{ qty: -1 }] } });
  const problem = await problemOf(
    Promise.resolve((await derive({ body }, bad)).derived(undefined, bad)),
  );
  assert.deepEqual(
    problem.errors.map((e: { pointer: string }) => e.pointer).sort(),
    ["#/due", "#/items/0/qty", "#/title"],
  );
});

Deno.test("schema: valibot (Standard Schema) on the query, and an async Standard Schema", async () => {
  const query = v.object({ page: v.pipe(v.string(), v.regex(/^\d+$/, "page must be digits")) });
  const bad = new DummyRequest({ params: { page: "two" } });
  const problem = await problemOf(
    Promise.resolve((await derive({ query }, bad)).derived(undefined, bad)),
  );
  assert.deepEqual(problem.errors, [
    { location: "query", pointer: "#/page", field: "page", detail: "page must be digits" },
  ]);

  const taken = new Set(["ann"]);
  const asyncBody = z.object({ user: z.string() }).refine(
    async (value) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return !taken.has(value.user);
    },
    { message: "that user name is taken", path: ["user"] },
  );
  const clash = new DummyRequest({ method: "POST", json: { user: "ann" } });
  const asyncProblem = await problemOf(
    Promise.resolve((await derive({ body: asyncBody }, clash)).derived(undefined, clash)),
  );
  assert.equal(asyncProblem.errors[0].detail, "that user name is taken");
});

Deno.test("schema: malformed JSON is a 400, an unsupported body type a 415, a missing body a 422", async () => {
  const malformed = new DummyRequest({
    method: "POST",
    body: '{"title": ',
    headers: { "content-type": "application/json" },
  });
  const a = await derive({ body: taskBody }, malformed);
  await assert.rejects(Promise.resolve(a.derived(undefined, malformed)), HTTPBadRequest);
  assert.equal(a.seen.length, 0);

  const xml = new DummyRequest({
    method: "POST",
    body: "<task/>",
    headers: { "content-type": "application/xml" },
  });
  const b = await derive({ body: taskBody }, xml);
  await assert.rejects(Promise.resolve(b.derived(undefined, xml)), (error: unknown) => {
    assert.ok(error instanceof HTTPUnsupportedMediaType);
    assert.match(String(error.detail), /application\/xml.*application\/json/s);
    return true;
  });

  const empty = new DummyRequest({ method: "POST" });
  const problem = await problemOf(
    Promise.resolve((await derive({ body: taskBody }, empty)).derived(undefined, empty)),
  );
  assert.deepEqual(problem.errors, [
    {
      location: "body",
      pointer: "#",
      field: "",
      detail: "a body is required (send JSON or a form)",
    },
  ]);
});

Deno.test("schema: a form body validates like JSON (fields coerced by the schema's types only in query)", async () => {
  const request = new DummyRequest({ method: "POST", params: { title: "from a form" } });
  const { derived } = await derive({ body: taskBody }, request);
  await derived(undefined, request);
  assert.deepEqual(request.validated?.body, { title: "from a form", priority: 3 });
});

Deno.test("schema: configuration mistakes are ConfigurationErrors naming the view and the fix", async () => {
  const request = new DummyRequest();
  const { view } = recordingView();
  const derive = (schema: unknown) =>
    schemaDeriver(view, { registry: request.registry, options: { schema }, name: "tasks" });
  // Before ajv is loaded for this registry, a JSON Schema cannot compile.
  assert.throws(() => derive({ body: taskBody }), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /tasks.*prepareJsonSchemas/s);
    return true;
  });
  await prepareJsonSchemas(request.registry);
  assert.throws(
    () => derive({ bdy: taskBody }),
    /unknown part 'bdy'.*body, query, matchdict or headers/s,
  );
  assert.throws(
    () => derive({ body: { type: "nonsense" } }),
    /schema\.body of the view tasks is not a valid JSON Schema/,
  );
  assert.throws(() => derive({ query: 42 }), /must be a JSON Schema object or a Standard Schema/);
  assert.throws(
    () => derive("body"),
    /must be an object like \{ body, query, matchdict, headers \}/,
  );
});

Deno.test("schema: HEAD gets the 422 status and headers without a body", () => {
  const response = new ValidationFailed([
    { location: "query", pointer: "#/q", field: "q", detail: "is required" },
  ]).toResponse({ method: "HEAD" });
  assert.equal(response.status, 422);
  assert.equal(response.body, null);
});

Deno.test("schema: compiled once, the validator serves many requests and keeps them apart", async () => {
  const registry = new DummyRequest().registry;
  const compiler = await prepareJsonSchemas(registry);
  const validator = compileRequestSchema({ body: taskBody }, { compiler });
  const results = await Promise.allSettled(
    ["a", "", "c"].map((title) =>
      validator.validate(new DummyRequest({ method: "POST", json: { title }, registry }))
    ),
  );
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  assert.deepEqual((results[2] as PromiseFulfilledResult<{ body: unknown }>).value.body, {
    title: "c",
    priority: 3,
  });
});
