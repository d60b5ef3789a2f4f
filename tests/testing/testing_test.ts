import assert from "node:assert/strict";
import {
  Configurator,
  HTTPBadRequest,
  type PyramidRequest,
  traverse,
  viewConfig,
} from "@aio/pyramid";
import { DummyRequest, DummyResource, testConfig } from "@aio/pyramid/testing";

// As in aiopyramid's tutorial: a view declared with viewConfig, then called directly.
const home = viewConfig(
  { routeName: "home", renderer: "json" },
  async function home(request: PyramidRequest) {
    const sleep = Number(request.params.get("sleep", "0.1"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { sleep, project: "aio_starter" };
  },
);

Deno.test("a view called directly with a DummyRequest (aiopyramid's tutorial)", async () => {
  const info = await home(new DummyRequest());
  assert.deepEqual(info, { sleep: 0.1, project: "aio_starter" });
  assert.deepEqual(await home(new DummyRequest({ params: { sleep: "0" } })), {
    sleep: 0,
    project: "aio_starter",
  });
});

Deno.test("DummyRequest: params on GET go to the query string, on POST to a form body", () => {
  const get = new DummyRequest({ params: { q: "deno", tag: ["a", "b"] } });
  assert.equal(get.method, "GET");
  assert.equal(get.params.get("q"), "deno");
  assert.deepEqual(get.GET.getAll("tag"), ["a", "b"]);
  assert.equal(get.POST.size, 0);
  const post = new DummyRequest({ method: "post", params: { name: "x y" } });
  assert.equal(post.method, "POST");
  assert.equal(post.GET.size, 0);
  assert.equal(post.POST.get("name"), "x y");
  assert.equal(post.params.get("name"), "x y");
  const both = new DummyRequest({ path: "/search?page=2", params: { q: "z" } });
  assert.equal(both.params.get("page"), "2");
  assert.equal(both.params.get("q"), "z");
  assert.equal(both.path, "/search");
});

Deno.test("DummyRequest: matchdict, json, body, cookies, headers, settings, context", () => {
  const context = new DummyResource({ name: "doc" });
  const request = new DummyRequest({
    method: "PUT",
    path: "/docs/caf%C3%A9",
    matchdict: { id: "7" },
    json: { a: 1 },
    cookies: { session: "a b;c", theme: "dark" },
    headers: { "x-requested-with": "XMLHttpRequest" },
    settings: { "app.name": "demo", "aio.debug": "true" },
    context,
  });
  assert.deepEqual(request.matchdict, { id: "7" });
  assert.deepEqual(request.json, { a: 1 });
  assert.equal(request.text, '{"a":1}');
  assert.equal(request.headers.get("content-type"), "application/json");
  assert.deepEqual({ ...request.cookies }, { session: "a b;c", theme: "dark" });
  assert.ok(request.isXhr);
  assert.equal(request.settings["app.name"], "demo");
  assert.equal(request.registry.aio.debug, true);
  assert.throws(() => {
    (request.settings as Record<string, unknown>)["app.name"] = "changed";
  }, TypeError);
  assert.equal(request.context, context);
  assert.equal(request.path, "/docs/café");
  assert.equal(request.host, "example.com");
  assert.equal(request.routeUrl === undefined, false);
  const raw = new DummyRequest({ body: "plain text" });
  assert.equal(raw.text, "plain text");
  assert.equal(raw.body.byteLength, 10);
  // Malformed JSON in a DummyRequest behaves as in the app: a 400.
  assert.throws(() => new DummyRequest({ method: "POST", body: "{" }).json, HTTPBadRequest);
  // Bad settings are refused as in a Configurator.
  assert.throws(() => new DummyRequest({ settings: { "aio.debug": "perhaps" } }), /aio\.debug/);
});

Deno.test("DummyRequest with an app registry generates route URLs", async () => {
  const config = testConfig();
  config.addRoute("user", "/users/{id}");
  const app = await config.makeApp();
  try {
    const request = new DummyRequest({ registry: app.registry });
    assert.equal(request.routeUrl("user", { parts: { id: 3 } }), "http://example.com/users/3");
    assert.equal(
      request.routePath("user", { parts: { id: 3 }, query: { a: "b" } }),
      "/users/3?a=b",
    );
  } finally {
    await app.close();
  }
});

Deno.test("request.response on a DummyRequest records status, headers and cookies", () => {
  const request = new DummyRequest();
  assert.equal(request.hasResponseDraft, false);
  request.response.status = 201;
  request.response.setCookie("k", "v");
  assert.equal(request.hasResponseDraft, true);
  const response = request.response.toResponse("x", "text/plain");
  assert.equal(response.status, 201);
  assert.deepEqual(response.headers.getSetCookie(), ["k=v; Path=/"]);
});

Deno.test("DummyResource: a Map of children with __name__, __parent__, __acl__ and attributes", async () => {
  const acl = [["Allow", "system.Everyone", "view"]];
  const root = new DummyResource({
    acl,
    title: "Root",
    children: { docs: new DummyResource({ title: "Docs" }) },
  });
  const docs = root.get("docs")!;
  assert.equal(docs.__name__, "docs");
  assert.equal(docs.__parent__, root);
  assert.equal(root.__name__, "");
  assert.equal(root.__parent__, null);
  assert.equal(root.__acl__, acl);
  assert.equal((docs as unknown as { title: string }).title, "Docs");
  const page = docs.add("page", new DummyResource());
  assert.equal(page.__parent__, docs);
  const found = await traverse(root, "/docs/page/@@edit");
  assert.equal(found.context, page);
  assert.equal(found.viewName, "edit");
});

Deno.test("testConfig builds a working Configurator with settings", async () => {
  const config = testConfig({ settings: { "app.greeting": "hi" } });
  assert.ok(config instanceof Configurator);
  config.addRoute("home", "/");
  await config.scan(import.meta.url);
  const app = await config.makeApp();
  try {
    const response = await app.fetch(new Request("http://localhost/?sleep=0"));
    assert.deepEqual(await response.json(), { sleep: 0, project: "aio_starter" });
    assert.equal(app.registry.settings["app.greeting"], "hi");
  } finally {
    await app.close();
  }
});
