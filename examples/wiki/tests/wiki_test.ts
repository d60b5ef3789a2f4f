// The wiki over a real socket: read as a visitor, log in, edit (async view), see the page
// and the flash message (blocking view), forged and token-less POSTs refused with 400; a
// reader gets 403 on editing; the blocking /whoami sees the same user.
import assert from "node:assert/strict";
import { main } from "../app.ts";

const SECRET = "wiki-test-secret-".repeat(4);

class Browser {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const response = await fetch(this.base + path, { redirect: "manual", ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) {
        this.cookies.delete(pair.slice(0, at));
      } else this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }
  async text(path: string, init?: RequestInit): Promise<string> {
    const response = await this.fetch(path, init);
    assert.equal(response.status, 200, `${path}: ${response.status}`);
    return await response.text();
  }
  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, { method: "POST", body: new URLSearchParams(fields) });
  }
}

function tokenIn(html: string): string {
  const found = /name="csrf_token" value="([0-9a-f]+)"/.exec(html);
  assert.ok(found, "the form carries the CSRF token");
  return found[1];
}

export async function withWiki(
  fn: (base: string, dataDir: string) => Promise<void>,
  settings: Record<string, string> = {},
): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "aio_wiki_" });
  const app = await main({
    "wiki.data_dir": dataDir,
    "wiki.session_secret": SECRET,
    "wiki.secret": "wiki-test-auth-tkt-secret-32-bytes-long",
    "aio.debug": "false",
    ...settings,
  });
  await app.ready();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, dataDir);
  } finally {
    await app.close();
    await server.shutdown();
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("wiki: visitors read, editors log in and edit, flash messages show", async () => {
  await withWiki(async (base, dataDir) => {
    const visitor = new Browser(base);
    const home = await visitor.fetch("/");
    assert.equal(home.status, 302);
    assert.equal(home.headers.get("location"), "/FrontPage");
    await home.body?.cancel();
    const front = await visitor.text("/FrontPage");
    assert.match(front, /<strong>front page<\/strong>/);
    assert.match(front, /<a href="\/add_page\/SandBox" class="missing">SandBox<\/a>/);
    assert.doesNotMatch(front, /Edit this page/);

    // Editing needs a login: sent to the login page with a flash message.
    const denied = await visitor.fetch("/FrontPage/edit_page");
    assert.equal(denied.status, 303);
    assert.equal(denied.headers.get("location"), "/login?came_from=%2FFrontPage%2Fedit_page");
    await denied.body?.cancel();
    const loginPage = await visitor.text("/login?came_from=%2FFrontPage%2Fedit_page");
    assert.match(loginPage, /class="error">Log in to edit pages\./);
    const loginToken = tokenIn(loginPage);

    const wrong = await visitor.post("/login", {
      csrf_token: loginToken,
      login: "editor",
      password: "nope",
    });
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /Wrong login or password\./);
    assert.equal(visitor.cookies.has("auth_tkt"), false, "no ticket for a wrong password");

    const good = await visitor.post("/login", {
      csrf_token: loginToken,
      login: "editor",
      password: "editor",
      came_from: "/FrontPage/edit_page",
    });
    assert.equal(good.status, 303);
    assert.equal(good.headers.get("location"), "/FrontPage/edit_page");
    assert.ok(
      good.headers.getSetCookie().some((c) => /^auth_tkt=.*HttpOnly/.test(c)),
      "the AuthTkt cookie is set, HttpOnly",
    );
    await good.body?.cancel();

    const form = await visitor.text("/FrontPage/edit_page");
    const token = tokenIn(form);
    assert.notEqual(token, loginToken, "a new token after login");
    assert.match(form, /Welcome, editor\./);
    const saved = await visitor.post("/FrontPage/edit_page", {
      csrf_token: token,
      body: "# Front\n\nEdited in a **test**; see SandBox. <script>alert(1)</script>",
    });
    assert.equal(saved.status, 303);
    await saved.body?.cancel();
    const page = await visitor.text("/FrontPage");
    assert.match(page, /<p class="flash">Saved FrontPage\.<\/p>/);
    assert.match(page, /<h1>Front<\/h1>/);
    assert.match(page, /&lt;script&gt;/, "page text is escaped");
    assert.match(page, /Logged in as <b>editor<\/b>/);
    assert.match(page, /id="edit-link"/);
    assert.deepEqual(await (await visitor.fetch("/whoami")).json(), {
      userid: "editor",
      principals: ["system.Everyone", "system.Authenticated", "editor", "group:editors"],
      canEdit: true,
    });
    assert.doesNotMatch(await visitor.text("/FrontPage"), /Saved FrontPage/, "flash shown once");
    assert.match(await Deno.readTextFile(`${dataDir}/FrontPage.md`), /Edited in a \*\*test\*\*/);

    // A missing page: created through add_page.
    const missing = await visitor.fetch("/SandBox");
    assert.equal(missing.headers.get("location"), "/add_page/SandBox");
    await missing.body?.cancel();
    const addForm = await visitor.text("/add_page/SandBox");
    const created = await visitor.post("/add_page/SandBox", {
      csrf_token: tokenIn(addForm),
      body: "Play here.",
    });
    assert.equal(created.status, 303);
    await created.body?.cancel();
    assert.match(await visitor.text("/SandBox"), /Created SandBox\./);

    // Logging out forgets the user (POST with the token).
    const out = await visitor.post("/logout", {
      csrf_token: tokenIn(await visitor.text("/SandBox")),
    });
    assert.equal(out.status, 303);
    await out.body?.cancel();
    const after = await visitor.text("/FrontPage");
    assert.match(after, /Logged out\./);
    assert.match(after, /id="login-link"/);
    assert.equal(visitor.cookies.has("auth_tkt"), false, "logout forgot the ticket");
    const again = await visitor.fetch("/FrontPage/edit_page");
    assert.equal(again.status, 303, "editing needs a login again");
    await again.body?.cancel();
  });
});

