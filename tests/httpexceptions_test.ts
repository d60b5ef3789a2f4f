import assert from "node:assert/strict";
import * as pyramid from "@aio/pyramid";
import {
  Configurator,
  HTTPBadRequest,
  HTTPException,
  HTTPForbidden,
  HTTPFound,
  HTTPGatewayTimeout,
  HTTPMethodNotAllowed,
  HTTPNoContent,
  HTTPNotFound,
  HTTPNotModified,
  HTTPRedirection,
  HTTPRequestEntityTooLarge,
  HTTPSeeOther,
  HTTPServiceUnavailable,
} from "@aio/pyramid";

const EXPECTED: Record<string, number> = {
  HTTPOk: 200,
  HTTPCreated: 201,
  HTTPAccepted: 202,
  HTTPNoContent: 204,
  HTTPMovedPermanently: 301,
  HTTPFound: 302,
  HTTPSeeOther: 303,
  HTTPNotModified: 304,
  HTTPTemporaryRedirect: 307,
  HTTPPermanentRedirect: 308,
  HTTPBadRequest: 400,
  HTTPUnauthorized: 401,
  HTTPForbidden: 403,
  HTTPNotFound: 404,
  HTTPMethodNotAllowed: 405,
  HTTPNotAcceptable: 406,
  HTTPRequestTimeout: 408,
  HTTPConflict: 409,
  HTTPGone: 410,
  HTTPLengthRequired: 411,
  HTTPPreconditionFailed: 412,
  HTTPRequestEntityTooLarge: 413,
  HTTPUnsupportedMediaType: 415,
  HTTPRequestRangeNotSatisfiable: 416,
  HTTPUnprocessableEntity: 422,
  HTTPTooManyRequests: 429,
  HTTPInternalServerError: 500,
  HTTPNotImplemented: 501,
  HTTPBadGateway: 502,
  HTTPServiceUnavailable: 503,
  HTTPGatewayTimeout: 504,
};

Deno.test("every exported HTTP exception class has its status, name and title", () => {
  const exports = pyramid as unknown as Record<string, unknown>;
  for (const [name, status] of Object.entries(EXPECTED)) {
    const Class = exports[name] as new (options: { location: string }) => HTTPException;
    assert.equal(typeof Class, "function", `${name} is exported`);
    const error = new Class({ location: "/x" });
    assert.ok(error instanceof HTTPException && error instanceof Error, name);
    assert.equal(error.status, status, name);
    assert.equal(error.name, name);
    assert.ok(error.title.length > 0, name);
    assert.equal(error.isError, status >= 400, name);
    assert.ok(error.message.startsWith(`${status} ${error.title}`), `${name}: ${error.message}`);
  }
});

Deno.test("toResponse: plain text by default with detail, JSON when Accept prefers it", async () => {
  const error = new HTTPBadRequest({ detail: "The 'id' parameter must be a number." });
  assert.equal(error.message, "400 Bad Request: The 'id' parameter must be a number.");
  const text = error.toResponse();
  assert.equal(text.status, 400);
  assert.equal(text.headers.get("content-type"), "text/plain; charset=utf-8");
  const body = await text.text();
  assert.match(
    body,
    /^400 Bad Request\n\n.*malformed.*\n\nThe 'id' parameter must be a number\.\n$/s,
  );
  const json = error.toResponse({ accept: "application/json, text/html;q=0.9" });
  assert.equal(json.headers.get("content-type"), "application/json");
  assert.deepEqual(await json.json(), {
    status: 400,
    title: "Bad Request",
    message: error.explanation,
    detail: "The 'id' parameter must be a number.",
  });
  // A browser that lists HTML first gets text.
  const html = error.toResponse({ accept: "text/html,application/json" });
  assert.equal(html.headers.get("content-type"), "text/plain; charset=utf-8");
  await html.body?.cancel();
});

Deno.test("toResponse: HEAD has no body; 204 and 304 never have one", async () => {
  const head = new HTTPNotFound().toResponse({ method: "HEAD" });
  assert.equal(head.status, 404);
  assert.equal(head.body, null);
  for (const error of [new HTTPNoContent(), new HTTPNotModified()]) {
    const response = error.toResponse();
    assert.equal(await response.text(), "");
    assert.equal(response.headers.has("content-type"), false);
  }
});

Deno.test("headers, a replacement body and a cause are kept", async () => {
  const cause = new Error("underlying");
  const error = new HTTPServiceUnavailable({
    headers: { "retry-after": "5", "content-type": "text/html" },
    body: "<p>busy</p>",
    cause,
  });
  assert.equal(error.cause, cause);
  const response = error.toResponse({ accept: "application/json" });
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("retry-after"), "5");
  assert.equal(response.headers.get("content-type"), "text/html");
  assert.equal(await response.text(), "<p>busy</p>");
  // toResponse does not mutate the exception's own headers.
  const again = new HTTPMethodNotAllowed({ headers: { allow: "GET" } });
  (await again.toResponse()).headers.set("x", "1");
  assert.equal(again.headers.has("x"), false);
});

Deno.test("redirects set Location", () => {
  for (const Class of [HTTPFound, HTTPSeeOther]) {
    const redirect = new Class({ location: "/next?a=1" });
    assert.ok(redirect instanceof HTTPRedirection);
    assert.equal(redirect.location, "/next?a=1");
    const response = redirect.toResponse();
    assert.equal(response.headers.get("location"), "/next?a=1");
    assert.ok(response.status === 302 || response.status === 303);
  }
});

