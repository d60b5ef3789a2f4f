// The whole app through app.fetch: pages, JSON, and bad input answered with 4xx while the
// app keeps serving.
import assert from "node:assert/strict";
import { main } from "../app.ts";

Deno.test("GET / renders the home page", async () => {
  const app = await main({});
  try {
    const page = await app.fetch(new Request("http://127.0.0.1/?name=Deno"));
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const html = await page.text();
    assert.match(html, /<title>__PROJECT_NAME__<\/title>/);
    assert.match(html, /Hello, Deno!/);
    assert.match(html, /href="\/fibonacci\/25"/);
  } finally {
    await app.close();
  }
});

Deno.test("GET /fibonacci/{n} answers JSON from the blocking view; bad n gets 400 or 404", async () => {
  const app = await main({});
  try {
    const ok = await app.fetch(new Request("http://127.0.0.1/fibonacci/20"));
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      n: 20,
      value: 6765,
      next: "http://127.0.0.1/fibonacci/21",
    });
    const tooBig = await app.fetch(new Request("http://127.0.0.1/fibonacci/99"));
    assert.equal(tooBig.status, 400);
    assert.match(await tooBig.text(), /n must be a whole number from 0 to 35/);
    const notANumber = await app.fetch(new Request("http://127.0.0.1/fibonacci/ten"));
    assert.equal(notANumber.status, 404);
    await notANumber.body?.cancel();
    const still = await app.fetch(new Request("http://127.0.0.1/"));
    assert.equal(still.status, 200);
    await still.body?.cancel();
  } finally {
    await app.close();
  }
});
