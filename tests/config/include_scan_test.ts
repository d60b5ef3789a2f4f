import assert from "node:assert/strict";
import { withApp } from "../_helpers.ts";
import { type App, ConfigurationError, Configurator, type PyramidRequest } from "@aio/pyramid";
import { DummyRequest } from "@aio/pyramid/testing";
import { home } from "./fixtures/views.ts";

async function fetchText(app: App, path: string, init?: RequestInit): Promise<[number, string]> {
  const response = await app.fetch(new Request(`http://localhost${path}`, init));
  return [response.status, await response.text()];
}

/** The line this is called from (for asserting registration sites in messages). */
function line(_value?: unknown): number {
  const frame = new Error().stack!.split("\n")[2];
  return Number(/:(\d+):\d+\)?$/.exec(frame)![1]);
}

const THIS_FILE = new URL(import.meta.url).href;

/** 1-based numbers of the lines of a fixture that contain `needle`. */
function linesOf(url: string, needle: string): number[] {
  return Deno.readTextFileSync(new URL(url)).split("\n")
    .flatMap((text, i) => text.includes(needle) ? [i + 1] : []);
}

Deno.test("include(fn, { routePrefix, routeNamePrefix }) prefixes patterns and names", async () => {
  const config = new Configurator();
  await config.include((api) => {
    api.addRoute("projects", "/projects/{id}");
    api.addView(
      async (request: PyramidRequest) => ({
        name: request.matchedRoute?.name,
        id: request.matchdict.id,
        url: request.routePath("api.projects", { parts: { id: 9 } }),
      }),
      // The view names the route as the included code knows it.
      { routeName: "projects", renderer: "json" },
    );
  }, { routePrefix: "/api", routeNamePrefix: "api" });
  await withApp(config, async (app) => {
    const [status, text] = await fetchText(app, "/api/projects/3");
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(text), { name: "api.projects", id: "3", url: "/api/projects/9" });
    assert.equal((await fetchText(app, "/projects/3"))[0], 404);
    assert.ok(app.registry.routesByName.has("api.projects"));
    assert.ok(!app.registry.routesByName.has("projects"));
  });
});

Deno.test("nested includes compose route and name prefixes", async () => {
  const config = new Configurator();
  await config.include(async (api) => {
    await api.include((v1) => {
      v1.addRoute("users", "users/{id}");
      // As in Pyramid, "/" and "" under a prefix both end in a slash; inheritSlash makes ""
      // the prefix itself.
      v1.addRoute("root", "/");
      v1.addRoute("bare", "", { inheritSlash: true });
      const name = async (r: PyramidRequest) => new Response(r.matchedRoute!.name);
      for (const routeName of ["users", "root", "bare"]) v1.addView(name, { routeName });
    }, { routePrefix: "v1/", routeNamePrefix: "v1" });
    // A nested include without options keeps the parent's prefixes.
    await api.include((same) => {
      same.addRoute("health", "/health");
      same.addView(async () => new Response("ok"), { routeName: "health" });
    });
  }, { routePrefix: "/api/", routeNamePrefix: "api" });
  await withApp(config, async (app) => {
    assert.deepEqual(await fetchText(app, "/api/v1/users/5"), [200, "api.v1.users"]);
    assert.deepEqual(await fetchText(app, "/api/v1/"), [200, "api.v1.root"]);
    assert.deepEqual(await fetchText(app, "/api/v1"), [200, "api.v1.bare"]);
    assert.deepEqual(await fetchText(app, "/api/health"), [200, "ok"]);
    assert.deepEqual(
      [...app.registry.routesByName.keys()].sort(),
      ["api.health", "api.v1.bare", "api.v1.root", "api.v1.users"],
    );
  });
});

