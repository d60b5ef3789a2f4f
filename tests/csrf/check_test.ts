// CSRF checks: the origin check against Pyramid's own (python3-pyramid) over a table of
// requests; tokens from header and form, never the query; the three storage policies.
import assert from "node:assert/strict";
import {
  BadCSRFOrigin,
  BadCSRFToken,
  checkCsrfOrigin,
  checkCsrfToken,
  CookieCSRFStoragePolicy,
  getCsrfToken,
  newCsrfToken,
  SessionCSRFStoragePolicy,
} from "../../src/csrf/mod.ts";
import { SignedCookieSessionFactory } from "../../src/session/mod.ts";
import { Registry } from "../../src/config/registry.ts";
import { readSettings } from "../../src/config/settings.ts";
import {
  setCsrfStoragePolicy,
  setDefaultCsrfOptions,
  setSessionFactory,
} from "../../src/config/sessions.ts";
import { ConfigurationError } from "../../src/errors.ts";
import { ensurePython, PythonPeer } from "../_python_peer.ts";
import { CallbackRequest } from "./_request.ts";

const unavailable = await ensurePython(["pyramid.csrf", "webob"], ["python3-pyramid"]);
if (unavailable) console.log(`SKIPPING the Pyramid CSRF interop tests: ${unavailable}.`);

const PYRAMID = `
from pyramid.csrf import check_csrf_origin
from pyramid.registry import Registry
from pyramid.request import Request

def one(case):
    request = Request.blank(case["url"], headers=case["headers"])
    request.registry = Registry()
    request.registry.settings = {"pyramid.csrf_trusted_origins": case["setting"]}
    trusted = case["trusted"]
    return check_csrf_origin(
        request,
        trusted_origins=list(trusted) if trusted is not None else None,
        allow_no_origin=case["allowNoOrigin"],
        raises=False,
    )

def handle(op, args):
    return [one(case) for case in args]
`;

function registry(settings: Record<string, unknown> = {}): Registry {
  const { settings: frozen, aio } = readSettings(settings);
  const made = new Registry(frozen, aio);
  setSessionFactory(made, SignedCookieSessionFactory("csrf-test-secret-".repeat(4)));
  return made;
}

interface OriginCase {
  url: string;
  headers: Record<string, string>;
  setting: string;
  trusted: string[] | null;
  allowNoOrigin: boolean;
}

Deno.test({
  name: "checkCsrfOrigin agrees with Pyramid's check_csrf_origin on every case",
  ignore: unavailable !== undefined,
  async fn() {
    const urls = [
      "https://example.com/edit",
      "https://example.com:8443/edit",
      "http://example.com/edit",
      "https://[::1]:8443/edit",
    ];
    const sources: Record<string, string>[] = [
      {},
      { origin: "https://example.com" },
      { origin: "https://example.com:8443" },
      { origin: "https://example.com:443" },
      { origin: "https://EXAMPLE.com" },
      { origin: "http://example.com" },
      { origin: "https://evil.com" },
      { origin: "https://sub.example.com" },
      { origin: "https://evilexample.com" },
      { origin: "null" },
      { origin: "" },
      { origin: "https://proxy.example https://example.com" },
      { origin: "https://[::1]:8443" },
      { referer: "https://example.com/page?x=1" },
      { referer: "https://example.com:8443/page" },
      { referer: "https://evil.com/example.com" },
      { referer: "http://example.com/page" },
      { referer: "null" },
      { referer: "not a url" },
      { origin: "https://evil.com", referer: "https://example.com/" },
    ];
    const trustedLists = [null, ["sub.example.com"], [".example.com"], ["null"]];
    const cases: OriginCase[] = [];
    for (const url of urls) {
      const host = new URL(url).host === "[::1]:8443" ? "[::1]:8443" : url.split("/")[2];
      for (const source of sources) {
        for (const trusted of trustedLists) {
          for (const allowNoOrigin of [false, true]) {
            cases.push({
              url,
              headers: { host, ...source },
              setting: trusted === null ? "evil.com other.org" : "",
              trusted,
              allowNoOrigin,
            });
          }
        }
      }
    }
    const pyramid = new PythonPeer(PYRAMID);
    let expected: boolean[];
    try {
      expected = await pyramid.call<boolean[]>("batch", cases);
    } finally {
      await pyramid.close();
    }
    let mismatches = 0;
    cases.forEach((c, i) => {
      const request = new CallbackRequest({
        path: c.url,
        headers: c.headers,
        registry: registry({ "pyramid.csrf_trusted_origins": c.setting }),
      });
      const got = checkCsrfOrigin(request, {
        trustedOrigins: c.trusted ?? undefined,
        allowNoOrigin: c.allowNoOrigin,
        raises: false,
      });
      if (got !== expected[i]) {
        mismatches++;
        console.error(`mismatch: ${JSON.stringify(c)}: ours ${got}, Pyramid ${expected[i]}`);
      }
    });
    assert.equal(mismatches, 0, `${mismatches} of ${cases.length} cases differ from Pyramid`);
    assert.ok(expected.some((x) => x) && expected.some((x) => !x), "the table has both outcomes");
  },
});

Deno.test("checkCsrfOrigin raises BadCSRFOrigin (400) saying why", () => {
  const request = new CallbackRequest({
    path: "https://example.com/edit",
    method: "POST",
    headers: { host: "example.com", origin: "https://evil.com" },
    registry: registry(),
  });
  assert.throws(
    () => checkCsrfOrigin(request),
    (error: unknown) =>
      error instanceof BadCSRFOrigin && error.status === 400 &&
      /Origin checking failed - https:\/\/evil.com does not match any trusted origins/.test(
        error.message,
      ),
  );
  const bare = new CallbackRequest({
    path: "https://example.com/edit",
    headers: { host: "example.com" },
    registry: registry(),
  });
  assert.throws(() => checkCsrfOrigin(bare), /missing Origin or Referer/);
});

