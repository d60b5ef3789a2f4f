// Authentication policies (callback, AuthTkt, Basic), authnPolicyFactory with async callbacks,
// the Pyramid 2 adapter, the Configurator's security methods, and the request-level API.

import assert from "node:assert/strict";
import {
  ACLAuthorizationPolicy,
  Allow,
  Allowed,
  Authenticated,
  authnPolicyFactory,
  AuthTktAuthenticationPolicy,
  BasicAuthAuthenticationPolicy,
  CallbackAuthenticationPolicy,
  ConfigurationError,
  Configurator,
  Denied,
  Everyone,
  extractHttpBasicCredentials,
  forget,
  LegacySecurityPolicy,
  type PyramidRequest,
  remember,
  type SecurityPolicy,
} from "../../mod.ts";
import { DummyRequest } from "../../src/testing/mod.ts";
import {
  authenticatedUserid,
  effectivePrincipals,
  hasPermission,
  identity,
  isAuthenticated,
  unauthenticatedUserid,
} from "../../src/security/request_api.ts";
import { cookiePair } from "./_helpers.ts";

const SECRET = "policies-test-secret-of-32-bytes!!";
const GROUPS: Record<string, string[]> = { ann: ["group:editors"], bob: [] };

async function slowGroups(userid: unknown): Promise<string[] | null> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return GROUPS[userid as string] ?? null;
}

function loggedIn(policy: { remember(r: PyramidRequest, u: unknown): unknown }, userid: string) {
  const headers = policy.remember(new DummyRequest(), userid) as [string, string][];
  return new DummyRequest({ headers: { cookie: cookiePair(headers[0][1]) } });
}

class HeaderPolicy extends CallbackAuthenticationPolicy {
  unauthenticatedUserid(request: PyramidRequest) {
    return request.headers.get("x-user");
  }
  remember() {
    return [];
  }
  forget() {
    return [];
  }
}

Deno.test("CallbackAuthenticationPolicy: sync callback answers synchronously, per Pyramid's rules", () => {
  const policy = new HeaderPolicy();
  const as = (user?: string) => new DummyRequest({ headers: user ? { "x-user": user } : {} });
  assert.equal(policy.authenticatedUserid(as()), null);
  assert.deepEqual(policy.effectivePrincipals(as()), [Everyone]);
  assert.equal(policy.authenticatedUserid(as("zed")), "zed", "no callback: every claim is a user");
  assert.deepEqual(policy.effectivePrincipals(as("zed")), [Everyone, Authenticated, "zed"]);
  policy.callback = (userid) => GROUPS[userid as string] ?? null;
  assert.equal(policy.authenticatedUserid(as("zed")), null, "callback null: unknown user");
  assert.deepEqual(policy.effectivePrincipals(as("zed")), [Everyone]);
  assert.equal(policy.authenticatedUserid(as("bob")), "bob", "an empty group list is a user");
  assert.deepEqual(policy.effectivePrincipals(as("ann")), [
    Everyone,
    Authenticated,
    "ann",
    "group:editors",
  ]);
  for (const system of [Everyone, Authenticated]) {
    assert.equal(policy.authenticatedUserid(as(system)), null, `${system} is not a userid`);
    assert.deepEqual(policy.effectivePrincipals(as(system)), [Everyone]);
  }
});

Deno.test("CallbackAuthenticationPolicy: an async callback makes the answers Promises", async () => {
  const policy = new HeaderPolicy();
  policy.callback = slowGroups;
  const request = new DummyRequest({ headers: { "x-user": "ann" } });
  const pending = policy.authenticatedUserid(request);
  assert.ok(pending instanceof Promise);
  assert.equal(await pending, "ann");
  assert.deepEqual(await policy.effectivePrincipals(request), [
    Everyone,
    Authenticated,
    "ann",
    "group:editors",
  ]);
});

Deno.test("the callback runs once per request, however many answers the request asks for", async () => {
  const calls: unknown[] = [];
  const policy = new HeaderPolicy();
  policy.callback = async (userid) => {
    calls.push(userid);
    return GROUPS[userid as string] ?? null;
  };
  const ann = new DummyRequest({ headers: { "x-user": "ann" } });
  await Promise.all([policy.authenticatedUserid(ann), policy.effectivePrincipals(ann)]);
  await policy.authenticatedUserid(ann);
  assert.deepEqual(calls, ["ann"]);
  await policy.effectivePrincipals(new DummyRequest({ headers: { "x-user": "ann" } }));
  assert.deepEqual(calls, ["ann", "ann"], "another request asks again");
  policy.callback = async () => ["group:other"];
  assert.deepEqual(await policy.effectivePrincipals(ann), [
    Everyone,
    Authenticated,
    "ann",
    "group:other",
  ], "a replaced callback is asked afresh");
});

