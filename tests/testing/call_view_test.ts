// callView(): one view through a real small app — a blocking view in a real executor worker
// — with a DummyRequest's params, matchdict, body and context, and testConfig routes.
import assert from "node:assert/strict";
import {
  ConfigurationError,
  ExecutorMapper,
  HTTPBadRequest,
  type PyramidRequest,
} from "@aio/pyramid";
import { callView, DummyRequest, testConfig } from "@aio/pyramid/testing";

const inWorker = () =>
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope ===
    "function";

export function blockingReport(request: PyramidRequest) {
  if (request.params.get("fail") === "bad") {
    throw new HTTPBadRequest({ detail: "fail=bad is refused; send fail=no." });
  }
  return {
    inWorker: inWorker(),
    id: request.matchdict.id,
    q: request.params.get("q"),
    url: request.routeUrl("report", { parts: { id: request.matchdict.id } }),
    greeting: request.settings["app.greeting"],
    method: request.method,
    header: request.headers.get("x-test"),
  };
}

export function blockingEcho(request: PyramidRequest) {
  return { json: request.json, inWorker: inWorker() };
}

export function blockingContext(context: { title: string }, _request: PyramidRequest) {
  return { title: context.title, inWorker: inWorker() };
}

export function blockingResponse(_request: PyramidRequest) {
  return new Response("made by hand", { status: 201, headers: { "x-made": "yes" } });
}

export function blockingCrash(_request: PyramidRequest): never {
  throw new TypeError("the legacy code broke");
}

async function asyncView(request: PyramidRequest) {
  return { inWorker: inWorker(), path: request.routePath("report", { parts: { id: "9" } }) };
}

function config() {
  return testConfig({
    settings: { "app.greeting": "hello" },
    routes: { home: "/", report: "/reports/{id}" },
  });
}

Deno.test("callView runs a blocking view in a real worker with the dummy request and routes", async () => {
  const info = await callView(
    blockingReport,
    new DummyRequest({
      params: { q: "deno" },
      matchdict: { id: "7" },
      headers: { "x-test": "yes" },
    }),
    { config: config() },
  );
  assert.deepEqual(info, {
    inWorker: true,
    id: "7",
    q: "deno",
    url: "http://example.com/reports/7",
    greeting: "hello",
    method: "GET",
    header: "yes",
  });
});

Deno.test("callView: a JSON body and a context reach the worker; a Response comes back as is", async () => {
  assert.deepEqual(
    await callView(blockingEcho, new DummyRequest({ method: "POST", json: { a: [1, 2] } })),
    { json: { a: [1, 2] }, inWorker: true },
  );
  assert.deepEqual(
    await callView(blockingContext, new DummyRequest({ context: { title: "Doc" } })),
    { title: "Doc", inWorker: true },
  );
  const response = await callView(blockingResponse);
  assert.ok(response instanceof Response);
  assert.equal(response.status, 201);
  assert.equal(response.headers.get("x-made"), "yes");
  assert.equal(await response.text(), "made by hand");
});

Deno.test("callView: errors from the worker reject with the view's error", async () => {
  await assert.rejects(
    callView(
      blockingReport,
      new DummyRequest({ params: { fail: "bad" }, matchdict: { id: "1" } }),
      {
        config: config(),
      },
    ),
    (error: unknown) =>
      error instanceof HTTPBadRequest && /fail=bad is refused/.test(error.message),
  );
  await assert.rejects(
    callView(blockingCrash),
    (error: unknown) =>
      error instanceof Error && error.name === "TypeError" &&
      /legacy code broke/.test(error.message),
  );
});

Deno.test("callView: an async view runs on the event loop; the config stays usable", async () => {
  const shared = config();
  assert.deepEqual(await callView(asyncView, new DummyRequest(), { config: shared }), {
    inWorker: false,
    path: "/reports/9",
  });
  // callView only read the config: it still builds its own app.
  shared.addView(async () => ({ ok: true }), { routeName: "home", renderer: "json" });
  const app = await shared.makeApp();
  try {
    const response = await app.fetch(new Request("http://localhost/"));
    assert.deepEqual(await response.json(), { ok: true });
  } finally {
    await app.close();
  }
});

Deno.test("callView refuses a blocking view a worker cannot import, saying how to fix it", async () => {
  function hidden(_request: PyramidRequest) {
    return 1;
  }
  await assert.rejects(
    callView(hidden),
    (error: unknown) => error instanceof ConfigurationError && /Export it/.test(error.message),
  );
});

export class ReportView {
  #request: PyramidRequest;
  constructor(_context: unknown, request: PyramidRequest) {
    this.#request = request;
  }
  summary() {
    return { id: this.#request.matchdict.id, inWorker: inWorker() };
  }
}

Deno.test("callView: a class view with attr, a view named by string, a mapper option", async () => {
  assert.deepEqual(
    await callView(ReportView, new DummyRequest({ matchdict: { id: "3" } }), { attr: "summary" }),
    { id: "3", inWorker: true },
  );
  assert.deepEqual(
    await callView(
      "./call_view_test.ts#blockingEcho",
      new DummyRequest({ method: "PUT", json: 1 }),
    ),
    { json: 1, inWorker: true },
  );
  await assert.rejects(
    callView(asyncView, new DummyRequest(), { config: config(), mapper: ExecutorMapper }),
    (error: unknown) =>
      error instanceof ConfigurationError && /Coroutine .* mapped to executor/.test(error.message),
  );
});
