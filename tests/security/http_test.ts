// Security end to end over real HTTP: login/logout with AuthTkt cookies, permissions on async,
// blocking and websocket views, the forbidden view, the default permission, bad cookies, and
// a Pyramid 2 security policy — each against a real server on a free port.

import assert from "node:assert/strict";
import {
  ACLAuthorizationPolicy,
  type ACLDenied,
  Allow,
  type App,
  Authenticated,
  authnPolicyFactory,
  AuthTktAuthenticationPolicy,
  Configurator,
  DENY_ALL,
  Everyone,
  forget,
  type HTTPForbidden,
  HTTPSeeOther,
  type PyramidRequest,
  remember,
  WebsocketMapper,
} from "../../mod.ts";
import { cookiePair } from "./_helpers.ts";

const SECRET = "end-to-end-secret-at-least-32-bytes";
const VIEWS = new URL("./fixtures/views.ts", import.meta.url).href;
const GROUPS: Record<string, string[]> = { ann: ["group:editors"], bob: [] };

async function groupfinder(userid: unknown): Promise<string[] | null> {
  await new Promise((resolve) => setTimeout(resolve, 1)); // a database round trip
  return GROUPS[userid as string] ?? null;
}

class Root {
  __name__ = "";
  __parent__ = null;
  async __acl__() {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return [[Allow, Everyone, "view"], [Allow, "group:editors", "edit"], DENY_ALL] as const;
  }
}

interface Served {
  app: App;
  url(path: string): string;
  get(path: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
}

async function serve(config: Configurator, fn: (served: Served) => Promise<void>) {
  const app = await config.makeApp();
  await app.ready?.();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    await fn({
      app,
      url: (path) => base + path,
      async get(path, init = {}) {
        const headers = new Headers(init.headers);
        if (init.cookie) headers.set("cookie", init.cookie);
        return await fetch(base + path, { redirect: "manual", ...init, headers });
      },
    });
  } finally {
    await app.close();
    await server.shutdown();
  }
}

function editorsApp(): Configurator {
  const config = new Configurator({
    rootFactory: () => new Root(),
    settings: { "aio.executor.max_workers": "1" },
  });
  config.setAuthenticationPolicy(
    authnPolicyFactory(AuthTktAuthenticationPolicy, groupfinder, SECRET, { hashalg: "sha512" }),
  );
  config.setAuthorizationPolicy(new ACLAuthorizationPolicy());
  config.addRoute("login", "/login");
  config.addRoute("logout", "/logout");
  config.addRoute("public", "/public");
  config.addRoute("edit", "/edit");
  config.addRoute("blocking_edit", "/blocking/edit");
  config.addRoute("blocking_login", "/blocking/login");
  config.addRoute("blocking_logout", "/blocking/logout");
  config.addRoute("ws_edit", "/ws/edit");
  config.addRoute("ws_blocking", "/ws/blocking");
  config.addView(async (request: PyramidRequest) => {
    const login = String(request.params.get("login"));
    if (!(login in GROUPS)) return new Response("unknown user", { status: 400 });
    return new HTTPSeeOther({ location: "/edit", headers: await remember(request, login) });
  }, { routeName: "login", requestMethod: "POST" });
  config.addView(async (request: PyramidRequest) => {
    return new HTTPSeeOther({ location: "/public", headers: await forget(request) });
  }, { routeName: "logout" });
  config.addView(async (request: PyramidRequest) => ({
    page: "public",
    userid: await request.authenticatedUserid,
  }), { routeName: "public", renderer: "json", permission: "view" });
  config.addView(async (request: PyramidRequest) => ({
    page: "edit",
    identity: await request.identity,
    userid: await request.authenticatedUserid,
    unauthenticated: await request.unauthenticatedUserid,
    principals: await request.effectivePrincipals,
    isAuthenticated: await request.isAuthenticated,
    canEdit: (await request.hasPermission("edit")).allowed,
    canDelete: (await request.hasPermission("delete")).allowed,
  }), { routeName: "edit", renderer: "json", permission: "edit" });
  config.addView(`${VIEWS}#whoAmIBlocking`, {
    routeName: "blocking_edit",
    renderer: "json",
    permission: "edit",
  });
  config.addView(`${VIEWS}#loginBlocking`, { routeName: "blocking_login" });
  config.addView(`${VIEWS}#logoutBlocking`, { routeName: "blocking_logout" });
  config.addView(`${VIEWS}#WhoOverWebsocket`, { routeName: "ws_edit", permission: "edit" });
  config.addView(`${VIEWS}#blockingEcho`, {
    routeName: "ws_blocking",
    permission: "edit",
    mapper: WebsocketMapper,
  });
  // The forbidden view: anonymous users go to the login page; others see why.
  config.addForbiddenView(async (request: PyramidRequest) => {
    const error = request.exception as HTTPForbidden;
    if (!(await request.isAuthenticated)) {
      return new HTTPSeeOther({ location: "/login?came_from=" + encodeURIComponent(request.path) });
    }
    const result = error.result as ACLDenied;
    return new Response(
      JSON.stringify({ denied: result.permission, ace: result.ace, kind: result.constructor.name }),
      { status: 403, headers: { "content-type": "application/json" } },
    );
  });
  return config;
}

async function login(served: Served, user: string): Promise<string> {
  const response = await served.get("/login", {
    method: "POST",
    body: new URLSearchParams({ login: user }),
  });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get("location"), "/edit");
  const [setCookie] = response.headers.getSetCookie();
  assert.match(setCookie, /^auth_tkt="?[0-9a-f]{136}/);
  assert.match(setCookie, /; HttpOnly; SameSite=Lax$/);
  assert.doesNotMatch(setCookie, /Secure/, "plain http: no Secure flag");
  await response.body?.cancel();
  return cookiePair(setCookie);
}