Deno.test("include() of a module URL finds includeme, or the default export", async () => {
  const config = new Configurator();
  // Not awaited: makeApp() finishes pending includes.
  config.include("./fixtures/api.ts", { routePrefix: "/api", routeNamePrefix: "api" });
  config.include(new URL("./fixtures/default_export.ts", import.meta.url));
  await withApp(config, async (app) => {
    const [status, text] = await fetchText(app, "/api/status");
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(text), { route: "api.status" });
    // The string view "./views.ts#hello" resolved against fixtures/api.ts.
    assert.deepEqual(await fetchText(app, "/api/hello/deno"), [200, "hello deno"]);
    assert.deepEqual(await fetchText(app, "/ping"), [200, "pong"]);
  });
});

Deno.test("include() of a module without includeme, or that does not exist, is a ConfigurationError", async () => {
  const config = new Configurator();
  await assert.rejects(
    config.include("./fixtures/not_includable.ts"),
    (error: Error) =>
      error instanceof ConfigurationError && /must export a function includeme/.test(error.message),
  );
  const other = new Configurator();
  await assert.rejects(
    other.include("./fixtures/does_not_exist.ts"),
    (error: Error) => error instanceof ConfigurationError && /could not import/.test(error.message),
  );
  // makeApp() reports the failed include too, rather than building half an app.
  await assert.rejects(other.makeApp(), ConfigurationError);
});

Deno.test("scan() of a module registers exported and non-exported viewConfig views", async () => {
  const config = new Configurator();
  for (const name of ["home", "secret", "multi"]) config.addRoute(name, `/${name}`);
  await config.scan("./fixtures/views.ts");
  await withApp(config, async (app) => {
    const [status, text] = await fetchText(app, "/home?q=x");
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(text), { page: "home", q: "x" });
    assert.deepEqual(await fetchText(app, "/secret"), [200, "hidden but scanned"]);
    assert.deepEqual(await fetchText(app, "/multi"), [200, "multi GET"]);
    assert.deepEqual(await fetchText(app, "/multi", { method: "POST" }), [200, "multi POST"]);
  });
});

Deno.test("viewConfig returns the view unchanged, so it can be called directly", async () => {
  assert.equal(typeof home, "function");
  assert.equal(home.name, "home");
  assert.deepEqual(await home(new DummyRequest({ params: { q: "direct" } })), {
    page: "home",
    q: "direct",
  });
});

Deno.test("scan() of a directory imports every module below it", async () => {
  const config = new Configurator();
  config.addRoute("one", "/one");
  config.addRoute("two", "/two");
  await config.scan("./fixtures/scan_dir/");
  await withApp(config, async (app) => {
    assert.deepEqual(await fetchText(app, "/one"), [200, "one"]);
    assert.deepEqual(await fetchText(app, "/two"), [200, "two"]);
  });
});

Deno.test("scan() of a path that does not exist is a ConfigurationError", async () => {
  const config = new Configurator();
  await assert.rejects(
    config.scan("./fixtures/nowhere"),
    (error: Error) => error instanceof ConfigurationError && /nothing at/.test(error.message),
  );
});

Deno.test("'./module.ts#name' string views resolve against the caller's module", async () => {
  const config = new Configurator();
  config.addRoute("hello", "/hello/{name}");
  config.addRoute("shout", "/shout/{name}");
  config.addView("./fixtures/views.ts#hello", { routeName: "hello", renderer: "string" });
  config.addView("./fixtures/views.ts#Greeter", {
    routeName: "shout",
    attr: "shout",
    renderer: "string",
  });
  await withApp(config, async (app) => {
    assert.deepEqual(await fetchText(app, "/hello/deno"), [200, "hello deno"]);
    assert.deepEqual(await fetchText(app, "/shout/deno"), [200, "HELLO DENO"]);
  });
});

Deno.test("a string view naming a missing export or module fails at makeApp()", async () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  const at = line(config.addView("./fixtures/views.ts#notAView", { routeName: "x" }));
  await assert.rejects(config.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /no function export 'notAView'/);
    assert.ok(error.message.includes(`${THIS_FILE}:${at}:`), error.message);
    return true;
  });
  const missing = new Configurator();
  missing.addRoute("x", "/x");
  missing.addView("./fixtures/nope.ts#x", { routeName: "x" });
  await assert.rejects(missing.makeApp(), /could not be imported/);
});

