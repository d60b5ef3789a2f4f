// The csrf_view deriver, called directly with a view and requests: when it checks, what it
// checks, and what it refuses to set up.
import assert from "node:assert/strict";
import {
  BadCSRFOrigin,
  BadCSRFToken,
  type CsrfDeriverInfo,
  csrfView,
  getCsrfToken,
} from "../../src/csrf/mod.ts";
import { SignedCookieSessionFactory } from "../../src/session/mod.ts";
import { Registry } from "../../src/config/registry.ts";
import { readSettings } from "../../src/config/settings.ts";
import { setDefaultCsrfOptions, setSessionFactory } from "../../src/config/sessions.ts";
import { ConfigurationError } from "../../src/errors.ts";
import type { CsrfOptions } from "../../src/csrf/mod.ts";
import { CallbackRequest } from "./_request.ts";

const view = () => new Response("ran");

function registry(options?: CsrfOptions): Registry {
  const { settings, aio } = readSettings({});
  const made = new Registry(settings, aio);
  setSessionFactory(made, SignedCookieSessionFactory("deriver-test-secret-".repeat(4)));
  if (options) setDefaultCsrfOptions(made, options);
  return made;
}

function info(reg: Registry, options: Record<string, unknown> = {}, isExceptionView = false) {
  return { options, registry: reg, isExceptionView } as CsrfDeriverInfo;
}

/** A session cookie holding a token, and the token. */
async function sessionWithToken(reg: Registry): Promise<{ cookie: string; token: string }> {
  const request = new CallbackRequest({ registry: reg });
  const token = await getCsrfToken(request);
  const cookie = (await request.respond()).headers.getSetCookie()[0].split(";")[0];
  return { cookie, token };
}

async function run(
  wrapped: ReturnType<typeof csrfView>,
  request: CallbackRequest,
): Promise<string> {
  try {
    return await (await wrapped(undefined, request)).text();
  } catch (error) {
    return (error as Error).name;
  }
}

Deno.test("csrf_view: which views check", async () => {
  const cases: [CsrfOptions | undefined, unknown, boolean, boolean][] = [
    // [defaults, view's requireCsrf, exception view?, checks?]
    [undefined, undefined, false, false],
    [undefined, true, false, true],
    [{ requireCsrf: true }, undefined, false, true],
    [{ requireCsrf: true }, false, false, false],
    [{ requireCsrf: true }, undefined, true, false],
    [{ requireCsrf: true }, true, true, true],
    [{ requireCsrf: false }, undefined, false, false],
    [{ requireCsrf: true, token: null, header: null }, true, false, false],
  ];
  for (const [defaults, requireCsrf, isExceptionView, checks] of cases) {
    const reg = registry(defaults);
    const wrapped = csrfView(view, info(reg, { requireCsrf }, isExceptionView));
    assert.equal(
      wrapped !== view,
      checks,
      JSON.stringify({ defaults, requireCsrf, isExceptionView }),
    );
  }
});

Deno.test("csrf_view: unsafe methods need the token; safe ones and the callback skip it", async () => {
  const reg = registry({
    requireCsrf: true,
    callback: (request: { headers: Headers }) => !request.headers.has("authorization"),
  });
  const { cookie, token } = await sessionWithToken(reg);
  const wrapped = csrfView(view, info(reg));
  const make = (method: string, headers: Record<string, string> = {}) =>
    new CallbackRequest({ method, registry: reg, headers: { cookie, ...headers } });
  // TRACE is safe too, but the Fetch API refuses to build a TRACE request.
  for (const method of ["GET", "HEAD", "OPTIONS"]) {
    assert.equal(await run(wrapped, make(method)), "ran", method);
  }
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    assert.equal(await run(wrapped, make(method)), "BadCSRFToken", method);
    assert.equal(await run(wrapped, make(method, { "x-csrf-token": token })), "ran", method);
  }
  // A token-authenticated API call: the callback says not to check.
  assert.equal(await run(wrapped, make("POST", { authorization: "Bearer abc" })), "ran");
  // Custom safe methods.
  const custom = registry({ requireCsrf: true, safeMethods: ["GET", "post"] });
  const lenient = csrfView(view, info(custom));
  assert.equal(
    await run(lenient, new CallbackRequest({ method: "POST", registry: custom })),
    "ran",
  );
  assert.equal(
    await run(lenient, new CallbackRequest({ method: "PUT", registry: custom })),
    "BadCSRFToken",
  );
});