Deno.test("AuthTktAuthenticationPolicy: remember, read back through the callback, forget", async () => {
  const policy = new AuthTktAuthenticationPolicy(SECRET, {
    callback: slowGroups,
    hashalg: "sha256",
  });
  const ann = loggedIn(policy, "ann");
  assert.equal(policy.unauthenticatedUserid(ann), "ann");
  assert.equal(await policy.authenticatedUserid(ann), "ann");
  const ghost = loggedIn(policy, "ghost");
  assert.equal(policy.unauthenticatedUserid(ghost), "ghost");
  assert.equal(await policy.authenticatedUserid(ghost), null, "the callback does not know ghost");
  assert.match(policy.forget(ann)[0][1], /^auth_tkt=; Max-Age=0; /);
  assert.equal(policy.unauthenticatedUserid(new DummyRequest()), null);
});

Deno.test("BasicAuthAuthenticationPolicy: checks the password, challenges on forget", async () => {
  const policy = new BasicAuthAuthenticationPolicy(
    async (username, password) =>
      username === "ann" && password === "pw:with:colons" ? ["g"] : null,
    { realm: 'Say "hi"' },
  );
  const basic = (text: string) =>
    new DummyRequest({ headers: { authorization: "Basic " + btoa(text) } });
  assert.equal(await policy.authenticatedUserid(basic("ann:pw:with:colons")), "ann");
  assert.deepEqual(await policy.effectivePrincipals(basic("ann:pw:with:colons")), [
    Everyone,
    Authenticated,
    "ann",
    "g",
  ]);
  assert.equal(policy.unauthenticatedUserid(basic("ann:wrong")), "ann");
  assert.equal(await policy.authenticatedUserid(basic("ann:wrong")), null);
  assert.deepEqual(policy.remember(), []);
  assert.deepEqual(policy.forget(), [["WWW-Authenticate", 'Basic realm="Say \\"hi\\""']]);
  // Malformed headers are no credentials, never an error.
  for (
    const header of ["Basic", "Basic !!!", "Bearer abc", "Basic " + btoa("nocolon"), "", "basic"]
  ) {
    assert.equal(
      extractHttpBasicCredentials({ headers: new Headers({ authorization: header }) }),
      null,
    );
  }
  const latin1 = new Headers({ authorization: "Basic " + btoa("j\xe9r:\xe9") });
  assert.deepEqual(extractHttpBasicCredentials({ headers: latin1 }), {
    username: "jér",
    password: "é",
  });
  const utf8 = new Headers({
    authorization: "basic " + btoa(String.fromCharCode(...new TextEncoder().encode("jér:é"))),
  });
  assert.deepEqual(extractHttpBasicCredentials({ headers: utf8 }), {
    username: "jér",
    password: "é",
  });
});

Deno.test("authnPolicyFactory: async callback, every method returns a Promise", async () => {
  const policy = authnPolicyFactory(AuthTktAuthenticationPolicy, slowGroups, SECRET, {
    hashalg: "sha512",
  });
  assert.ok(policy instanceof AuthTktAuthenticationPolicy);
  assert.equal(policy.constructor.name, "AsyncAuthTktAuthenticationPolicy");
  assert.equal(policy.callback, slowGroups);
  const headers = policy.remember(new DummyRequest(), "ann");
  assert.ok(headers instanceof Promise);
  const request = new DummyRequest({ headers: { cookie: cookiePair((await headers)[0][1]) } });
  const unauthenticated = policy.unauthenticatedUserid(request);
  assert.ok(unauthenticated instanceof Promise);
  assert.equal(await unauthenticated, "ann");
  assert.equal(await policy.authenticatedUserid(request), "ann");
  assert.deepEqual(await policy.effectivePrincipals(request), [
    Everyone,
    Authenticated,
    "ann",
    "group:editors",
  ]);
  assert.match((await policy.forget(request))[0][1], /Max-Age=0/);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => authnPolicyFactory(AuthTktAuthenticationPolicy, "nope" as any, SECRET),
    /needs a callback function/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => authnPolicyFactory(Map as any, slowGroups),
    /needs a CallbackAuthenticationPolicy subclass .* Map is not one/,
  );
});

