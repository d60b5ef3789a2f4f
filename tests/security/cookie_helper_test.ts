// AuthTktCookieHelper: the Set-Cookie headers it writes (secure defaults and every option),
// forget, tokens, userid types, the short-secret warning, and reissue.

import assert from "node:assert/strict";
import { AuthTktCookieHelper } from "../../mod.ts";
import { cookiePair, makeRequest } from "./_helpers.ts";

const SECRET = "cookie-helper-secret-32-bytes-long!";

function attributes(header: string): Map<string, string> {
  const parts = header.split("; ").slice(1);
  return new Map(parts.map((p) => {
    const eq = p.indexOf("=");
    return eq < 0 ? [p.toLowerCase(), ""] : [p.slice(0, eq).toLowerCase(), p.slice(eq + 1)];
  }));
}

Deno.test("secure defaults: HttpOnly, SameSite=Lax, host-only, Path=/, session cookie; Secure on https", () => {
  const helper = new AuthTktCookieHelper(SECRET);
  const [[name, header]] = helper.remember(makeRequest(), "ann");
  assert.equal(name, "Set-Cookie");
  assert.match(header, /^auth_tkt=[0-9a-f]{128}[0-9a-f]{8}YW5u!userid_type:b64unicode; /);
  const attrs = attributes(header);
  assert.equal(attrs.get("httponly"), "");
  assert.equal(attrs.get("samesite"), "Lax");
  assert.equal(attrs.get("path"), "/");
  assert.equal(attrs.has("domain"), false);
  assert.equal(attrs.has("secure"), false, "plain http: no Secure");
  assert.equal(attrs.has("max-age"), false);
  assert.equal(attrs.has("expires"), false);
  const https = helper.remember(makeRequest({ url: "https://example.com/" }), "ann")[0][1];
  assert.equal(attributes(https).has("secure"), true);
});

Deno.test("every cookie option shows in the header", () => {
  const now = 1_800_000_000;
  const helper = new AuthTktCookieHelper(SECRET, {
    cookieName: "who",
    secure: true,
    httpOnly: false,
    sameSite: "Strict",
    path: "/app",
    maxAge: 600,
    domain: "example.org",
    now: () => now,
  });
  const header = helper.remember(makeRequest(), "ann")[0][1];
  assert.ok(header.startsWith("who="));
  const attrs = attributes(header);
  assert.equal(attrs.get("domain"), "example.org");
  assert.equal(attrs.get("max-age"), "600");
  assert.equal(attrs.get("expires"), new Date((now + 600) * 1000).toUTCString());
  assert.equal(attrs.get("path"), "/app");
  assert.equal(attrs.get("samesite"), "Strict");
  assert.equal(attrs.has("secure"), true);
  assert.equal(attrs.has("httponly"), false);
  const once = helper.remember(makeRequest(), "ann", { maxAge: 5 })[0][1];
  assert.equal(attributes(once).get("max-age"), "5", "remember's maxAge wins");
  const noSameSite = new AuthTktCookieHelper(SECRET, { sameSite: null });
  assert.equal(attributes(noSameSite.remember(makeRequest(), "a")[0][1]).has("samesite"), false);
  const none = new AuthTktCookieHelper(SECRET, { sameSite: "None", secure: true });
  assert.equal(attributes(none.remember(makeRequest(), "a")[0][1]).get("samesite"), "None");
  assert.throws(
    () => new AuthTktCookieHelper(SECRET, { sameSite: "None" }),
    /sameSite: 'None' needs secure: true/,
  );
  {
    const secureFalse = new AuthTktCookieHelper(SECRET, { secure: false });
    const header = secureFalse.remember(makeRequest({ url: "https://example.com/" }), "a")[0][1];
    assert.equal(attributes(header).has("secure"), false, "secure: false is honoured on https");
  }
});

Deno.test("wildDomain, parentDomain and domain pick the Domain attribute as Pyramid does", () => {
  const request = makeRequest({ url: "http://www.example.com:8080/" });
  const domainOf = (options: ConstructorParameters<typeof AuthTktCookieHelper>[1]) =>
    attributes(new AuthTktCookieHelper(SECRET, options).remember(request, "a")[0][1]).get("domain");
  assert.equal(domainOf({}), undefined);
  assert.equal(domainOf({ wildDomain: true }), "www.example.com");
  assert.equal(domainOf({ parentDomain: true }), "example.com");
  assert.equal(domainOf({ parentDomain: true, wildDomain: true }), "example.com");
  assert.equal(
    domainOf({ domain: "static.example.com", parentDomain: true }),
    "static.example.com",
  );
  const short = makeRequest({ url: "http://example.com/" });
  const parent = new AuthTktCookieHelper(SECRET, { parentDomain: true }).remember(short, "a")[0][1];
  assert.equal(attributes(parent).has("domain"), false, "no parent above a two-label host");
});

