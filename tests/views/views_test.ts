import assert from "node:assert/strict";
import { call, withApp } from "../_helpers.ts";
import {
  ConfigurationError,
  Configurator,
  CoroutineMapper,
  ExecutorMapper,
  HTTPNotFound,
  type PyramidRequest,
} from "@aio/pyramid";
import { DummyResource } from "@aio/pyramid/testing";

Deno.test("function views: (request) and (context, request) signatures", async () => {
  const root = { __name__: "", __parent__: null, marker: "the-root" };
  const config = new Configurator({ rootFactory: () => root });
  config.addRoute("one", "/one");
  config.addRoute("two", "/two");
  config.addView(async (request: PyramidRequest) => `one ${request.path}`, {
    routeName: "one",
    renderer: "string",
  });
  config.addView(
    async (context: unknown, request: PyramidRequest) =>
      `two ${(context as typeof root).marker} ${request.path}`,
    { routeName: "two", renderer: "string" },
  );
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/one")).text, "one /one");
    assert.equal((await call(app, "/two")).text, "two the-root /two");
  });
});

Deno.test("class views: constructed with (context, request) or (request); attr picks the method", async () => {
  class Both {
    constructor(public context: unknown, public request: PyramidRequest) {}
    async call() {
      return `both ${(this.context as { marker: string }).marker} ${this.request.method}`;
    }
    async other() {
      return "other method";
    }
  }
  class RequestOnly {
    constructor(public request: PyramidRequest) {}
    async call() {
      return `request only ${this.request.path}`;
    }
  }
  class NoCall {
    async render() {
      return "x";
    }
  }
  const config = new Configurator({ rootFactory: () => ({ marker: "root" }) });
  config.addRoute("both", "/both");
  config.addRoute("attr", "/attr");
  config.addRoute("req", "/req");
  config.addView(Both, { routeName: "both", renderer: "string" });
  config.addView(Both, { routeName: "attr", attr: "other", renderer: "string" });
  config.addView(RequestOnly, { routeName: "req", renderer: "string" });
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/both")).text, "both root GET");
    assert.equal((await call(app, "/attr")).text, "other method");
    assert.equal((await call(app, "/req")).text, "request only /req");
  });
  // A class without the method is refused when the app is made.
  const bad = new Configurator();
  bad.addRoute("x", "/x");
  bad.addView(NoCall, { routeName: "x", renderer: "string", mapper: CoroutineMapper });
  await assert.rejects(bad.makeApp(), ConfigurationError);
});

Deno.test("a plain (blocking) view the executor cannot locate is a ConfigurationError at makeApp()", async () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  // Not exported, not a "./module.ts#name" string: a worker could never import it.
  config.addView(function legacy() {
    return new Response("sync");
  }, { routeName: "x" });
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /legacy/);
    return true;
  });
});

Deno.test("CoroutineMapper refuses a plain function: 'Non-coroutine X mapped to coroutine.'", async () => {
  const config = new Configurator();
  config.setViewMapper(CoroutineMapper);
  config.addRoute("x", "/x");
  config.addView(function plainView() {
    return new Response("x");
  }, { routeName: "x" });
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /Non-coroutine plainView mapped to coroutine\./);
    assert.ok(error.message.includes(import.meta.url), error.message);
    return true;
  });
  // With an async view the same mapper works.
  const ok = new Configurator();
  ok.addRoute("x", "/x");
  ok.addView(async () => "fine", { routeName: "x", renderer: "string", mapper: CoroutineMapper });
  await withApp(ok, async (app) => assert.equal((await call(app, "/x")).text, "fine"));
});

Deno.test("ExecutorMapper refuses an async view: 'Coroutine X mapped to executor.'", async () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  config.addView(async function asyncView() {
    return new Response("x");
  }, { routeName: "x", mapper: ExecutorMapper });
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /Coroutine asyncView mapped to executor\./);
    return true;
  });
  // A class view is judged by its attr method.
  class Async {
    async call() {
      return "x";
    }
  }
  const other = new Configurator();
  other.setViewMapper(ExecutorMapper);
  other.addRoute("x", "/x");
  other.addView(Async, { routeName: "x", renderer: "string" });
  await assert.rejects(other.makeApp(), /Coroutine Async mapped to executor\./);
});