Deno.test("setAuthenticationPolicy + setAuthorizationPolicy become one LegacySecurityPolicy", async () => {
  const config = new Configurator({
    rootFactory: () => ({ __acl__: [[Allow, "group:editors", "edit"]] }),
  });
  const authn = authnPolicyFactory(AuthTktAuthenticationPolicy, slowGroups, SECRET);
  config.setAuthenticationPolicy(authn);
  assert.equal(config.registry.securityPolicy, undefined, "half a pair is not a policy yet");
  config.setAuthorizationPolicy(new ACLAuthorizationPolicy());
  const policy = config.registry.securityPolicy as unknown as LegacySecurityPolicy;
  assert.ok(policy instanceof LegacySecurityPolicy);
  assert.equal(policy.authenticationPolicy, authn);
  const request = new DummyRequest({ registry: config.registry });
  const [[, setCookie]] = await remember(request, "ann");
  const ann = new DummyRequest({
    registry: config.registry,
    headers: { cookie: cookiePair(setCookie) },
    context: { __acl__: [[Allow, "group:editors", "edit"]] },
  });
  assert.equal(await identity(ann), "ann");
  assert.equal(await authenticatedUserid(ann), "ann");
  assert.equal(await unauthenticatedUserid(ann), "ann");
  assert.deepEqual(await effectivePrincipals(ann), [
    Everyone,
    Authenticated,
    "ann",
    "group:editors",
  ]);
  assert.equal(await isAuthenticated(ann), true);
  const edit = await hasPermission(ann, "edit");
  assert.equal(edit.allowed, true);
  assert.equal((await hasPermission(ann, "edit", { __acl__: [] })).allowed, false);
  assert.equal((await hasPermission(request, "edit", ann.context)).allowed, false);
  assert.match((await forget(ann))[0][1], /^auth_tkt=;/);
  assert.throws(() => policy.forget(ann, { everywhere: true }), /do not take options in forget/);
});

Deno.test("a Pyramid 2 security policy: async methods, boolean permits, no principals", async () => {
  const calls: string[] = [];
  const policy: SecurityPolicy = {
    async identity(request) {
      calls.push("identity");
      const user = request.headers.get("x-user");
      return user ? { id: user } : null;
    },
    async authenticatedUserid(request) {
      return ((await this.identity(request)) as { id: string } | null)?.id ?? null;
    },
    async permits(request, _context, permission) {
      return permission === "view" || (await this.authenticatedUserid(request)) !== null;
    },
    async remember(_request, userid) {
      return [["X-Remember", String(userid)]];
    },
    async forget() {
      return [["X-Forget", "1"]];
    },
  };
  const config = new Configurator();
  config.setSecurityPolicy(policy);
  const anonymous = new DummyRequest({ registry: config.registry });
  const ann = new DummyRequest({ registry: config.registry, headers: { "x-user": "ann" } });
  assert.deepEqual(await identity(ann), { id: "ann" });
  assert.equal(await identity(anonymous), null);
  assert.equal(await unauthenticatedUserid(ann), "ann", "Pyramid 2: the authenticated userid");
  assert.deepEqual(await effectivePrincipals(ann), [Everyone], "no principals in Pyramid 2");
  assert.equal(await isAuthenticated(anonymous), false);
  const view = await hasPermission(anonymous, "view");
  assert.ok(view instanceof Allowed);
  const edit = await hasPermission(anonymous, "edit");
  assert.ok(edit instanceof Denied);
  assert.match(edit.msg, /denied the permission 'edit'/);
  assert.deepEqual(await remember(ann, 42), [["X-Remember", "42"]]);
  assert.deepEqual(await forget(ann), [["X-Forget", "1"]]);
  assert.ok(calls.length > 0);
});

Deno.test("without a security policy: anonymous, everything allowed, no headers", async () => {
  const request = new DummyRequest();
  assert.equal(await identity(request), null);
  assert.equal(await authenticatedUserid(request), null);
  assert.equal(await unauthenticatedUserid(request), null);
  assert.deepEqual(await effectivePrincipals(request), [Everyone]);
  const result = await hasPermission(request, "edit");
  assert.equal(result.allowed, true);
  assert.equal(result.msg, "No security policy in use.");
  assert.deepEqual(await remember(request, "ann"), []);
  assert.deepEqual(await forget(request), []);
});

Deno.test("configuration mistakes are ConfigurationErrors that say how to fix them", async () => {
  const config = new Configurator();
  // deno-lint-ignore no-explicit-any
  const loose = config as any;
  assert.throws(() => loose.setSecurityPolicy({ identity() {} }), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /lacks authenticatedUserid, permits, remember, forget/);
    return true;
  });
  assert.throws(
    () => loose.setAuthenticationPolicy(null),
    /got object.*AuthTktAuthenticationPolicy/,
  );
  assert.throws(() => loose.setAuthorizationPolicy({}), /lacks permits.*ACLAuthorizationPolicy/);
  assert.throws(() => loose.setDefaultPermission(""), /takes a permission name such as "view"/);

  const mixed = new Configurator();
  mixed.setSecurityPolicy({
    identity: () => null,
    authenticatedUserid: () => null,
    permits: () => false,
    remember: () => [],
    forget: () => [],
  });
  assert.throws(
    () => mixed.setAuthenticationPolicy(new AuthTktAuthenticationPolicy(SECRET)),
    /Use one style/,
  );

  const half = new Configurator();
  half.setAuthenticationPolicy(new AuthTktAuthenticationPolicy(SECRET));
  await assert.rejects(
    () => half.makeApp(),
    /without an authorization policy.*ACLAuthorizationPolicy/,
  );
  const otherHalf = new Configurator();
  otherHalf.setAuthorizationPolicy(new ACLAuthorizationPolicy());
  await assert.rejects(() => otherHalf.makeApp(), /without an authentication policy/);
});
