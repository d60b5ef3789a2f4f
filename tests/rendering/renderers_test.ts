import assert from "node:assert/strict";
import { call, withApp } from "../_helpers.ts";
import {
  ConfigurationError,
  Configurator,
  HTTPForbidden,
  HTTPFound,
  HTTPNotFound,
  type PyramidRequest,
  type RendererFactory,
} from "@aio/pyramid";

/** Captures console.error while `fn` runs. */
async function capturingErrors(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return lines;
}

Deno.test("json and string renderers", async () => {
  const config = new Configurator();
  config.addRoute("j", "/j");
  config.addRoute("s", "/s");
  config.addRoute("n", "/n");
  config.addView(async () => ({ a: [1, "two"], b: null }), { routeName: "j", renderer: "json" });
  config.addView(async () => 42, { routeName: "s", renderer: "string" });
  config.addView(async () => undefined, { routeName: "n", renderer: "json" });
  await withApp(config, async (app) => {
    const j = await call(app, "/j");
    assert.equal(j.status, 200);
    assert.equal(j.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(j.text), { a: [1, "two"], b: null });
    const s = await call(app, "/s");
    assert.equal(s.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(s.text, "42");
    assert.equal((await call(app, "/n")).text, "null");
  });
});

Deno.test("a .jinja2 template next to the module renders with nunjucks, autoescaped", async () => {
  const config = new Configurator();
  config.addRoute("hello", "/hello/{name}");
  config.addView(
    async (request: PyramidRequest) => ({
      name: request.matchdict.name,
      items: ["a", "<b>"],
      title: "Greeting",
    }),
    { routeName: "hello", renderer: "templates/hello.jinja2" },
  );
  await withApp(config, async (app) => {
    const page = await call(app, `/hello/${encodeURIComponent("<img src=x onerror='y'>")}`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(page.text, /<title>Greeting<\/title>/);
    assert.match(page.text, /Hello, &lt;img src=x onerror=&#39;y&#39;&gt;!/);
    assert.ok(!page.text.includes("<img"));
    assert.match(page.text, /<li>A<\/li><li>&lt;B&gt;<\/li>/);
    assert.match(page.text, /via templates\/hello\.jinja2/);
  });
});

Deno.test("a missing template or unknown renderer fails at makeApp()", async () => {
  const missing = new Configurator();
  missing.addRoute("x", "/x");
  missing.addView(async () => ({}), { routeName: "x", renderer: "templates/nope.jinja2" });
  await assert.rejects(
    missing.makeApp(),
    (error: Error) => error instanceof ConfigurationError && /was not found/.test(error.message),
  );
  const unknown = new Configurator();
  unknown.addRoute("x", "/x");
  unknown.addView(async () => ({}), { routeName: "x", renderer: "yaml" });
  await assert.rejects(unknown.makeApp(), /No renderer for 'yaml'.*addRenderer/s);
});

Deno.test("a template view returning a non-object is a 500 with a clear logged message", async () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  config.addView(async () => "text", { routeName: "x", renderer: "templates/hello.jinja2" });
  const logged = await capturingErrors(() =>
    withApp(config, async (app) => {
      assert.equal((await call(app, "/x")).status, 500);
    })
  );
  assert.ok(
    logged.some((l) => /must return an object of template variables/.test(l)),
    logged.join("\n"),
  );
});

Deno.test("addRenderer: a custom renderer by name and by extension", async () => {
  const csv: RendererFactory = (info) => ({
    contentType: "text/csv; charset=utf-8",
    render: (rows, system) =>
      `# ${info.name} ${system.request.path}\n` +
      (rows as unknown[][]).map((row) => row.join(",")).join("\n"),
  });
  const config = new Configurator();
  config.addRenderer("csv", csv);
  config.addRenderer(".tpl", (info) => ({
    contentType: "text/x-tpl",
    render: () => `template ${info.name}`,
  }));
  assert.throws(() => config.addRenderer("", csv), ConfigurationError);
  assert.throws(() => config.addRenderer("x", "nope" as never), ConfigurationError);
  config.addRoute("c", "/c");
  config.addRoute("t", "/t");
  config.addView(async () => [[1, 2], [3, 4]], { routeName: "c", renderer: "csv" });
  config.addView(async () => ({}), { routeName: "t", renderer: "pages/x.tpl" });
  await withApp(config, async (app) => {
    const c = await call(app, "/c");
    assert.equal(c.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.equal(c.text, "# csv /c\n1,2\n3,4");
    assert.equal((await call(app, "/t")).text, "template pages/x.tpl");
  });
});

Deno.test("request.response: status, headers, content type and cookies are applied", async () => {
  const config = new Configurator();
  config.addRoute("made", "/made");
  config.addRoute("own", "/own");
  config.addView(async (request: PyramidRequest) => {
    request.response.status = 201;
    request.response.headers.set("x-custom", "yes");
    request.response.setCookie("session", "abc def", { httpOnly: true });
    request.response.deleteCookie("old");
    return { created: true };
  }, { routeName: "made", renderer: "json" });
  config.addView(async (request: PyramidRequest) => {
    request.response.contentType = "application/vnd.api+json";
    request.response.setCookie("seen", "1");
    // A Response the view built still gets the draft's headers and cookies.
    return new Response("{}", { status: 202, headers: { "x-own": "1" } });
  }, { routeName: "own" });
  await withApp(config, async (app) => {
    const made = await call(app, "/made");
    assert.equal(made.status, 201);
    assert.equal(made.headers.get("x-custom"), "yes");
    assert.equal(made.headers.get("content-type"), "application/json");
    const cookies = made.headers.getSetCookie();
    assert.equal(cookies.length, 2);
    assert.match(cookies[0], /^session=abc%20def; Path=\/; HttpOnly$/);
    assert.match(cookies[1], /^old=; Max-Age=0; .*Expires=Thu, 01 Jan 1970/);
    const own = await call(app, "/own");
    assert.equal(own.status, 202);
    assert.equal(own.headers.get("x-own"), "1");
    assert.equal(own.headers.get("content-type"), "application/vnd.api+json");
    assert.deepEqual(own.headers.getSetCookie(), ["seen=1; Path=/"]);
  });
});

Deno.test("returning a Response, returning or throwing an HTTPException", async () => {
  const config = new Configurator();
  for (const name of ["response", "returned", "thrown", "json_error"]) {
    config.addRoute(name, `/${name}`);
  }
  config.addView(async () => new Response("raw", { status: 418 }), {
    routeName: "response",
    renderer: "json",
  });
  config.addView(async () => new HTTPFound({ location: "/elsewhere" }), {
    routeName: "returned",
    renderer: "json",
  });
  config.addView(async () => {
    throw new HTTPForbidden({ detail: "Members only." });
  }, { routeName: "thrown", renderer: "json" });
  config.addView(async () => {
    throw new HTTPNotFound({ detail: "No such widget." });
  }, { routeName: "json_error" });
  await withApp(config, async (app) => {
    const raw = await call(app, "/response");
    assert.deepEqual([raw.status, raw.text], [418, "raw"]);
    const found = await call(app, "/returned");
    assert.equal(found.status, 302);
    assert.equal(found.headers.get("location"), "/elsewhere");
    const forbidden = await call(app, "/thrown");
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.text, /403 Forbidden[\s\S]*Members only\./);
    const json = await call(app, "/json_error", { headers: { accept: "application/json" } });
    assert.equal(json.status, 404);
    assert.equal(json.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(json.text).detail, "No such widget.");
  });
});

Deno.test("a view without a renderer returning an object is a 500 with a clear message", async () => {
  const config = new Configurator({ settings: { "aio.debug": "true" } });
  config.addRoute("x", "/x");
  config.addRoute("ok", "/ok");
  config.addView(async function noRenderer() {
    return { not: "a response" };
  }, { routeName: "x" });
  config.addView(async () => new Response("fine"), { routeName: "ok" });
  const logged = await capturingErrors(() =>
    withApp(config, async (app) => {
      const broken = await call(app, "/x");
      assert.equal(broken.status, 500);
      assert.match(broken.text, /noRenderer returned object but has no renderer/);
      assert.match(broken.text, /renderer: "json"/);
      assert.equal((await call(app, "/ok")).text, "fine");
    })
  );
  assert.ok(logged.some((l) => l.includes("has no renderer")));
});

class PaymentRequired extends Error {
  constructor(public amount: number) {
    super(`pay ${amount}`);
  }
}
class CardDeclined extends PaymentRequired {}

Deno.test("exception views: a custom Error class, nearest class wins, with a renderer", async () => {
  const config = new Configurator();
  config.addRoute("pay", "/pay/{amount}");
  config.addRoute("card", "/card");
  config.addView(async (request: PyramidRequest) => {
    throw new PaymentRequired(Number(request.matchdict.amount));
  }, { routeName: "pay" });
  config.addView(async () => {
    throw new CardDeclined(5);
  }, { routeName: "card" });
  config.addExceptionView(async (error: unknown, request: PyramidRequest) => {
    request.response.status = 402;
    return { owed: (error as PaymentRequired).amount, same: request.exception === error };
  }, { context: PaymentRequired, renderer: "json" });
  config.addExceptionView(async (request: PyramidRequest) => {
    request.response.status = 402;
    return `declined: ${(request.exception as Error).message}`;
  }, { context: CardDeclined, renderer: "string" });
  await withApp(config, async (app) => {
    const pay = await call(app, "/pay/12");
    assert.equal(pay.status, 402);
    assert.deepEqual(JSON.parse(pay.text), { owed: 12, same: true });
    const card = await call(app, "/card");
    assert.equal(card.status, 402);
    assert.equal(card.text, "declined: pay 5");
  });
});

Deno.test("addForbiddenView renders thrown HTTPForbidden", async () => {
  const config = new Configurator();
  config.addRoute("admin", "/admin");
  config.addView(async () => {
    throw new HTTPForbidden({ detail: "admins only" });
  }, { routeName: "admin" });
  config.addForbiddenView(async (error: unknown, request: PyramidRequest) => {
    request.response.status = 403;
    return `forbidden page: ${(error as HTTPForbidden).detail}`;
  }, { renderer: "string" });
  await withApp(config, async (app) => {
    const page = await call(app, "/admin");
    assert.equal(page.status, 403);
    assert.equal(page.text, "forbidden page: admins only");
  });
});

Deno.test("an exception view that fails is a logged 500", async () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  config.addView(async () => {
    throw new PaymentRequired(1);
  }, { routeName: "x" });
  config.addExceptionView(async () => {
    throw new Error("exception view broke");
  }, { context: PaymentRequired });
  const logged = await capturingErrors(() =>
    withApp(config, async (app) => {
      assert.equal((await call(app, "/x")).status, 500);
    })
  );
  assert.ok(logged.some((l) => l.includes("exception view broke")), logged.join("\n"));
});

for (const debug of [false, true]) {
  Deno.test(`an uncaught error is a 500, logged with its stack; body shows it only when aio.debug=${debug}`, async () => {
    const config = new Configurator({ settings: { "aio.debug": String(debug) } });
    config.addRoute("boom", "/boom");
    config.addRoute("ok", "/ok");
    config.addView(async function explodingView() {
      throw new Error("kaboom secret");
    }, { routeName: "boom" });
    config.addView(async () => "still fine", { routeName: "ok", renderer: "string" });
    const logged = await capturingErrors(() =>
      withApp(config, async (app) => {
        const boom = await call(app, "/boom");
        assert.equal(boom.status, 500);
        assert.match(boom.text, /^500 Internal Server Error/);
        if (debug) {
          assert.match(boom.text, /kaboom secret/);
          assert.match(boom.text, /explodingView/);
        } else {
          assert.doesNotMatch(boom.text, /kaboom|explodingView|\.ts:/);
        }
        const head = await app.fetch(new Request("http://localhost/boom", { method: "HEAD" }));
        assert.equal(head.status, 500);
        assert.equal(await head.text(), "");
        assert.equal((await call(app, "/ok")).text, "still fine");
      })
    );
    const entry = logged.find((l) => l.includes("kaboom secret"));
    assert.ok(entry, logged.join("\n"));
    assert.match(entry, /GET \/boom/);
    assert.match(entry, /at explodingView/);
    assert.ok(entry.includes(import.meta.url), entry);
  });
}

Deno.test("throwing a non-Error value is a logged 500", async () => {
  const config = new Configurator();
  config.addRoute("x", "/x");
  config.addView(async () => {
    throw "a string";
  }, { routeName: "x" });
  const logged = await capturingErrors(() =>
    withApp(config, async (app) => {
      assert.equal((await call(app, "/x")).status, 500);
    })
  );
  assert.ok(logged.some((l) => l.includes("a string")));
});