Deno.test("view predicates choose among views; the most specific one wins", async () => {
  const config = new Configurator();
  config.addRoute("item", "/items/{kind}");
  const view = (label: string) => async () => label;
  const opts = (extra: object) => ({ routeName: "item", renderer: "string", ...extra });
  config.addView(view("plain"), opts({}));
  config.addView(view("post"), opts({ requestMethod: "POST" }));
  config.addView(view("json"), opts({ accept: "application/json" }));
  config.addView(view("xhr"), opts({ xhr: true }));
  config.addView(view("header"), opts({ header: "X-Api-Key" }));
  config.addView(view("header-regex"), opts({ header: { "X-Version": "^2" } }));
  config.addView(view("match"), opts({ matchParam: "kind=special" }));
  config.addView(view("param"), opts({ requestParam: "debug" }));
  config.addView(view("param-value"), opts({ requestParam: { format: "csv" } }));
  config.addView(
    view("custom"),
    opts({
      custom: [
        (_context: unknown, request: unknown) => (request as PyramidRequest).params.has("magic"),
      ],
    }),
  );
  // Two predicates beat one: POST + requestParam=debug.
  config.addView(view("post+param"), opts({ requestMethod: "POST", requestParam: "debug" }));
  await withApp(config, async (app) => {
    // As in Pyramid, a request without Accept admits every media type, so the 'json' view
    // (one predicate, added early) would win ties; these requests say what they accept.
    const text = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has("accept")) headers.set("accept", "text/plain");
      const { status, text } = await call(app, path, { ...init, headers });
      assert.equal(status, 200, `${path}: ${text}`);
      return text;
    };
    assert.equal(await text("/items/a"), "plain");
    assert.equal(await text("/items/a", { method: "POST" }), "post");
    assert.equal(await text("/items/a", { headers: { accept: "application/json" } }), "json");
    assert.equal(await text("/items/a", { headers: { accept: "text/html" } }), "plain");
    assert.equal(await text("/items/a", { headers: { accept: "*/*" } }), "json");
    assert.equal(
      await text("/items/a", { headers: { "x-requested-with": "XMLHttpRequest" } }),
      "xhr",
    );
    assert.equal(await text("/items/a", { headers: { "x-api-key": "k" } }), "header");
    assert.equal(await text("/items/a", { headers: { "x-version": "2.0" } }), "header-regex");
    assert.equal(await text("/items/a", { headers: { "x-version": "1.0" } }), "plain");
    assert.equal(await text("/items/special"), "match");
    assert.equal(await text("/items/a?debug"), "param");
    assert.equal(await text("/items/a?format=csv"), "param-value");
    assert.equal(await text("/items/a?format=xml"), "plain");
    assert.equal(await text("/items/a?magic=1"), "custom");
    assert.equal(await text("/items/a?debug=1", { method: "POST" }), "post+param");
    assert.equal(
      await text("/items/a", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "debug=1",
      }),
      "post+param",
    );
  });
});

Deno.test("a matched route with no view for the method is a 405 with Allow", async () => {
  const config = new Configurator();
  config.addRoute("thing", "/thing");
  config.addRoute("only_get", "/only-get");
  config.addView(async () => "created", {
    routeName: "thing",
    requestMethod: "POST",
    renderer: "string",
  });
  config.addView(async () => "replaced", {
    routeName: "thing",
    requestMethod: ["PUT", "patch"],
    renderer: "string",
  });
  config.addView(async () => "got", {
    routeName: "only_get",
    requestMethod: "GET",
    renderer: "string",
  });
  await withApp(config, async (app) => {
    const refused = await call(app, "/thing");
    assert.equal(refused.status, 405);
    assert.equal(refused.headers.get("allow"), "PATCH, POST, PUT");
    assert.match(refused.text, /GET is not allowed/);
    const del = await call(app, "/only-get", { method: "DELETE" });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get("allow"), "GET, HEAD");
    // The app still serves.
    assert.equal((await call(app, "/thing", { method: "PATCH" })).text, "replaced");
    assert.equal((await call(app, "/only-get")).text, "got");
  });
});