Deno.test("HTTP exceptions thrown, returned, and raised by the framework become responses", async () => {
  const config = new Configurator({ settings: { "aio.max_body_bytes": 4 } });
  config.addRoute("gone", "/gone");
  config.addRoute("busy", "/busy");
  config.addRoute("big", "/big");
  config.addView(async () => new HTTPGatewayTimeout(), { routeName: "gone" });
  config.addView(async () => {
    throw new HTTPServiceUnavailable({ headers: { "retry-after": "1" } });
  }, { routeName: "busy" });
  config.addView(async () => new Response("small"), { routeName: "big" });
  config.addExceptionView(
    async (error: unknown, _request: unknown) =>
      new Response(`too large: ${(error as HTTPRequestEntityTooLarge).status}`, { status: 413 }),
    {
      context: HTTPRequestEntityTooLarge,
    },
  );
  config.addForbiddenView(async () => new Response("no", { status: 403 }));
  const app = await config.makeApp();
  try {
    const gone = await app.fetch(new Request("http://localhost/gone"));
    assert.equal(gone.status, 504);
    await gone.body?.cancel();
    const busy = await app.fetch(new Request("http://localhost/busy"));
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get("retry-after"), "1");
    await busy.body?.cancel();
    // The framework's own 413 goes through an exception view registered for it.
    const big = await app.fetch(
      new Request("http://localhost/big", { method: "POST", body: "12345" }),
    );
    assert.equal(big.status, 413);
    assert.equal(await big.text(), "too large: 413");
    const small = await app.fetch(
      new Request("http://localhost/big", { method: "POST", body: "1234" }),
    );
    assert.equal(await small.text(), "small");
  } finally {
    await app.close();
  }
});

Deno.test("HTTPForbidden is an Error subclass usable with instanceof across the API", () => {
  const error = new HTTPForbidden({ detail: "nope" });
  assert.ok(error instanceof Error);
  assert.equal(error.detail, "nope");
  assert.equal(error.stack?.includes("HTTPForbidden"), true);
});

Deno.test("Pyramid's hierarchy: HTTPNotModified is a redirection; 4xx/5xx have their own bases", () => {
  const all = pyramid as unknown as Record<string, new (o: { location: string }) => HTTPException>;
  assert.ok(new HTTPNotModified() instanceof HTTPRedirection);
  assert.equal(new HTTPNotModified().headers.has("location"), false);
  for (const [status, Class] of pyramid.statusMap) {
    const error = new Class({ location: "/x" });
    assert.equal(error.status, status);
    assert.equal(error instanceof pyramid.HTTPSuccessful, status < 300, Class.name);
    assert.equal(error instanceof HTTPRedirection, status >= 300 && status < 400, Class.name);
    assert.equal(error instanceof pyramid.HTTPClientError, status >= 400 && status < 500);
    assert.equal(error instanceof pyramid.HTTPServerError, status >= 500, Class.name);
    assert.equal(error instanceof pyramid.HTTPError, status >= 400, Class.name);
  }
  const added: Record<string, number> = {
    HTTPNonAuthoritativeInformation: 203,
    HTTPResetContent: 205,
    HTTPPartialContent: 206,
    HTTPMultipleChoices: 300,
    HTTPUseProxy: 305,
    HTTPPaymentRequired: 402,
    HTTPProxyAuthenticationRequired: 407,
    HTTPRequestURITooLong: 414,
    HTTPExpectationFailed: 417,
    HTTPLocked: 423,
    HTTPFailedDependency: 424,
    HTTPPreconditionRequired: 428,
    HTTPRequestHeaderFieldsTooLarge: 431,
    HTTPVersionNotSupported: 505,
    HTTPInsufficientStorage: 507,
  };
  for (const [name, status] of Object.entries(added)) {
    assert.equal(new all[name]({ location: "/x" }).status, status, name);
  }
  assert.ok(pyramid.exceptionResponse(404) instanceof HTTPNotFound);
  assert.throws(() => pyramid.exceptionResponse(299), /no HTTP exception class has that status/);
});

Deno.test("one exception view for HTTPClientError catches every 4xx; the server keeps serving", async () => {
  const config = new Configurator();
  config.addRoute("pay", "/pay");
  config.addRoute("locked", "/locked");
  config.addRoute("broken", "/broken");
  config.addView(async () => {
    throw new pyramid.HTTPPaymentRequired();
  }, { routeName: "pay" });
  config.addView(async () => {
    throw new pyramid.HTTPLocked();
  }, { routeName: "locked" });
  config.addView(async () => {
    throw new pyramid.HTTPInsufficientStorage();
  }, { routeName: "broken" });
  config.addExceptionView(
    async (error: unknown, _request: unknown) =>
      new Response(`client error ${(error as HTTPException).status}`, {
        status: (error as HTTPException).status,
      }),
    { context: pyramid.HTTPClientError },
  );
  const app = await config.makeApp();
  try {
    for (const [path, status] of [["/pay", 402], ["/locked", 423]] as const) {
      const response = await app.fetch(new Request(`http://localhost${path}`));
      assert.equal(response.status, status);
      assert.equal(await response.text(), `client error ${status}`);
    }
    // A 5xx is not a client error: it renders itself.
    const broken = await app.fetch(new Request("http://localhost/broken"));
    assert.equal(broken.status, 507);
    assert.match(await broken.text(), /^507 Insufficient Storage/);
    const missing = await app.fetch(new Request("http://localhost/nope"));
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), "client error 404");
  } finally {
    await app.close();
  }
});
