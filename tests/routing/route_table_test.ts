import assert from "node:assert/strict";
import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { call, withApp } from "../_helpers.ts";
import { RouteTable } from "../../src/routing/route_table.ts";
import { compilePattern } from "../../src/routing/pattern.ts";

function table(...patterns: string[]) {
  return new RouteTable(
    patterns.map((pattern) => ({ pattern, compiled: compilePattern(pattern) })),
  );
}

Deno.test("RouteTable: only routes that can match the first segment, in the order added", () => {
  const routes = table(
    "/users/{id}",
    "/{anything}/x",
    "/users/me",
    "/",
    "/static/*subpath",
    "*traverse",
  );
  const names = (path: string) => routes.candidates(path).map((r) => r.pattern);
  assert.deepEqual(names("/users/7"), ["/users/{id}", "/{anything}/x", "/users/me", "*traverse"]);
  assert.deepEqual(names("/"), ["/{anything}/x", "/", "*traverse"]);
  assert.deepEqual(names("/static/a.css"), ["/{anything}/x", "/static/*subpath", "*traverse"]);
  assert.deepEqual(names("/unknown/path"), ["/{anything}/x", "*traverse"]);
});

Deno.test("routing through the index keeps first-added-first-matched across literal and dynamic routes", async () => {
  const config = new Configurator();
  config.addRoute("any", "/{section}/about");
  config.addRoute("users_about", "/users/about");
  config.addRoute("user", "/users/{id}");
  config.addRoute("hello", "/hello{suffix}");
  for (const name of ["any", "users_about", "user", "hello"]) {
    config.addView(
      async (request: PyramidRequest) => `${name} ${JSON.stringify(request.matchdict)}`,
      {
        routeName: name,
        renderer: "string",
      },
    );
  }
  await withApp(config, async (app) => {
    assert.equal((await call(app, "/users/about")).text, 'any {"section":"users"}');
    assert.equal((await call(app, "/users/7")).text, 'user {"id":"7"}');
    assert.equal((await call(app, "/hello-there")).text, 'hello {"suffix":"-there"}');
    assert.equal((await call(app, "/nowhere")).status, 404);
  });
});
