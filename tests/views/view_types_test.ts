// View parameter types: addView/viewConfig type an unannotated view's parameters from the
// shape it has. This file must pass `deno check` (the @ts-expect-error lines prove the
// parameters are not `any`); the tests then serve every view to show the shapes are real.
import assert from "node:assert/strict";
import {
  Configurator,
  type FormValue,
  type PyramidRequest,
  viewConfig,
  type Websocket,
  WebsocketMapper,
} from "@aio/pyramid";
import { DummyRequest } from "@aio/pyramid/testing";
import { withApp } from "../_helpers.ts";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

// The README's view, pasted as it is there.
export const fast = viewConfig(
  { routeName: "fast", renderer: "json" },
  async function fast(request) {
    return { hello: request.params.get("name", "world") };
  },
);
const fastTakesARequest: Equals<Parameters<typeof fast>, [PyramidRequest]> = true;
const fastReturns: Equals<Awaited<ReturnType<typeof fast>>, { hello: FormValue }> = true;

// TypeScript types parameters from a union of signatures only when they agree, and
// `(request)` and `(context, request)` do not: a `(context, request)` view annotates them.
export const contextual = viewConfig(
  { routeName: "contextual", renderer: "json" },
  async function contextual(context: unknown, request: PyramidRequest) {
    return { context: typeof context, path: request.path };
  },
);
// @ts-expect-error -- unannotated (context, request) parameters are an error, never a silent any
viewConfig({ routeName: "contextual" }, async function (_context, _request) {});
const contextualTakesARequest: Equals<Parameters<typeof contextual>[1], PyramidRequest> = true;

// A mapper that declares its view shape types the view it is given (here: a Websocket).
// WebsocketMapper itself gains the same one-line declaration with the request-path work.
class TypedWebsocketMapper extends WebsocketMapper {
  declare static readonly viewShape?: (ws: Websocket) => unknown;
}

// (A constructor inherited from a base class is the request path's concern, tested there.)
class WithContext {
  constructor(readonly context: unknown, readonly request: PyramidRequest) {}
  async call() {
    return { path: this.request.path };
  }
}
class RequestOnly {
  constructor(readonly request: PyramidRequest) {}
  async call() {
    return { name: this.request.matchdict.name };
  }
}

function configure(): Configurator {
  const config = new Configurator();
  for (
    const name of ["fast", "arrow", "contextual", "with_context", "request_only", "ref", "echo"]
  ) {
    config.addRoute(name, `/${name}/{name}`);
  }
  config.addView(fast, { routeName: "fast", renderer: "json" });
  config.addView(async (request) => {
    // @ts-expect-error -- the request is a PyramidRequest, not any
    request.notAMember;
    return { upper: request.matchdict.name.toUpperCase() };
  }, {
    routeName: "arrow",
    renderer: "json",
  });
  config.addView(async function (context: unknown, request: PyramidRequest) {
    return { context: context === undefined ? "none" : "a resource", name: request.matchdict.name };
  }, { routeName: "contextual", renderer: "json" });
  config.addView(WithContext, { routeName: "with_context", renderer: "json" });
  config.addView(RequestOnly, { routeName: "request_only", renderer: "json" });
  config.addView("./view_types_test.ts#fast", { routeName: "ref", renderer: "json" });
  config.addView(async function echo(ws) {
    const typed: Equals<typeof ws, Websocket> = true;
    assert.ok(typed);
    const message = await ws.recv();
    if (message !== null) await ws.send(message);
  }, { routeName: "echo", mapper: TypedWebsocketMapper });
  config.addNotFoundView(async (request) => new Response(`no ${request.path}`, { status: 404 }));
  config.addExceptionView(async (context: Error, request: PyramidRequest) => {
    return new Response(`${context.message} at ${request.path}`, { status: 500 });
  });
  // @ts-expect-error -- a number is no view
  assert.throws(() => config.addView(42, { routeName: "fast" }), /takes a function/);
  return config;
}

Deno.test("the type-level checks above hold", () => {
  assert.deepEqual(
    [fastTakesARequest, fastReturns, contextualTakesARequest],
    [true, true, true],
  );
});

Deno.test("a viewConfig view stays callable with a DummyRequest", async () => {
  assert.deepEqual(await fast(new DummyRequest({ params: { name: "deno" } })), { hello: "deno" });
  assert.deepEqual(await fast(new DummyRequest()), { hello: "world" });
});

Deno.test("views typed by inference are served as their shapes say", async () => {
  await withApp(configure(), async (app) => {
    const get = async (path: string) => {
      const response = await app.fetch(new Request(`http://localhost${path}`));
      return [response.status, await response.text()];
    };
    assert.deepEqual(await get("/fast/x?name=ann"), [200, `{"hello":"ann"}`]);
    assert.deepEqual(await get("/arrow/abc"), [200, `{"upper":"ABC"}`]);
    assert.deepEqual(await get("/with_context/x"), [200, `{"path":"/with_context/x"}`]);
    assert.deepEqual(await get("/request_only/bob"), [200, `{"name":"bob"}`]);
    assert.deepEqual(await get("/ref/x?name=ref"), [200, `{"hello":"ref"}`]);
    assert.deepEqual(await get("/nowhere"), [404, "no /nowhere"]);
    const [status, body] = await get("/contextual/zed");
    assert.equal(status, 200);
    assert.equal(JSON.parse(String(body)).name, "zed");
  });
});
