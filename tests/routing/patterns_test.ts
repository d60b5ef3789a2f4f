import assert from "node:assert/strict";
import { withApp } from "../_helpers.ts";
import { type App, ConfigurationError, Configurator, type PyramidRequest } from "@aio/pyramid";

function get(app: App, path: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(app.fetch(new Request(`http://localhost${path}`, init)));
}

async function json(app: App, path: string, init?: RequestInit): Promise<[number, unknown]> {
  const response = await get(app, path, init);
  const text = await response.text();
  return [
    response.status,
    response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text,
  ];
}

/** A JSON view that echoes which route matched and what it captured. */
function echo(label: string) {
  return async function echoView(request: PyramidRequest) {
    return {
      view: label,
      route: request.matchedRoute?.name,
      matchdict: request.matchdict,
      subpath: request.subpath,
    };
  };
}

Deno.test("{name} matches one segment and not a slash", async () => {
  const config = new Configurator();
  config.addRoute("user", "/users/{name}");
  config.addView(echo("user"), { routeName: "user", renderer: "json" });
  await withApp(config, async (app) => {
    const [status, body] = await json(app, "/users/alice");
    assert.equal(status, 200);
    assert.deepEqual((body as { matchdict: unknown }).matchdict, { name: "alice" });
    const [missing] = await json(app, "/users/alice/extra");
    assert.equal(missing, 404);
    const [empty] = await json(app, "/users/");
    assert.equal(empty, 404);
    // Percent-escapes are decoded before matching, as in Pyramid.
    const [, decoded] = await json(app, "/users/j%C3%BCrgen%20k");
    assert.deepEqual((decoded as { matchdict: unknown }).matchdict, { name: "jürgen k" });
  });
});

Deno.test("{name:regex} constrains the segment; regexes may have groups and braces", async () => {
  const config = new Configurator();
  config.addRoute("num", "/n/{id:\\d+}");
  config.addRoute("code", "/c/{year:\\d{4}}-{slug:(foo|bar)-\\d{2}}/{rest}");
  config.addRoute("named", "/g/{kind:(?<k>a|b)(c)?}/{tail}");
  config.addView(echo("num"), { routeName: "num", renderer: "json" });
  config.addView(echo("code"), { routeName: "code", renderer: "json" });
  config.addView(echo("named"), { routeName: "named", renderer: "json" });
  await withApp(config, async (app) => {
    assert.equal((await json(app, "/n/abc"))[0], 404);
    assert.equal((await json(app, "/n/12a"))[0], 404);
    const [ok, body] = await json(app, "/n/42");
    assert.equal(ok, 200);
    assert.deepEqual((body as { matchdict: unknown }).matchdict, { id: "42" });

    const [status, code] = await json(app, "/c/2024-bar-07/x");
    assert.equal(status, 200);
    assert.deepEqual((code as { matchdict: unknown }).matchdict, {
      year: "2024",
      slug: "bar-07",
      rest: "x",
    });
    assert.equal((await json(app, "/c/24-bar-07/x"))[0], 404);
    assert.equal((await json(app, "/c/2024-baz-07/x"))[0], 404);
    assert.equal((await json(app, "/c/2024-bar-007/x"))[0], 404);

    const [, named] = await json(app, "/g/ac/t");
    assert.deepEqual((named as { matchdict: unknown }).matchdict, { kind: "ac", tail: "t" });
  });
});

Deno.test("*stararg captures the rest of the path and sets subpath", async () => {
  const config = new Configurator();
  config.addRoute("files", "/files/*subpath");
  config.addView(echo("files"), { routeName: "files", renderer: "json" });
  await withApp(config, async (app) => {
    const [status, body] = await json(app, "/files/a/b%20c/d.txt");
    assert.equal(status, 200);
    const b = body as { matchdict: Record<string, string>; subpath: string[] };
    assert.equal(b.matchdict.subpath, "a/b c/d.txt");
    assert.deepEqual(b.subpath, ["a", "b c", "d.txt"]);
    const [, empty] = await json(app, "/files/");
    assert.deepEqual((empty as { subpath: string[] }).subpath, []);
  });
});