Deno.test("a matched route whose views' other predicates fail is a 404, not a 405", async () => {
  const config = new Configurator();
  config.addRoute("thing", "/thing");
  config.addView(async () => "json", {
    routeName: "thing",
    accept: "application/json",
    renderer: "string",
  });
  await withApp(config, async (app) => {
    const refused = await call(app, "/thing", { headers: { accept: "image/png" } });
    assert.equal(refused.status, 404);
    assert.equal(
      (await call(app, "/thing", { headers: { accept: "application/json" } })).text,
      "json",
    );
  });
});

Deno.test("HEAD is answered by a GET view, without a body", async () => {
  const config = new Configurator();
  config.addRoute("page", "/page");
  config.addView(async () => "hello body", {
    routeName: "page",
    requestMethod: "GET",
    renderer: "string",
  });
  await withApp(config, async (app) => {
    const head = await app.fetch(new Request("http://localhost/page", { method: "HEAD" }));
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(await head.text(), "");
    assert.equal((await call(app, "/page")).text, "hello body");
  });
});

Deno.test("an unknown route is a 404 through the not-found view", async () => {
  const config = new Configurator();
  config.addRoute("home", "/");
  config.addView(async () => "home", { routeName: "home", renderer: "string" });
  config.addNotFoundView(async (context: unknown, request: PyramidRequest) => {
    request.response.status = 404;
    return { missing: request.path, isNotFound: context instanceof HTTPNotFound };
  }, { renderer: "json" });
  await withApp(config, async (app) => {
    const missing = await call(app, "/nowhere/at/all");
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(missing.text), { missing: "/nowhere/at/all", isNotFound: true });
    assert.equal((await call(app, "/")).text, "home");
  });
});

Deno.test("without a not-found view a 404 renders itself, as text or JSON", async () => {
  const config = new Configurator();
  await withApp(config, async (app) => {
    const text = await call(app, "/nope");
    assert.equal(text.status, 404);
    assert.match(text.text, /^404 Not Found/);
    assert.match(text.text, /No route matches \/nope/);
    const json = await call(app, "/nope", { headers: { accept: "application/json" } });
    assert.equal(json.status, 404);
    assert.equal(JSON.parse(json.text).status, 404);
  });
});

class Folder extends DummyResource {}
class Document extends DummyResource {}
class Report extends Document {}

function tree(): DummyResource {
  const root = new Folder();
  const docs = root.add("docs", new Folder());
  docs.add("readme", new Document());
  docs.add("q1", new Report());
  docs.add("100%", new Document());
  docs.add("a%41", new Document());
  return root;
}

Deno.test("traversal views: context class (instanceof, nearest class wins) and @@name", async () => {
  const root = tree();
  const config = new Configurator({ rootFactory: () => root });
  const name = (context: unknown) => (context as DummyResource).__name__;
  config.addView(async (context: unknown, _r: PyramidRequest) => `folder:${name(context)}`, {
    context: Folder,
    renderer: "string",
  });
  config.addView(async (context: unknown, _r: PyramidRequest) => `document:${name(context)}`, {
    context: Document,
    renderer: "string",
  });
  config.addView(async (context: unknown, _r: PyramidRequest) => `report:${name(context)}`, {
    context: Report,
    renderer: "string",
  });
  config.addView(
    async (context: unknown, request: PyramidRequest) =>
      `edit:${name(context)}:${request.subpath.join("/")}`,
    { context: Document, name: "edit", renderer: "string" },
  );
  // A view for any context, reached only by name.
  config.addView(async () => "about", { name: "about", renderer: "string" });
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/")).text, "folder:");
    assert.equal((await call(app, "/docs")).text, "folder:docs");
    assert.equal((await call(app, "/docs/readme")).text, "document:readme");
    // Report is a Document, but its own view is nearer.
    assert.equal((await call(app, "/docs/q1")).text, "report:q1");
    // The Document 'edit' view applies to a Report too.
    assert.equal((await call(app, "/docs/q1/@@edit/a/b")).text, "edit:q1:a/b");
    assert.equal((await call(app, "/docs/readme/edit")).text, "edit:readme:");
    assert.equal((await call(app, "/docs/@@about")).text, "about");
    // A name no view has: 404; a context no view is registered for: 404.
    assert.equal((await call(app, "/docs/readme/@@missing")).status, 404);
    // Percent-escapes are decoded once: '/docs/100%25' is the child named '100%'.
    assert.equal((await call(app, "/docs/100%25")).text, "document:100%");
    assert.equal((await call(app, "/docs/a%2541")).text, "document:a%41");
    // A malformed escape is a 400, and the app still serves.
    assert.equal((await call(app, "/docs/%E0%A4%A")).status, 400);
    assert.equal((await call(app, "/docs/readme")).text, "document:readme");
  });
});