Deno.test("conflicting views are a ConfigurationError naming both registration sites", () => {
  const config = new Configurator();
  config.addRoute("a", "/a");
  const first = line(config.addView(async () => new Response("1"), { routeName: "a" }));
  let second = 0;
  assert.throws(
    () => {
      second = line(config.addView(async () => new Response("2"), { routeName: "a" }));
    },
    (error: Error) => {
      assert.ok(error instanceof ConfigurationError);
      assert.match(error.message, /Conflicting view registrations/);
      assert.ok(error.message.includes(`${THIS_FILE}:${first}:`), error.message);
      assert.ok(error.message.includes(`${THIS_FILE}:${first + 4}:`), error.message);
      return true;
    },
  );
  assert.equal(second, 0);
  // Different predicates tell views apart; the same predicates in another order still clash.
  config.addView(async () => new Response("p"), { routeName: "a", requestMethod: ["POST", "PUT"] });
  assert.throws(
    () =>
      config.addView(async () => new Response("q"), {
        routeName: "a",
        requestMethod: ["PUT", "POST"],
      }),
    ConfigurationError,
  );
});

Deno.test("conflicting viewConfig declarations name both viewConfig() sites", async () => {
  const config = new Configurator();
  config.addRoute("clash", "/clash");
  const fixture = new URL("./fixtures/conflict_views.ts", import.meta.url).href;
  await assert.rejects(config.scan("./fixtures/conflict_views.ts"), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    const [first, second] = linesOf(fixture, "= viewConfig(");
    assert.ok(error.message.includes(`${fixture}:${first}:`), error.message);
    assert.ok(error.message.includes(`${fixture}:${second}:`), error.message);
    return true;
  });
});

Deno.test("a duplicate route name is a ConfigurationError naming both sites", async () => {
  const config = new Configurator();
  const first = line(config.addRoute("home", "/"));
  assert.throws(() => config.addRoute("home", "/other"), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /'home' was added twice/);
    assert.ok(error.message.includes(`${THIS_FILE}:${first}:`), error.message);
    assert.ok(error.message.includes(`${THIS_FILE}:${first + 1}:`), error.message);
    return true;
  });
  // Across an include: the included module's site is named.
  const other = new Configurator();
  other.addRoute("api.status", "/s");
  const fixture = new URL("./fixtures/api.ts", import.meta.url).href;
  await assert.rejects(
    other.include("./fixtures/api.ts", { routeNamePrefix: "api" }),
    (error: Error) => {
      assert.ok(error instanceof ConfigurationError);
      const [at] = linesOf(fixture, 'addRoute("status"');
      assert.ok(error.message.includes(`${fixture}:${at}:`), error.message);
      return true;
    },
  );
});

Deno.test("unknown view and route options are ConfigurationErrors that list the known ones", async () => {
  const config = new Configurator();
  config.addRoute("a", "/a");
  // A view deriver may declare an option after the views that use it, so an unknown view
  // option is an error when the app is made, as in Pyramid.
  config.addView(async () => new Response(""), { routeName: "a", reqestMethod: "GET" });
  await assert.rejects(
    config.makeApp(),
    (error: Error) =>
      error instanceof ConfigurationError &&
      /Unknown view option 'reqestMethod'/.test(error.message) &&
      /requestMethod/.test(error.message) && /include_scan_test\.ts:\d+/.test(error.message),
  );
  assert.throws(
    () => config.addRoute("b", "/b", { method: "GET" }),
    /Unknown route option 'method'.*addRoutePredicate/s,
  );
});

Deno.test("a view for an unknown route is a ConfigurationError at makeApp()", async () => {
  const config = new Configurator();
  config.addView(async () => new Response(""), { routeName: "nowhere" });
  await assert.rejects(
    config.makeApp(),
    (error: Error) => error instanceof ConfigurationError && /nowhere/.test(error.message),
  );
});