Deno.test("wiki: forged POSTs (no token, wrong token, another session's) get 400", async () => {
  await withWiki(async (base, dataDir) => {
    const editor = new Browser(base);
    const loginToken = tokenIn(await editor.text("/login"));
    await (await editor.post("/login", {
      csrf_token: loginToken,
      login: "editor",
      password: "editor",
    })).body?.cancel();
    const token = tokenIn(await editor.text("/FrontPage/edit_page"));
    const before = await Deno.readTextFile(`${dataDir}/FrontPage.md`);

    const noToken = await editor.post("/FrontPage/edit_page", { body: "forged" });
    assert.equal(noToken.status, 400);
    assert.match(await noToken.text(), /Invalid token/);
    const wrongToken = await editor.post("/FrontPage/edit_page", {
      csrf_token: "f".repeat(40),
      body: "forged",
    });
    assert.equal(wrongToken.status, 400);
    await wrongToken.body?.cancel();
    // An attacker's own token, submitted with the editor's cookie.
    const attacker = new Browser(base);
    const theirs = tokenIn(await attacker.text("/login"));
    const crossed = await editor.post("/FrontPage/edit_page", { csrf_token: theirs, body: "x" });
    assert.equal(crossed.status, 400);
    await crossed.body?.cancel();
    // Logging in without the token is refused too (login CSRF).
    const blindLogin = await attacker.post("/login", { login: "editor", password: "editor" });
    assert.equal(blindLogin.status, 400);
    await blindLogin.body?.cancel();

    assert.equal(await Deno.readTextFile(`${dataDir}/FrontPage.md`), before, "nothing changed");
    const ok = await editor.post("/FrontPage/edit_page", { csrf_token: token, body: "real" });
    assert.equal(ok.status, 303, "the server still serves the real form");
    await ok.body?.cancel();
  });
});

Deno.test("wiki: bad page names and open redirects are refused", async () => {
  await withWiki(async (base) => {
    const editor = new Browser(base);
    const token = tokenIn(await editor.text("/login"));
    await (await editor.post("/login", { csrf_token: token, login: "editor", password: "editor" }))
      .body?.cancel();
    for (const path of ["/..%2Fetc", "/a.b", "/add_page/a.b", "/x%00y/edit_page"]) {
      const response = await editor.fetch(path);
      assert.equal(response.status, 404, path);
      assert.match(await response.text(), /is not a page name|No route matches/);
    }
    const browser = new Browser(base);
    const loginToken = tokenIn(await browser.text("/login"));
    const redirect = await browser.post("/login", {
      csrf_token: loginToken,
      login: "basic",
      password: "basic",
      came_from: "//evil.example/",
    });
    assert.equal(redirect.headers.get("location"), "/FrontPage");
    await redirect.body?.cancel();
  });
});

Deno.test("wiki: a reader who is logged in gets 403 on editing, and may still read", async () => {
  await withWiki(async (base, dataDir) => {
    const basic = new Browser(base);
    const token = tokenIn(await basic.text("/login"));
    const login = await basic.post("/login", {
      csrf_token: token,
      login: "basic",
      password: "basic",
    });
    assert.equal(login.status, 303);
    await login.body?.cancel();
    const edit = await basic.fetch("/FrontPage/edit_page");
    assert.equal(edit.status, 403);
    assert.match(await edit.text(), /basic may not edit here: only editors can\./);
    const pageToken = tokenIn(await basic.text("/FrontPage"));
    const before = await Deno.readTextFile(`${dataDir}/FrontPage.md`);
    const saved = await basic.post("/FrontPage/edit_page", {
      csrf_token: pageToken,
      body: "vandalism",
    });
    assert.equal(saved.status, 403, "a valid token does not make a reader an editor");
    await saved.body?.cancel();
    assert.equal(await Deno.readTextFile(`${dataDir}/FrontPage.md`), before);
    const page = await basic.text("/FrontPage");
    assert.doesNotMatch(page, /id="edit-link"/);
    assert.equal((await (await basic.fetch("/whoami")).json()).canEdit, false);
  });
});

Deno.test("wiki: a tampered login ticket is anonymous; the server keeps serving", async () => {
  await withWiki(async (base) => {
    const mallory = new Browser(base);
    const token = tokenIn(await mallory.text("/login"));
    await (await mallory.post("/login", { csrf_token: token, login: "basic", password: "basic" }))
      .body?.cancel();
    const ticket = mallory.cookies.get("auth_tkt")!;
    const who64 = btoa("basic").replace(/=+$/, "");
    assert.ok(ticket.includes(who64), `the ticket names its user: ${ticket}`);
    // Turn basic's ticket into editor's: the signature no longer matches.
    mallory.cookies.set("auth_tkt", ticket.replace(who64, btoa("editor").replace(/=+$/, "")));
    const edit = await mallory.fetch("/FrontPage/edit_page");
    assert.equal(edit.status, 303, "anonymous again: sent to log in");
    await edit.body?.cancel();
    mallory.cookies.set("auth_tkt", "\u00ff".repeat(10));
    const who = await mallory.fetch("/whoami");
    assert.equal(who.status, 200);
    assert.equal((await who.json()).userid, null);
    assert.equal((await mallory.fetch("/FrontPage")).status, 200);
  });
});
