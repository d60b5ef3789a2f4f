// The hello example: its views called directly, and the whole app through app.fetch.
import assert from "node:assert/strict";
import { DummyRequest } from "@aio/pyramid/testing";
import { hello, main, user } from "../app.ts";

Deno.test("hello views called directly with DummyRequest", async () => {
  assert.deepEqual(await hello(new DummyRequest()), { hello: "world" });
  assert.deepEqual(await user(new DummyRequest({ matchdict: { id: "42" } })), { id: 42 });
});

Deno.test("the hello app answers its routes, a typed placeholder and bad input", async () => {
  const app = await main({ "aio.debug": "false" });
  try {
    const get = (path: string, init?: RequestInit) =>
      Promise.resolve(app.fetch(new Request(`http://localhost${path}`, init)));
    const home = await get("/");
    assert.equal(home.status, 200);
    assert.match(home.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(await home.text(), /<a href="http:\/\/localhost\/hello">/);
    assert.deepEqual(await (await get("/hello")).json(), { hello: "world" });
    assert.deepEqual(await (await get("/users/7")).json(), { id: 7 });
    const notNumeric = await get("/users/seven");
    assert.equal(notNumeric.status, 404);
    await notNumeric.body?.cancel();
    const wrongMethod = await get("/users/7", { method: "DELETE" });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "GET, HEAD");
    await wrongMethod.body?.cancel();
    assert.deepEqual(await (await get("/hello")).json(), { hello: "world" });
  } finally {
    await app.close();
  }
});
