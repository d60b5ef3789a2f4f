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

Deno.test("RouteTable: first segments whose hashes collide still get their own routes", () => {
  // "Aa" and "BB" hash alike (31 * 65 + 97 = 31 * 66 + 66); so do "AaAa", "AaBB" and "BBAa".
  const routes = table("/Aa/x", "/BB/y", "/AaAa", "/AaBB", "/BBAa/{id}", "/{other}");
  const names = (path: string) => routes.candidates(path).map((r) => r.pattern);
  assert.deepEqual(names("/Aa/x"), ["/Aa/x", "/{other}"]);
  assert.deepEqual(names("/BB/y"), ["/BB/y", "/{other}"]);
  assert.deepEqual(names("/AaBB"), ["/AaBB", "/{other}"]);
  assert.deepEqual(names("/BBAa/7"), ["/BBAa/{id}", "/{other}"]);
  // Same hash and length as a known segment, but other letters: only the dynamic routes.
  assert.deepEqual(names("/BBBB"), ["/{other}"]);
  // A prefix of a known segment is not that segment.
  assert.deepEqual(names("/A"), ["/{other}"]);
  assert.deepEqual(names("/AaAaX"), ["/{other}"]);
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
