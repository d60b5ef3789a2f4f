// One plain test per routing bug and missing feature that the Pyramid differential test found
// (issue 11), each with Pyramid's answer written out.
import assert from "node:assert/strict";
import { type App, ConfigurationError, Configurator, PyramidRequest } from "@aio/pyramid";
import { withApp } from "../_helpers.ts";
import { compilePattern } from "../../src/routing/pattern.ts";

function requestOf(app: App, url = "http://example.com:8080/"): PyramidRequest {
  return new PyramidRequest(new Request(url), app.registry);
}

async function fetchJson(app: App, path: string, headers?: HeadersInit) {
  const response = await app.fetch(new Request(`http://example.com${path}`, { headers }));
  const text = await response.text();
  return { status: response.status, body: response.status === 200 ? JSON.parse(text) : text };
}

/** A JSON view reporting what dispatch and traversal put on the request. */
async function report(context: unknown, request: PyramidRequest) {
  return {
    route: request.matchedRoute?.name ?? null,
    matchdict: request.matchdict,
    subpath: request.subpath,
    viewName: request.viewName,
    context: (context as { __name__?: string } | null)?.__name__ ?? null,
  };
}

Deno.test("generation quotes the pattern's own text, keeping its slashes", () => {
  const cases: [string, string][] = [
    ["/c#/{x}", "/c%23/1"],
    ["/La Peña/{x}", "/La%20Pe%C3%B1a/1"],
    ["/what?/{x}", "/what%3F/1"],
    ["/100%/{x}", "/100%25/1"],
    ["/a:b/{x}", "/a%3Ab/1"],
    ["/a@b;c=d/{x}", "/a%40b%3Bc%3Dd/1"],
    ["/[q]/{x}", "/%5Bq%5D/1"],
  ];
  for (const [pattern, url] of cases) {
    assert.equal(compilePattern(pattern).generate({ x: 1 }), url, pattern);
  }
});

Deno.test("a URL generated from a pattern with reserved text matches its own route", async () => {
  const config = new Configurator();
  config.addRoute("hash", "/c#/{x}");
  config.addRoute("pena", "/La Peña/{x}");
  config.addView(report, { routeName: "hash", renderer: "json" });
  config.addView(report, { routeName: "pena", renderer: "json" });
  await withApp(config, async (app) => {
    const request = requestOf(app);
    for (const name of ["hash", "pena"]) {
      const path = request.routePath(name, { parts: { x: "é 1" } });
      const { status, body } = await fetchJson(app, path);
      assert.equal(status, 200, path);
      assert.equal(body.route, name);
      assert.deepEqual(body.matchdict, { x: "é 1" });
    }
  });
});

Deno.test("star values keep their slashes, empty segments and a leading slash; a missing one is an error", () => {
  assert.equal(
    compilePattern("/abc*remainder").generate({ remainder: "/Québec/La Peña" }),
    "/abc/Qu%C3%A9bec/La%20Pe%C3%B1a",
  );
  assert.equal(
    compilePattern("zzz/{x}*traverse").generate({ x: "abc", traverse: "/def/g" }),
    "/zzz/abc/def/g",
  );
  assert.equal(compilePattern("/f/*subpath").generate({ subpath: "a//b/" }), "/f/a//b/");
  assert.equal(
    compilePattern("/f/*subpath").generate({ subpath: ["a b", "", "c"] }),
    "/f/a%20b//c",
  );
  assert.throws(
    () => compilePattern("/abc*remainder").generate({}),
    (error: Error) =>
      error instanceof ConfigurationError && /part 'remainder' is missing/.test(error.message),
  );
});

Deno.test("a slash in a placeholder value stays a slash, as in Pyramid's route_url", () => {
  assert.equal(compilePattern("/{x}").generate({ x: "a/b/c" }), "/a/b/c");
  assert.equal(compilePattern("/{x}").generate({ x: ":@&+$," }), "/:@&+$,");
  assert.equal(compilePattern("/{x}").generate({ x: "a b?#" }), "/a%20b%3F%23");
});

