// Unit tests: the async view called directly with a DummyRequest, the blocking view run in a
// real executor worker with callView().
import assert from "node:assert/strict";
import { HTTPBadRequest } from "@aio/pyramid";
import { callView, DummyRequest, testConfig } from "@aio/pyramid/testing";
import { fibonacci, home, MAX_N } from "../views.ts";

// The app's routes, so the views' routeUrl/routePath calls work.
const routes = { home: "/", fibonacci: "/fibonacci/{n:\\d+}" };

Deno.test("home greets ?name= and links to the Fibonacci view", async () => {
  const registry = testConfig({ routes }).registry;
  const info = await home(new DummyRequest({ registry }));
  assert.deepEqual(info, {
    project: "__PROJECT_NAME__",
    name: "world",
    fibonacci_url: "/fibonacci/25",
  });
  const named = await home(new DummyRequest({ registry, params: { name: "Deno" } }));
  assert.equal(named.name, "Deno");
});

Deno.test("fibonacci runs in a worker and links to the next number", async () => {
  const config = testConfig({ routes });
  const info = await callView(fibonacci, new DummyRequest({ matchdict: { n: "10" } }), { config });
  assert.deepEqual(info, { n: 10, value: 55, next: "http://example.com/fibonacci/11" });
  const last = await callView(fibonacci, new DummyRequest({ matchdict: { n: String(MAX_N) } }), {
    config,
  });
  assert.equal(last.value, 9227465);
  assert.equal(last.next, null);
});

Deno.test("fibonacci refuses n over the limit with 400", async () => {
  await assert.rejects(
    callView(fibonacci, new DummyRequest({ matchdict: { n: String(MAX_N + 1) } }), {
      config: testConfig({ routes }),
    }),
    (error: unknown) =>
      error instanceof HTTPBadRequest &&
      /n must be a whole number from 0 to 35/.test(error.message),
  );
});
