// The secured_view deriver, called directly: permission, default permission,
// NO_PERMISSION_REQUIRED, exception views, and denial as HTTPForbidden carrying the result.

import assert from "node:assert/strict";
import {
  ACLAuthorizationPolicy,
  ACLDenied,
  Allow,
  AuthTktAuthenticationPolicy,
  Configurator,
  Everyone,
  HTTPForbidden,
  NO_PERMISSION_REQUIRED,
  type PyramidRequest,
  securedView,
} from "../../mod.ts";
import { DummyRequest } from "../../src/testing/mod.ts";
import { cookiePair } from "./_helpers.ts";

const SECRET = "secured-view-secret-32-bytes-long!";
const ROOT = {
  __name__: "",
  __parent__: null,
  __acl__: [[Allow, Everyone, "view"], [Allow, "ann", "edit"]],
};

function setup(defaultPermission?: string) {
  const config = new Configurator();
  config.setAuthenticationPolicy(new AuthTktAuthenticationPolicy(SECRET));
  config.setAuthorizationPolicy(new ACLAuthorizationPolicy());
  if (defaultPermission) config.setDefaultPermission(defaultPermission);
  const calls: string[] = [];
  const view = (_context: unknown, request: PyramidRequest) => {
    calls.push(request.path);
    return new Response("the view ran");
  };
  const derive = (options: Record<string, unknown>, isExceptionView = false) =>
    securedView(view, { options, registry: config.registry, name: "my_view", isExceptionView });
  const as = (userid?: string) => {
    const cookie = userid
      ? cookiePair(
        new AuthTktAuthenticationPolicy(SECRET).remember(new DummyRequest(), userid)[0][1],
      )
      : undefined;
    return new DummyRequest({
      registry: config.registry,
      headers: cookie ? { cookie } : {},
      path: "/p",
    });
  };
  return { view, derive, as, calls };
}

Deno.test("a permission the ACL grants lets the view run; one it refuses raises HTTPForbidden", async () => {
  const { derive, as, calls } = setup();
  const edit = derive({ permission: "edit" });
  assert.equal(await (await edit(ROOT, as("ann"))).text(), "the view ran");
  assert.deepEqual(calls, ["/p"]);
  await assert.rejects(async () => await edit(ROOT, as("bob")), (error: unknown) => {
    assert.ok(error instanceof HTTPForbidden);
    assert.equal(error.status, 403);
    assert.equal(error.detail, "Unauthorized: my_view failed permission check");
    const result = error.result as ACLDenied;
    assert.ok(result instanceof ACLDenied);
    assert.equal(result.permission, "edit");
    assert.equal(result.ace, "<default deny>");
    assert.equal(result.context, ROOT);
    assert.deepEqual(result.principals, [Everyone, "system.Authenticated", "bob"]);
    return true;
  });
  await assert.rejects(async () => await edit(ROOT, as()), HTTPForbidden);
  assert.deepEqual(calls, ["/p"], "a denied view never runs");
});

Deno.test("no permission and no default: the view is returned unwrapped", () => {
  const { view, derive } = setup();
  assert.equal(derive({}), view);
  assert.equal(derive({ permission: NO_PERMISSION_REQUIRED }), view);
});

Deno.test("the default permission applies to views without one; NO_PERMISSION_REQUIRED opts out", async () => {
  const { view, derive, as } = setup("edit");
  await assert.rejects(async () => await derive({})(ROOT, as()), HTTPForbidden);
  assert.equal((await derive({})(ROOT, as("ann"))).status, 200);
  assert.equal(derive({ permission: NO_PERMISSION_REQUIRED }), view);
  assert.equal((await derive({ permission: "view" })(ROOT, as())).status, 200, "explicit wins");
});

Deno.test("exception views are exempt from the default permission, not from their own", async () => {
  const { view, derive, as } = setup("edit");
  assert.equal(derive({}, true), view);
  await assert.rejects(
    async () => await derive({ permission: "edit" }, true)(ROOT, as()),
    HTTPForbidden,
  );
});

Deno.test("without a security policy a permission protects nothing (Pyramid's rule), with a warning", () => {
  const config = new Configurator();
  const view = () => new Response("x");
  const info = {
    options: { permission: "edit" },
    registry: config.registry,
    name: "edit_page",
    isExceptionView: false,
    where: "app.ts:3:1",
  };
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    assert.equal(securedView(view, info), view);
    // A default permission alone is not repeated as a warning for every view.
    config.setDefaultPermission("view");
    assert.equal(securedView(view, { ...info, options: {} }), view);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0],
    /The view edit_page \(at app\.ts:3:1\) asks for the permission 'edit', but no security policy is set, so nothing enforces it\. Set one with config\.setSecurityPolicy\(\)/,
  );
  assert.deepEqual(securedView.options, ["permission"]);
});

Deno.test("async __acl__ and an async Pyramid 2 policy are awaited by the deriver", async () => {
  const config = new Configurator();
  config.setSecurityPolicy({
    identity: async () => null,
    authenticatedUserid: async () => null,
    permits: async (request, context, permission) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const acl = await (context as { __acl__(): Promise<string[]> }).__acl__();
      return acl.includes(`${request.method}:${permission}`);
    },
    remember: () => [],
    forget: () => [],
  });
  const context = { __acl__: async () => ["GET:view"] };
  const derived = securedView(() => new Response("ok"), {
    options: { permission: "view" },
    registry: config.registry,
    name: "v",
    isExceptionView: false,
  });
  assert.equal(
    (await derived(context, new DummyRequest({ registry: config.registry }))).status,
    200,
  );
  await assert.rejects(
    async () =>
      await derived(context, new DummyRequest({ registry: config.registry, method: "POST" })),
    (error: unknown) =>
      error instanceof HTTPForbidden && (error.result as { allowed: boolean }).allowed === false,
  );
});