Deno.test("*subpath drops . and .. segments, so a view cannot be walked out of its folder", async () => {
  const config = new Configurator();
  config.addRoute("files", "/files/*subpath");
  config.addView(report, { routeName: "files", renderer: "json" });
  await withApp(config, async (app) => {
    const attack = await fetchJson(app, "/files/..%2F..%2Fetc%2Fpasswd");
    assert.equal(attack.status, 200);
    assert.deepEqual(attack.body.subpath, ["etc", "passwd"]);
    const dots = await fetchJson(app, "/files/a/.%2Fb//c%2F..%2Fd");
    assert.deepEqual(dots.body.subpath, ["a", "b", "d"]);
    // The server still serves ordinary requests afterwards.
    assert.deepEqual((await fetchJson(app, "/files/x.txt")).body.subpath, ["x.txt"]);
  });
});

Deno.test("request.subpath comes from *subpath or {subpath} only, not from other star names", async () => {
  const config = new Configurator();
  config.addRoute("rest", "/rest/*rest");
  config.addRoute("sub", "/sub/{subpath:.*}");
  config.addView(report, { routeName: "rest", renderer: "json" });
  config.addView(report, { routeName: "sub", renderer: "json" });
  await withApp(config, async (app) => {
    const rest = await fetchJson(app, "/rest/a/b");
    assert.equal(rest.body.matchdict.rest, "a/b");
    assert.deepEqual(rest.body.subpath, []);
    const sub = await fetchJson(app, "/sub/a/b/../c");
    assert.deepEqual(sub.body.subpath, ["a", "c"]);
  });
});

Deno.test("route prefixes compose as Pyramid's: '' under /users is /users/, //a// is a", async () => {
  const config = new Configurator();
  await config.include((users) => {
    users.addRoute("users", "");
    users.addView(report, { routeName: "users", renderer: "json" });
  }, { routePrefix: "/users" });
  await config.include((a) => {
    a.addRoute("ab", "b");
    a.addView(report, { routeName: "ab", renderer: "json" });
    a.addRoute("exact", "", { inheritSlash: true });
    a.addView(report, { routeName: "exact", renderer: "json" });
  }, { routePrefix: "//a//" });
  await withApp(config, async (app) => {
    assert.equal((await fetchJson(app, "/users/")).body.route, "users");
    assert.equal((await fetchJson(app, "/users")).status, 404);
    assert.equal((await fetchJson(app, "/a/b")).body.route, "ab");
    assert.equal((await fetchJson(app, "/a")).body.route, "exact");
    assert.equal(requestOf(app).routePath("users"), "/users/");
  });
  assert.throws(
    () => new Configurator().addRoute("x", "/x", { inheritSlash: true }),
    /inheritSlash only applies to an empty pattern/,
  );
});

Deno.test("the route index files /a*b/c under 'a*b', so the route matches", async () => {
  const config = new Configurator();
  config.addRoute("astar", "/a*b/c");
  config.addRoute("a", "/a/{x}");
  config.addView(report, { routeName: "astar", renderer: "json" });
  config.addView(report, { routeName: "a", renderer: "json" });
  await withApp(config, async (app) => {
    assert.equal((await fetchJson(app, "/a*b/c")).body.route, "astar");
    assert.equal((await fetchJson(app, "/a/1")).body.route, "a");
    assert.equal(requestOf(app).routePath("astar"), "/a%2Ab/c");
  });
});

Deno.test("queries and anchors are quoted as Pyramid quotes them", async () => {
  const config = new Configurator();
  config.addRoute("home", "/");
  await withApp(config, async (app) => {
    const request = requestOf(app);
    const path = (options: Parameters<PyramidRequest["routePath"]>[1]) =>
      request.routePath("home", options);
    assert.equal(path({ query: { a: "hi there" } }), "/?a=hi+there");
    assert.equal(path({ query: { a: "~*'()!" } }), "/?a=~%2A%27%28%29%21");
    assert.equal(path({ anchor: "" }), "/");
    assert.equal(path({ anchor: "a/b?c:d@e f" }), "/#a/b?c:d@e%20f");
    assert.equal(path({ query: "a b&c=d/e?f" }), "/?a%20b&c=d/e?f");
    assert.equal(path({ query: { k: null, u: undefined } }), "/?k=");
    assert.equal(path({ query: {} }), "/");
  });
});