Deno.test("checkCsrfToken: header first, then form field; never the query string", async () => {
  const reg = registry();
  const first = new CallbackRequest({ registry: reg });
  const token = await getCsrfToken(first);
  assert.match(token, /^[0-9a-f]{40}$/, "the session's token, as Pyramid's");
  const cookie = (await first.respond()).headers.getSetCookie()[0].split(";")[0];
  const post = (
    options: { headers?: Record<string, string>; params?: Record<string, string>; path?: string },
  ) =>
    new CallbackRequest({
      method: "POST",
      registry: reg,
      ...options,
      headers: { cookie, ...options.headers },
    });
  assert.equal(await checkCsrfToken(post({ headers: { "x-csrf-token": token } })), true);
  assert.equal(await checkCsrfToken(post({ params: { csrf_token: token } })), true);
  assert.equal(
    await checkCsrfToken(
      post({ headers: { "x-csrf-token": "wrong" }, params: { csrf_token: token } }),
      { raises: false },
    ),
    false,
    "a wrong header is not rescued by the form field",
  );

  await assert.rejects(
    checkCsrfToken(post({ path: `/edit?csrf_token=${token}` })),
    (error: unknown) => error instanceof BadCSRFToken && error.status === 400,
  );
  await assert.rejects(checkCsrfToken(post({})), BadCSRFToken);
  await assert.rejects(
    checkCsrfToken(post({ params: { csrf_token: token.slice(1) } })),
    /Invalid token/,
  );
  assert.equal(await checkCsrfToken(post({}), { raises: false }), false);
  // Custom names; null turns a source off.
  assert.equal(
    await checkCsrfToken(post({ headers: { "x-token": token } }), { header: "X-Token" }),
    true,
  );
  assert.equal(
    await checkCsrfToken(post({ headers: { "x-csrf-token": token } }), {
      header: null,
      raises: false,
    }),
    false,
  );
  assert.equal(
    await checkCsrfToken(post({ params: { csrf_token: token } }), { token: null, raises: false }),
    false,
  );
  // Without a session cookie there is a fresh session, whose token nobody knows.
  const stranger = new CallbackRequest({
    method: "POST",
    registry: reg,
    params: { csrf_token: token },
  });
  assert.equal(await checkCsrfToken(stranger, { raises: false }), false);
});

Deno.test("newCsrfToken rotates the token; the old one stops working", async () => {
  const reg = registry();
  const request = new CallbackRequest({ registry: reg });
  const before = await getCsrfToken(request);
  const after = await newCsrfToken(request);
  assert.notEqual(after, before);
  assert.equal(await getCsrfToken(request), after);
});

Deno.test("SessionCSRFStoragePolicy: 32-hex tokens under its own session key", async () => {
  const reg = registry();
  setCsrfStoragePolicy(reg, new SessionCSRFStoragePolicy({ key: "_csrf" }));
  const request = new CallbackRequest({ registry: reg });
  const token = await getCsrfToken(request);
  assert.match(token, /^[0-9a-f]{32}$/);
  assert.equal(await getCsrfToken(request), token);
  const cookie = (await request.respond()).headers.getSetCookie()[0].split(";")[0];
  const next = new CallbackRequest({
    method: "POST",
    registry: reg,
    headers: { cookie, "x-csrf-token": token },
  });
  assert.equal(await checkCsrfToken(next), true);
});

Deno.test("CookieCSRFStoragePolicy: the token in a cookie of its own, no session needed", async () => {
  const { settings, aio } = readSettings({});
  const reg = new Registry(settings, aio); // no session factory at all
  setCsrfStoragePolicy(reg, new CookieCSRFStoragePolicy({ secure: true, maxAge: 3600 }));
  const first = new CallbackRequest({ registry: reg });
  const token = await getCsrfToken(first);
  assert.match(token, /^[0-9a-f]{32}$/);
  assert.equal(await getCsrfToken(first), token, "one token per request");
  const [header] = (await first.respond()).headers.getSetCookie();
  assert.equal(header, `csrf_token=${token}; Max-Age=3600; Path=/; Secure; SameSite=Lax`);
  const post = (sent: string) =>
    new CallbackRequest({
      method: "POST",
      registry: reg,
      headers: { cookie: `csrf_token=${token}`, "x-csrf-token": sent },
    });
  assert.equal(await checkCsrfToken(post(token)), true);
  await assert.rejects(checkCsrfToken(post("forged")), BadCSRFToken);
});

Deno.test("setDefaultCsrfOptions and setCsrfStoragePolicy refuse what cannot work", () => {
  const reg = registry();
  assert.throws(
    () => setDefaultCsrfOptions(reg, { requireCSRF: true } as never),
    (e: unknown) =>
      e instanceof ConfigurationError && /unknown option 'requireCSRF'/.test(e.message),
  );
  assert.throws(() => setDefaultCsrfOptions(reg, { callback: "yes" as never }), /callback/);
  assert.throws(() => setCsrfStoragePolicy(reg, {} as never), /newCsrfToken/);
  setDefaultCsrfOptions(reg, {});
  assert.equal(reg.csrfOptions?.requireCsrf, true, "requireCsrf defaults to true, as Pyramid");
});
