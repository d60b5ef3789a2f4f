// The wiki example over real HTTP: public pages, login (right and wrong passwords), the
// editors-only page (200 / 403 / redirect to login), editing, the blocking /whoami view,
// logout, and tampered cookies.
import assert from "node:assert/strict";
import { main } from "../app.ts";

const SETTINGS = {
  "aio.debug": "false",
  "aio.executor.max_workers": "1",
  "wiki.secret": "wiki-example-test-secret-32-bytes-long",
};

interface Browser {
  get(path: string): Promise<Response>;
  post(path: string, form: Record<string, string>): Promise<Response>;
  /** The auth_tkt cookie this browser holds, if any. */
  cookie: string | undefined;
}

async function withWiki(fn: (browser: () => Browser) => Promise<void>): Promise<void> {
  const app = await main(SETTINGS);
  await app.ready?.();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  // A tiny browser: keeps the auth_tkt cookie the server sets or clears.
  const browser = (): Browser => {
    const self: Browser = {
      cookie: undefined,
      get: (path) => send(path, { method: "GET" }),
      post: (path, form) => send(path, { method: "POST", body: new URLSearchParams(form) }),
    };
    async function send(path: string, init: RequestInit): Promise<Response> {
      const headers = new Headers(init.headers);
      if (self.cookie) headers.set("cookie", self.cookie);
      const response = await fetch(base + path, { ...init, headers, redirect: "manual" });
      for (const setCookie of response.headers.getSetCookie()) {
        const pair = setCookie.slice(0, setCookie.indexOf(";"));
        self.cookie = /Max-Age=0/.test(setCookie) ? undefined : pair;
      }
      return response;
    }
    return self;
  };
  try {
    await fn(browser);
  } finally {
    await app.close();
    await server.shutdown();
  }
}

async function text(response: Response): Promise<string> {
  return await response.text();
}

Deno.test("anonymous visitors read pages and are sent to log in for editing", async () => {
  await withWiki(async (browser) => {
    const visitor = browser();
    const index = await visitor.get("/");
    assert.equal(index.status, 200);
    const home = await text(index);
    assert.match(home, /<a href="\/pages\/FrontPage">FrontPage<\/a>/);
    assert.match(home, /<a href="\/login">Log in<\/a>/);
    const page = await visitor.get("/pages/FrontPage");
    assert.equal(page.status, 200);
    const body = await text(page);
    assert.match(body, /Welcome to the wiki/);
    assert.doesNotMatch(body, /Edit this page/);
    const edit = await visitor.get("/pages/FrontPage/edit");
    assert.equal(edit.status, 303);
    assert.equal(edit.headers.get("location"), "/login?came_from=%2Fpages%2FFrontPage%2Fedit");
    await edit.body?.cancel();
    const missing = await visitor.get("/pages/Nope");
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

Deno.test("an editor logs in, lands where they came from, edits, and logs out", async () => {
  await withWiki(async (browser) => {
    const ann = browser();
    const form = await ann.get("/login?came_from=%2Fpages%2FAbout%2Fedit");
    assert.equal(form.status, 200);
    assert.match(await text(form), /name="came_from" value="\/pages\/About\/edit"/);

    const wrong = await ann.post("/login", {
      login: "ann",
      password: "nope",
      came_from: "/pages/About/edit",
    });
    assert.equal(wrong.status, 400);
    assert.match(await text(wrong), /Wrong login or password\./);
    assert.equal(ann.cookie, undefined, "no cookie for a wrong password");

    const ok = await ann.post("/login", {
      login: "ann",
      password: "ann-password",
      came_from: "/pages/About/edit",
    });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), "/pages/About/edit");
    assert.match(ok.headers.getSetCookie()[0], /^auth_tkt=.*; HttpOnly; SameSite=Lax$/);
    await ok.body?.cancel();

    const edit = await ann.get("/pages/About/edit");
    assert.equal(edit.status, 200);
    assert.match(await text(edit), /<textarea name="body"[^>]*>A Pyramid-style app on Deno\./);
    const saved = await ann.post("/pages/About/edit", { body: "Edited by <ann>." });
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get("location"), "/pages/About");
    await saved.body?.cancel();
    const page = await text(await ann.get("/pages/About"));
    assert.match(page, /Edited by &lt;ann&gt;\./, "rendered escaped");
    assert.match(page, /Edit this page/);
    assert.match(page, /logged in as <strong>ann<\/strong>/);

    const who = await ann.get("/whoami");
    assert.deepEqual(await who.json(), {
      userid: "ann",
      principals: ["system.Everyone", "system.Authenticated", "ann", "group:editors"],
      canEdit: true,
    });

    const out = await ann.post("/logout", {});
    assert.equal(out.status, 303);
    await out.body?.cancel();
    assert.equal(ann.cookie, undefined, "logout cleared the cookie");
    const again = await ann.get("/pages/About/edit");
    assert.equal(again.status, 303);
    await again.body?.cancel();
  });
});

Deno.test("a reader who is logged in gets 403 on the editors-only page", async () => {
  await withWiki(async (browser) => {
    const bob = browser();
    const login = await bob.post("/login", { login: "bob", password: "bob-password" });
    assert.equal(login.status, 303);
    assert.equal(login.headers.get("location"), "/");
    await login.body?.cancel();
    const edit = await bob.get("/pages/FrontPage/edit");
    assert.equal(edit.status, 403);
    assert.match(await text(edit), /bob may not edit here: only editors can\./);
    const saved = await bob.post("/pages/FrontPage/edit", { body: "vandalism" });
    assert.equal(saved.status, 403);
    await saved.body?.cancel();
    assert.match(await text(await bob.get("/pages/FrontPage")), /Welcome to the wiki/);
    assert.deepEqual((await (await bob.get("/whoami")).json()).canEdit, false);
  });
});

Deno.test("tampered cookies and open redirects get nowhere; the server keeps serving", async () => {
  await withWiki(async (browser) => {
    const mallory = browser();
    const login = await mallory.post("/login", {
      login: "bob",
      password: "bob-password",
      came_from: "//evil.example/",
    });
    assert.equal(login.headers.get("location"), "/", "no redirect off-site");
    await login.body?.cancel();
    // Turn bob's ticket into ann's by swapping the userid: the signature no longer matches.
    mallory.cookie = mallory.cookie!.replace(btoa("bob"), btoa("ann"));
    const edit = await mallory.get("/pages/FrontPage/edit");
    assert.equal(edit.status, 303, "anonymous again: sent to log in");
    await edit.body?.cancel();
    mallory.cookie = "auth_tkt=" + "\u00ff".repeat(10);
    const who = await mallory.get("/whoami");
    assert.equal(who.status, 200);
    assert.equal((await who.json()).userid, null);
    assert.equal((await mallory.get("/")).status, 200);
  });
});