Deno.test("csrf_view: on https the origin is checked before the token", async () => {
  const reg = registry({ requireCsrf: true });
  const { cookie, token } = await sessionWithToken(reg);
  const wrapped = csrfView(view, info(reg));
  const post = (headers: Record<string, string>) =>
    new CallbackRequest({
      path: "https://wiki.example/edit",
      method: "POST",
      registry: reg,
      headers: { host: "wiki.example", cookie, "x-csrf-token": token, ...headers },
    });
  assert.equal(await run(wrapped, post({ origin: "https://wiki.example" })), "ran");
  assert.equal(await run(wrapped, post({ referer: "https://wiki.example/page" })), "ran");
  assert.equal(await run(wrapped, post({ origin: "https://evil.example" })), "BadCSRFOrigin");
  assert.equal(await run(wrapped, post({})), "BadCSRFOrigin", "no Origin or Referer");
  const noOriginCheck = registry({ requireCsrf: true, checkOrigin: false });
  const relaxed = csrfView(view, info(noOriginCheck));
  const again = await sessionWithToken(noOriginCheck);
  assert.equal(
    await run(
      relaxed,
      new CallbackRequest({
        path: "https://wiki.example/edit",
        method: "POST",
        registry: noOriginCheck,
        headers: { host: "wiki.example", cookie: again.cookie, "x-csrf-token": again.token },
      }),
    ),
    "ran",
  );
  const allowNone = registry({ requireCsrf: true, allowNoOrigin: true });
  const third = await sessionWithToken(allowNone);
  assert.equal(
    await run(
      csrfView(view, info(allowNone)),
      new CallbackRequest({
        path: "https://wiki.example/edit",
        method: "POST",
        registry: allowNone,
        headers: { host: "wiki.example", cookie: third.cookie, "x-csrf-token": third.token },
      }),
    ),
    "ran",
  );
  // The errors are the 400s Pyramid raises.
  assert.equal(new BadCSRFToken().status, 400);
  assert.equal(new BadCSRFOrigin().status, 400);
});

Deno.test("csrf_view: websocket upgrades from other sites are refused", async () => {
  const reg = registry({ requireCsrf: true, trustedOrigins: [".friends.example"] });
  const wrapped = csrfView(view, info(reg));
  const upgrade = (origin?: string) =>
    new CallbackRequest({
      path: "http://chat.example/ws",
      registry: reg,
      headers: {
        host: "chat.example",
        upgrade: "websocket",
        connection: "Upgrade",
        ...(origin ? { origin } : {}),
      },
    });
  assert.equal(await run(wrapped, upgrade("http://chat.example")), "ran");
  assert.equal(await run(wrapped, upgrade("https://chat.example")), "ran");
  assert.equal(await run(wrapped, upgrade("https://a.friends.example")), "ran");
  assert.equal(await run(wrapped, upgrade(undefined)), "ran", "not from a browser page");
  for (
    const origin of ["http://evil.example", "null", "http://chat.example.evil.example", "file://"]
  ) {
    assert.equal(await run(wrapped, upgrade(origin)), "BadCSRFOrigin", origin);
  }
});

Deno.test("csrf_view: checking with nowhere to keep tokens is a configuration error", () => {
  const { settings, aio } = readSettings({});
  const bare = new Registry(settings, aio);
  assert.throws(
    () =>
      csrfView(view, { ...info(bare, { requireCsrf: true }), name: "edit", where: "app.ts:3:1" }),
    (error: unknown) =>
      error instanceof ConfigurationError &&
      /The view edit \(at app.ts:3:1\) checks CSRF tokens, but there is nowhere to keep them/.test(
        error.message,
      ),
  );
  assert.equal(csrfView(view, info(bare)), view, "no check asked: fine without sessions");
});