Deno.test("*traverse routes traverse from the route's root factory", async () => {
  class Folder extends Map<string, unknown> {
    constructor(public __name__: string, public __parent__: Folder | null) {
      super();
    }
  }
  class Page {
    constructor(public __name__: string, public __parent__: Folder) {}
  }
  const root = new Folder("", null);
  const docs = new Folder("docs", root);
  root.set("docs", docs);
  docs.set("intro", new Page("intro", docs));
  const config = new Configurator();
  config.addRoute("site", "/site/*traverse", { factory: () => root });
  config.addView(
    async (context: unknown, request: PyramidRequest) =>
      `folder ${(context as Folder).__name__} view=${request.viewName}`,
    { routeName: "site", context: Folder, renderer: "string" },
  );
  config.addView(
    async (context: unknown, _request: PyramidRequest) => `page ${(context as Page).__name__}`,
    { routeName: "site", context: Page, renderer: "string" },
  );
  config.addView(
    async (context: unknown, request: PyramidRequest) =>
      `edit ${(context as Page).__name__} sub=${request.subpath.join(",")}`,
    { routeName: "site", context: Page, name: "edit", renderer: "string" },
  );
  await withApp(config, async (app) => {
    assert.equal(await (await get(app, "/site/docs")).text(), "folder docs view=");
    assert.equal(await (await get(app, "/site/docs/intro")).text(), "page intro");
    assert.equal(
      await (await get(app, "/site/docs/intro/@@edit/x/y")).text(),
      "edit intro sub=x,y",
    );
    assert.equal(await (await get(app, "/site/")).text(), "folder  view=");
    const missing = await get(app, "/site/docs/intro/nope");
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

Deno.test("a leading slash is optional in patterns", async () => {
  const config = new Configurator();
  config.addRoute("about", "about");
  config.addRoute("item", "items/{id}");
  config.addView(echo("about"), { routeName: "about", renderer: "json" });
  config.addView(echo("item"), { routeName: "item", renderer: "json" });
  await withApp(config, async (app) => {
    assert.equal((await json(app, "/about"))[0], 200);
    const [, item] = await json(app, "/items/3");
    assert.deepEqual((item as { matchdict: unknown }).matchdict, { id: "3" });
    const request = await captureRequest(app);
    assert.equal(request.routePath("about"), "/about");
    assert.equal(request.routePath("item", { parts: { id: 3 } }), "/items/3");
  });
});

Deno.test("routes are tried in the order they were added: first added, first matched", async () => {
  const config = new Configurator();
  config.addRoute("generic", "/pages/{name}");
  config.addRoute("special", "/pages/special");
  config.addRoute("late", "/late/special");
  config.addRoute("late_generic", "/late/{name}");
  for (const name of ["generic", "special", "late", "late_generic"]) {
    config.addView(echo(name), { routeName: name, renderer: "json" });
  }
  await withApp(config, async (app) => {
    assert.equal(((await json(app, "/pages/special"))[1] as { route: string }).route, "generic");
    assert.equal(((await json(app, "/late/special"))[1] as { route: string }).route, "late");
    assert.equal(((await json(app, "/late/other"))[1] as { route: string }).route, "late_generic");
  });
});

Deno.test("route predicates: a failing one lets a later route match", async () => {
  const config = new Configurator();
  config.addRoute("create", "/things", { requestMethod: "POST" });
  config.addRoute("list", "/things");
  config.addRoute("h_special", "/h", { header: "X-Special" });
  config.addRoute("h_regex", "/h", { header: { "X-Version": /^2\./ } });
  config.addRoute("h_plain", "/h");
  config.addRoute("ajax", "/x", { xhr: true });
  config.addRoute("plain", "/x");
  config.addRoute("as_json", "/a", { accept: "application/json" });
  config.addRoute("as_html", "/a");
  config.addRoute("search", "/s", { requestParam: "q" });
  config.addRoute("search_v", "/s", { requestParam: "mode=exact" });
  config.addRoute("browse", "/s");
  for (
    const name of [
      "create",
      "list",
      "h_special",
      "h_regex",
      "h_plain",
      "ajax",
      "plain",
      "as_json",
      "as_html",
      "search",
      "search_v",
      "browse",
    ]
  ) {
    config.addView(echo(name), { routeName: name, renderer: "json" });
  }
  const routeOf = async (app: App, path: string, init?: RequestInit) => {
    const [status, body] = await json(app, path, init);
    assert.equal(status, 200, `${path} answered ${status}`);
    return (body as { route: string }).route;
  };
  await withApp(config, async (app) => {
    assert.equal(await routeOf(app, "/things", { method: "POST", body: "" }), "create");
    assert.equal(await routeOf(app, "/things"), "list");
    assert.equal(await routeOf(app, "/h", { headers: { "X-Special": "1" } }), "h_special");
    assert.equal(await routeOf(app, "/h", { headers: { "X-Version": "2.1" } }), "h_regex");
    assert.equal(await routeOf(app, "/h", { headers: { "X-Version": "1.9" } }), "h_plain");
    assert.equal(
      await routeOf(app, "/x", { headers: { "X-Requested-With": "XMLHttpRequest" } }),
      "ajax",
    );
    assert.equal(await routeOf(app, "/x"), "plain");
    assert.equal(await routeOf(app, "/a", { headers: { accept: "application/json" } }), "as_json");
    assert.equal(await routeOf(app, "/a", { headers: { accept: "text/html" } }), "as_html");
    assert.equal(
      await routeOf(app, "/a", { headers: { accept: "application/*;q=0.5" } }),
      "as_json",
    );
    assert.equal(
      await routeOf(app, "/a", { headers: { accept: "application/json;q=0" } }),
      "as_html",
    );
    assert.equal(await routeOf(app, "/s?q=deno"), "search");
    assert.equal(await routeOf(app, "/s?mode=exact"), "search_v");
    assert.equal(await routeOf(app, "/s?mode=fuzzy"), "browse");
    // A form field counts as a request param too.
    assert.equal(
      await routeOf(app, "/s", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "q=x",
      }),
      "search",
    );
  });
});

async function captureRequest(app: App): Promise<PyramidRequest> {
  // Any request object of the app: routePath does not depend on the path requested.
  const { PyramidRequest } = await import("@aio/pyramid");
  return new PyramidRequest(new Request("http://example.com:8080/"), app.registry);
}

Deno.test("routeUrl and routePath build URLs from parts, query, elements and anchor", async () => {
  const config = new Configurator();
  config.addRoute("user", "/users/{id:\\d+}/{slug}");
  config.addRoute("files", "/files/*subpath");
  config.addRoute("home", "/");
  config.addRoute("external", "https://example.org/{page}", { static: true });
  await withApp(config, async (app) => {
    const request = await captureRequest(app);
    assert.equal(request.routePath("user", { parts: { id: 7, slug: "hello" } }), "/users/7/hello");
    assert.equal(
      request.routeUrl("user", { parts: { id: 7, slug: "hello" } }),
      "http://example.com:8080/users/7/hello",
    );
    assert.equal(
      request.routePath("user", {
        parts: { id: 1, slug: "s" },
        query: { q: "a b", tag: ["x", "y"], skip: undefined },
        anchor: "top",
      }),
      "/users/1/s?q=a+b&tag=x&tag=y#top",
    );
    assert.equal(
      request.routePath("user", { parts: { id: 1, slug: "s" }, elements: ["edit", "a b"] }),
      "/users/1/s/edit/a%20b",
    );
    assert.equal(request.routePath("home", { elements: ["x"] }), "/x");
    assert.equal(request.routePath("home", { query: [["a", 1], ["a", 2]] }), "/?a=1&a=2");
    assert.equal(request.routePath("files", { parts: { subpath: "a/b c/d" } }), "/files/a/b%20c/d");
    // As Pyramid: a slash inside a star value's segment stays a slash.
    assert.equal(
      request.routePath("files", { parts: { subpath: ["a/b", "c"] } }),
      "/files/a/b/c",
    );
    assert.equal(request.routePath("files", { parts: { subpath: "" } }), "/files/");
    assert.throws(() => request.routePath("files"), /part 'subpath' is missing/);
  });
});

Deno.test("routePath quotes parts the way Pyramid does", async () => {
  const config = new Configurator();
  config.addRoute("thing", "/t/{name}");
  await withApp(config, async (app) => {
    const request = await captureRequest(app);
    assert.equal(
      request.routePath("thing", { parts: { name: "a b/c?d#e" } }),
      "/t/a%20b/c%3Fd%23e",
    );
    assert.equal(request.routePath("thing", { parts: { name: "é" } }), "/t/%C3%A9");
    // Pyramid's quote_path_segment leaves sub-delims, ':' and '@' alone.
    assert.equal(
      request.routePath("thing", { parts: { name: "a:b@c+d,e;f=g&h" } }),
      "/t/a:b@c+d,e;f=g&h",
    );
    assert.equal(request.routePath("thing", { parts: { name: "100%" } }), "/t/100%25");
  });
});

Deno.test("a generated URL round-trips through matching", async () => {
  const config = new Configurator();
  config.addRoute("thing", "/t/{name}");
  config.addView(echo("thing"), { routeName: "thing", renderer: "json" });
  await withApp(config, async (app) => {
    const request = await captureRequest(app);
    // (A '/' inside a part is quoted, but matching runs on the decoded path, as in Pyramid,
    // so such a URL would not match a one-segment placeholder.)
    for (const name of ["a b", "é ü", "100%", "x?y#z", "a+b", "%41"]) {
      const [status, body] = await json(app, request.routePath("thing", { parts: { name } }));
      assert.equal(status, 200, name);
      assert.deepEqual((body as { matchdict: unknown }).matchdict, { name });
    }
  });
});

Deno.test("routeUrl errors: a missing part and an unknown route name", async () => {
  const config = new Configurator();
  config.addRoute("user", "/users/{id}");
  await withApp(config, async (app) => {
    const request = await captureRequest(app);
    assert.throws(
      () => request.routePath("user"),
      (error: Error) =>
        error instanceof ConfigurationError && /part 'id' is missing/.test(error.message) &&
        /parts: \{ id/.test(error.message),
    );
    assert.throws(
      () => request.routeUrl("nope"),
      (error: Error) =>
        error instanceof ConfigurationError && /No route named 'nope'/.test(error.message) &&
        /Known routes: user/.test(error.message),
    );
  });
});

Deno.test("malformed patterns are ConfigurationErrors", () => {
  const config = new Configurator();
  assert.throws(() => config.addRoute("a", "/a/{id"), ConfigurationError);
  assert.throws(() => config.addRoute("b", "/b/{id}/{id}"), /twice/);
  assert.throws(() => config.addRoute("c", "/c/{id:[}"), ConfigurationError);
  assert.throws(() => config.addRoute("d", "/d/{id:(}"), /invalid regular expression/);
});