Deno.test("old-style :name placeholders match and generate", async () => {
  const compiled = compilePattern("/foo/:baz/biz/:buz/bar");
  assert.deepEqual(compiled.match("/foo/baz/biz/buz/bar"), { baz: "baz", buz: "buz" });
  assert.equal(compiled.generate({ baz: 1, buz: 2 }), "/foo/1/biz/2/bar");
  // A pattern with a {name} placeholder keeps its colons as text.
  assert.deepEqual(compilePattern("foo/{baz:abc}/:x").match("/foo/abc/:x"), { baz: "abc" });
  const config = new Configurator();
  config.addRoute("old", "/foo/:id.html");
  config.addView(report, { routeName: "old", renderer: "json" });
  await withApp(config, async (app) => {
    assert.deepEqual((await fetchJson(app, "/foo/bar.html")).body.matchdict, { id: "bar" });
  });
});

class Folder extends Map<string, unknown> {
  constructor(public __name__: string, public __parent__: Folder | null) {
    super();
  }
  add(name: string): Folder {
    const child = new Folder(name, this);
    this.set(name, child);
    return child;
  }
}

Deno.test("{traverse} placeholder traverses from the route's root, as *traverse does", async () => {
  const root = new Folder("", null);
  root.add("docs").add("intro");
  const config = new Configurator();
  config.addRoute("tp", "/tp/{traverse}", { factory: () => root });
  config.addRoute("tr", "/tr/{traverse:.*}", { factory: () => root });
  config.addView(report, { routeName: "tp", renderer: "json" });
  config.addView(report, { routeName: "tr", renderer: "json" });
  await withApp(config, async (app) => {
    assert.equal((await fetchJson(app, "/tp/docs")).body.context, "docs");
    assert.equal((await fetchJson(app, "/tr/docs/intro")).body.context, "intro");
  });
});

Deno.test("X-Vhm-Root applies after URL dispatch: a *traverse route walks below the virtual root", async () => {
  const root = new Folder("", null);
  const site = root.add("site");
  site.add("about");
  const config = new Configurator();
  config.addRoute("pages", "/pages/*traverse", { factory: () => root });
  config.addView(report, { routeName: "pages", renderer: "json" });
  await withApp(config, async (app) => {
    const found = await fetchJson(app, "/pages/about", { "x-vhm-root": "/site" });
    assert.equal(found.body.context, "about");
    assert.equal((await fetchJson(app, "/pages/site/about")).body.context, "about");
    assert.equal((await fetchJson(app, "/pages/about")).status, 404);
  });
});

Deno.test("external patterns generate URLs to their host and never match", async () => {
  const config = new Configurator();
  config.addRoute("docs", "http://other.example.org/docs/{page}");
  config.addRoute("cdn", "//cdn.example.org/{file}");
  config.addView(report, { routeName: "docs", renderer: "json" });
  await withApp(config, async (app) => {
    const request = requestOf(app, "https://example.com/");
    assert.equal(
      request.routeUrl("docs", { parts: { page: "a b" }, query: { q: "1" } }),
      "http://other.example.org/docs/a%20b?q=1",
    );
    assert.equal(
      request.routeUrl("cdn", { parts: { file: "x.css" } }),
      "https://cdn.example.org/x.css",
    );
    assert.throws(() => request.routePath("docs", { parts: { page: "a" } }), /external pattern/);
    assert.equal((await fetchJson(app, "/docs/a")).status, 404);
  });
});

Deno.test("request.resourceUrl leaves out the X-Vhm-Root path, as Pyramid's resource_url", async () => {
  const root = new Folder("", null);
  const about = root.add("site").add("about me");
  const config = new Configurator();
  await withApp(config, async (app) => {
    const proxied = new PyramidRequest(
      new Request("http://example.com/", { headers: { "x-vhm-root": "/site" } }),
      app.registry,
    );
    assert.equal(proxied.resourceUrl(about, "edit"), "http://example.com/about%20me/edit");
    assert.equal(requestOf(app).resourceUrl(about), "http://example.com:8080/site/about%20me/");
  });
});