Deno.test("forget expires the cookie with the same attributes", () => {
  const helper = new AuthTktCookieHelper(SECRET, { path: "/p", wildDomain: true });
  const [[name, header]] = helper.forget(makeRequest());
  assert.equal(name, "Set-Cookie");
  assert.ok(header.startsWith("auth_tkt=; "));
  const attrs = attributes(header);
  assert.equal(attrs.get("max-age"), "0");
  assert.equal(attrs.get("expires"), new Date(0).toUTCString());
  assert.equal(attrs.get("path"), "/p");
  assert.equal(attrs.get("domain"), "example.com");
  assert.equal(attrs.get("samesite"), "Lax");
});

Deno.test("tokens are validated; userids keep their type", () => {
  const helper = new AuthTktCookieHelper(SECRET);
  for (const bad of ["1abc", "a b", "é", "", "a,b"]) {
    assert.throws(
      () => helper.remember(makeRequest(), "ann", { tokens: [bad] }),
      /Invalid auth_tkt token .*\^\[A-Za-z\]/,
      bad,
    );
  }
  const read = (userid: unknown) =>
    helper.identify(
      makeRequest({ cookie: cookiePair(helper.remember(makeRequest(), userid)[0][1]) }),
    )
      ?.userid;
  assert.equal(read(7), 7);
  assert.equal(read(-12), -12);
  assert.equal(read(2n ** 70n), 2n ** 70n);
  assert.equal(read("名前"), "名前");
  assert.deepEqual(read(Uint8Array.of(0, 1, 255)), Uint8Array.of(0, 1, 255));
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    assert.equal(read(1.5), "1.5", "a non-integer number comes back as a string");
    assert.equal(read(true), "true");
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /comes back as one\. Remember a string, an integer or bytes/);
});

Deno.test("a secret shorter than 32 bytes warns; an unknown hash algorithm is refused", () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    new AuthTktCookieHelper("short");
    new AuthTktCookieHelper("é".repeat(16)); // 32 bytes in UTF-8: no warning
    new AuthTktCookieHelper(new Uint8Array(32));
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /5 bytes long; use at least 32 random bytes/);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new AuthTktCookieHelper(SECRET, { hashalg: "sha3" as any }),
    /'sha3' is not supported\. Use one of md5, sha1, sha256, sha384, sha512/,
  );
});

Deno.test("includeIp binds the ticket to the client's address", () => {
  const helper = new AuthTktCookieHelper(SECRET, { includeIp: true });
  const cookie = cookiePair(helper.remember(makeRequest({ ip: "192.0.2.7" }), "ann")[0][1]);
  assert.equal(helper.identify(makeRequest({ cookie, ip: "192.0.2.7" }))?.userid, "ann");
  assert.equal(helper.identify(makeRequest({ cookie, ip: "192.0.2.8" })), null);
  assert.equal(helper.identify(makeRequest({ cookie })), null, "no address known: anonymous");
  assert.throws(
    () => helper.remember(makeRequest(), "ann"),
    /includeIp is on but the request has no remote address/,
  );
});

Deno.test("reissue: an old ticket gets a fresh cookie through a response callback, unless revoked", () => {
  let now = 1_800_000_000;
  const helper = new AuthTktCookieHelper(SECRET, { reissueTime: 60, now: () => now });
  const cookie = cookiePair(helper.remember(makeRequest(), "ann", { tokens: ["t1"] })[0][1]);
  class CallbackRequest {
    callbacks: ((request: unknown, response: Response) => void)[] = [];
    inner = makeRequest({ cookie });
    get headers() {
      return this.inner.headers;
    }
    header(name: string) {
      return this.inner.header(name);
    }
    get host() {
      return this.inner.host;
    }
    get scheme() {
      return this.inner.scheme;
    }
    info = undefined;
    addResponseCallback(callback: (request: unknown, response: Response) => void) {
      this.callbacks.push(callback);
    }
  }
  const run = (request: CallbackRequest) => {
    const response = new Response("ok");
    for (const callback of request.callbacks) callback(request, response);
    return response.headers.getSetCookie();
  };
  // deno-lint-ignore no-explicit-any
  const as = (r: CallbackRequest) => r as any;
  now += 30;
  const fresh = new CallbackRequest();
  assert.equal(helper.identify(as(fresh))?.userid, "ann");
  assert.deepEqual(run(fresh), [], "younger than reissueTime: nothing reissued");
  now += 60;
  const old = new CallbackRequest();
  assert.equal(helper.identify(as(old))?.userid, "ann");
  helper.identify(as(old));
  assert.equal(old.callbacks.length, 1, "reissued once per request");
  const [reissued] = run(old);
  const identity = helper.identify(makeRequest({ cookie: cookiePair(reissued) }));
  assert.equal(identity?.timestamp, now, "the new ticket is stamped now");
  assert.deepEqual(identity?.tokens, ["t1"], "tokens carry over");
  const loggedOut = new CallbackRequest();
  helper.identify(as(loggedOut));
  helper.forget(as(loggedOut));
  assert.deepEqual(run(loggedOut), [], "forget revokes the reissue");
  const relogged = new CallbackRequest();
  helper.identify(as(relogged));
  helper.remember(as(relogged), "bob");
  assert.deepEqual(run(relogged), [], "remember revokes the reissue");
});