Deno.test("a route view with a context only matches that context", async () => {
  class Special {}
  const config = new Configurator();
  config.addRoute("s", "/s/{which}", {
    factory: (request: PyramidRequest) =>
      request.matchdict.which === "special" ? new Special() : {},
  });
  config.addView(async () => "special", { routeName: "s", context: Special, renderer: "string" });
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/s/special")).text, "special");
    assert.equal((await call(app, "/s/other")).status, 404);
  });
});

Deno.test("custom view predicates: addViewPredicate", async () => {
  const config = new Configurator();
  config.addViewPredicate("weekday", (value) => ({
    kind: "weekday",
    text: `weekday = ${value}`,
    test: (_context, request) => request.headers.get("x-day") === value,
  }));
  assert.throws(() => config.addViewPredicate("weekday", () => ({} as never)), /already exists/);
  config.addRoute("day", "/day");
  config.addView(async () => "monday", { routeName: "day", weekday: "mon", renderer: "string" });
  config.addView(async () => "any day", { routeName: "day", renderer: "string" });
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/day", { headers: { "x-day": "mon" } })).text, "monday");
    assert.equal((await call(app, "/day", { headers: { "x-day": "tue" } })).text, "any day");
  });
});

Deno.test("bad predicate values are ConfigurationErrors", () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  assert.throws(
    () => config.addView(async () => "", { routeName: "x", header: 5 as never }),
    ConfigurationError,
  );
  assert.throws(
    () => config.addView(async () => "", { routeName: "x", custom: ["nope"] as never }),
    ConfigurationError,
  );
  assert.throws(() => config.addView(42 as never, { routeName: "x" }), /takes a function/);
});

Deno.test("views told apart only by custom predicates or same-named context classes do not conflict", async () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  config.addView(async () => "has a", {
    routeName: "x",
    renderer: "string",
    custom: [(_c: unknown, r: unknown) => (r as PyramidRequest).params.has("a")],
  });
  config.addView(async () => "has b", {
    routeName: "x",
    renderer: "string",
    custom: [(_c: unknown, r: unknown) => (r as PyramidRequest).params.has("b")],
  });
  // Two different classes that happen to share a name (as from two modules).
  const make = () =>
    class Item {
      constructor(public __name__: string, public __parent__: unknown) {}
    };
  const First = make();
  const Second = make();
  const root = new Map<string, unknown>([["one", new First("one", null)], [
    "two",
    new Second("two", null),
  ]]);
  config.setRootFactory(() => Object.assign(root, { __name__: "", __parent__: null }));
  config.addView(async () => "first", { context: First, renderer: "string" });
  config.addView(async () => "second", { context: Second, renderer: "string" });
  // The same custom function twice is still a conflict.
  const same = () => true;
  config.addView(async () => "s", { routeName: "x", custom: [same], renderer: "string" });
  assert.throws(
    () => config.addView(async () => "s", { routeName: "x", custom: [same], renderer: "string" }),
    /Conflicting view registrations/,
  );
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/x?a")).text, "has a");
    assert.equal((await call(app, "/x?b")).text, "has b");
    assert.equal((await call(app, "/one")).text, "first");
    assert.equal((await call(app, "/two")).text, "second");
  });
});