Deno.test("async views: login, 200 for editors, 403 for others, redirect for anonymous, logout", async () => {
  await serve(editorsApp(), async (served) => {
    const anonymous = await served.get("/public");
    assert.equal(anonymous.status, 200);
    assert.deepEqual(await anonymous.json(), { page: "public", userid: null });

    const redirected = await served.get("/edit");
    assert.equal(redirected.status, 303);
    assert.equal(redirected.headers.get("location"), "/login?came_from=%2Fedit");
    await redirected.body?.cancel();

    const ann = await login(served, "ann");
    const edit = await served.get("/edit", { cookie: ann });
    assert.equal(edit.status, 200);
    assert.deepEqual(await edit.json(), {
      page: "edit",
      identity: "ann",
      userid: "ann",
      unauthenticated: "ann",
      principals: [Everyone, Authenticated, "ann", "group:editors"],
      isAuthenticated: true,
      canEdit: true,
      canDelete: false,
    });

    const bob = await login(served, "bob");
    const refused = await served.get("/edit", { cookie: bob });
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), {
      denied: "edit",
      ace: ["Deny", Everyone, "ALL_PERMISSIONS"],
      kind: "ACLDenied",
    });
    const bobPublic = await served.get("/public", { cookie: bob });
    assert.deepEqual(await bobPublic.json(), { page: "public", userid: "bob" });

    const logout = await served.get("/logout", { cookie: ann });
    assert.equal(logout.status, 303);
    const [expired] = logout.headers.getSetCookie();
    assert.match(expired, /^auth_tkt=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    await logout.body?.cancel();
  });
});

Deno.test("blocking views: permission checked on the main isolate, members are plain values", async () => {
  await serve(editorsApp(), async (served) => {
    const anonymous = await served.get("/blocking/edit");
    assert.equal(anonymous.status, 303, "the forbidden view redirects before any worker runs");
    await anonymous.body?.cancel();

    const ann = await login(served, "ann");
    const response = await served.get("/blocking/edit", { cookie: ann });
    assert.equal(response.status, 200);
    const { deleteMsg, ...values } = await response.json();
    assert.deepEqual(values, {
      world: "worker",
      identity: "ann",
      authenticatedUserid: "ann",
      unauthenticatedUserid: "ann",
      effectivePrincipals: [Everyone, Authenticated, "ann", "group:editors"],
      isAuthenticated: true,
      canEdit: true,
      editKind: "ACLAllowed",
      editAce: ["Allow", "group:editors", "edit"],
      editContextIsRequestContext: true,
      canDelete: false,
      canEditElsewhere: true,
    });
    assert.match(deleteMsg, /^ACLDenied permission "delete" via ACE \["Deny","system.Everyone"/);

    const bob = await login(served, "bob");
    const refused = await served.get("/blocking/edit", { cookie: bob });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).kind, "ACLDenied");
  });
});

Deno.test("blocking views: remember() and forget() answer headers synchronously in a worker", async () => {
  await serve(editorsApp(), async (served) => {
    const response = await served.get("/blocking/login?login=ann");
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "welcome");
    const [setCookie] = response.headers.getSetCookie();
    assert.match(setCookie, /; HttpOnly; SameSite=Lax$/);
    const edit = await served.get("/edit", { cookie: cookiePair(setCookie) });
    assert.equal(edit.status, 200);
    assert.equal((await edit.json()).userid, "ann");
    const logout = await served.get("/blocking/logout", { cookie: cookiePair(setCookie) });
    assert.equal(await logout.text(), "bye");
    assert.match(logout.headers.getSetCookie()[0], /^auth_tkt=; Max-Age=0/);
  });
});

Deno.test("websocket views: the permission is checked before the upgrade (403, no 101)", async () => {
  await serve(editorsApp(), async (served) => {
    const ann = await login(served, "ann");
    const bob = await login(served, "bob");
    for (const path of ["/ws/edit", "/ws/blocking"]) {
      for (const cookie of [undefined, bob]) {
        const response = await served.get(path, {
          cookie,
          headers: {
            upgrade: "websocket",
            connection: "Upgrade",
            "sec-websocket-version": "13",
            "sec-websocket-key": btoa("0123456789abcdef"),
          },
        });
        assert.notEqual(response.status, 101);
        assert.equal(response.status, cookie ? 403 : 303, `${path} as ${cookie ?? "anonymous"}`);
        await response.body?.cancel();
      }
    }
    const socket = new WebSocket(served.url("/ws/edit").replace("http", "ws"), {
      headers: { cookie: ann },
    } as never);
    const messages: string[] = [];
    const closed = new Promise<void>((resolve) =>
      socket.addEventListener("close", () => resolve())
    );
    const first = new Promise<void>((resolve) =>
      socket.addEventListener("message", (event) => {
        messages.push(event.data);
        if (messages.length === 1) socket.send("ping");
        if (messages.length === 2) resolve();
      })
    );
    await first;
    socket.close();
    await closed;
    assert.deepEqual(messages, ["hello ann canEdit=true", "ping"]);

    const blocking = new WebSocket(served.url("/ws/blocking").replace("http", "ws"), {
      headers: { cookie: ann },
    } as never);
    const echoed = new Promise<string>((resolve) =>
      blocking.addEventListener("message", (event) => resolve(event.data))
    );
    const blockingClosed = new Promise<void>((resolve) =>
      blocking.addEventListener("close", () => resolve())
    );
    blocking.addEventListener("open", () => blocking.send("from a worker"));
    assert.equal(await echoed, "from a worker");
    blocking.close();
    await blockingClosed;
  });
});
