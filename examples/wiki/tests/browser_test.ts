// The wiki in Debian's headless Chromium: log in, edit a page, see the flash message; then
// a page on another origin forges a POST to the wiki (the browser sends the wiki's cookie
// along) and gets 400, and the page is unchanged.
import assert from "node:assert/strict";
import { main } from "../app.ts";
import { Browser, ensureChromium } from "../../../tests/_chromium.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The page under test: the shared Browser plus waiting for conditions. */
class Page {
  constructor(readonly browser: Browser) {}
  evaluate<T = unknown>(expression: string): Promise<T> {
    return this.browser.evaluate(expression) as Promise<T>;
  }
  navigate(url: string): Promise<void> {
    return this.browser.navigate(url);
  }
  /** Waits until `condition` (page script) is true, up to 10 s. */
  async waitFor(condition: string, what = condition): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if (await this.evaluate<boolean>(`Boolean(${condition})`)) return;
      } catch {
        // Mid-navigation the page's context may be gone: try again.
      }
      if (Date.now() > deadline) {
        const body = await this.evaluate<string>("document.body?.innerText ?? ''").catch(() => "");
        throw new Error(
          `timed out waiting for ${what}; the page shows: ${String(body).slice(0, 500)}`,
        );
      }
      await sleep(50);
    }
  }
  /** Navigates and waits until the document at `url` has loaded. */
  async goto(url: string): Promise<void> {
    await this.navigate(url);
    await this.waitFor(
      `location.href === ${JSON.stringify(url)} && document.readyState === "complete"`,
    );
  }
}

const unavailable = await ensureChromium();
if (unavailable) console.log(`ignoring the wiki browser test: ${unavailable}`);

// The attacker's page: a form that posts to the wiki as soon as it loads, without a token.
function evilPage(wiki: string): string {
  return `<!doctype html><html><body><h1>Free kittens</h1>
<form id="f" method="post" action="${wiki}/FrontPage/edit_page">
<input type="hidden" name="body" value="pwned by a forged POST"></form>
<script>document.getElementById("f").submit();</script></body></html>`;
}

Deno.test({
  name: "wiki in Chromium: log in, edit, see the flash; a forged POST gets 400",
  ignore: unavailable !== undefined,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "aio_wiki_browser_" });
    const app = await main({
      "wiki.data_dir": dataDir,
      "wiki.session_secret": "browser-test-secret-".repeat(4),
      "wiki.secret": "wiki-browser-test-secret-32-bytes-long",
      "aio.debug": "false",
    });
    await app.ready();
    const wikiServer = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
    const wiki = `http://127.0.0.1:${wikiServer.addr.port}`;
    // Another origin on the same site (another port): the browser sends the wiki's
    // SameSite=Lax cookie with its POST, so only the token stops it.
    const evilServer = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      () => new Response(evilPage(wiki), { headers: { "content-type": "text/html" } }),
    );
    const evil = `http://127.0.0.1:${evilServer.addr.port}/`;
    let page: Page | undefined;
    try {
      page = new Page(await Browser.launch());
      await page.goto(`${wiki}/FrontPage`);
      assert.match(await page.evaluate<string>("document.title"), /FrontPage/);

      // Log in through the form.
      await page.evaluate(`document.getElementById("login-link").click()`);
      await page.waitFor(`location.pathname === "/login" && document.getElementById("login")`);
      await page.evaluate(`
        document.getElementById("login").value = "editor";
        document.getElementById("password").value = "editor";
        document.getElementById("submit").click();`);
      await page.waitFor(
        `document.querySelector(".flash")?.textContent === "Welcome, editor."`,
        "the welcome flash",
      );

      // Edit the page through the form; the blocking page view shows the flash.
      await page.evaluate(`document.getElementById("edit-link").click()`);
      await page.waitFor(
        `location.pathname === "/FrontPage/edit_page" && document.getElementById("body")`,
      );
      await page.evaluate(`
        document.getElementById("body").value = "# Edited\\n\\nChanged in **Chromium**.";
        document.getElementById("save").click();`);
      await page.waitFor(
        `location.pathname === "/FrontPage" && document.querySelector(".flash")?.textContent === "Saved FrontPage."`,
        "the saved flash",
      );
      assert.equal(
        await page.evaluate("document.querySelector('#content h1').textContent"),
        "Edited",
      );
      assert.equal(
        await page.evaluate("document.querySelector('#content strong').textContent"),
        "Chromium",
      );
      // The session and auth_tkt cookies are HttpOnly: page script cannot read them.
      assert.doesNotMatch(await page.evaluate<string>("document.cookie"), /session=|auth_tkt=/);

      // A same-origin POST without the token (e.g. injected script) is refused too.
      await page.evaluate(`fetch("/FrontPage/edit_page", {
          method: "POST", body: new URLSearchParams({ body: "no token" }) })
        .then((r) => { window.forgedStatus = r.status; })`);
      await page.waitFor("window.forgedStatus !== undefined", "the same-origin POST");
      assert.equal(await page.evaluate("window.forgedStatus"), 400);

      // The attacker's page auto-submits its form to the wiki: 400, nothing saved.
      await page.navigate(evil);
      await page.waitFor(
        `location.href === ${
          JSON.stringify(`${wiki}/FrontPage/edit_page`)
        } && document.body.innerText.includes("400 Bad Request")`,
        "the 400 answer to the forged POST",
      );
      assert.match(await page.evaluate<string>("document.body.innerText"), /Invalid token/);
      const saved = await Deno.readTextFile(`${dataDir}/FrontPage.md`);
      assert.equal(saved, "# Edited\n\nChanged in **Chromium**.");

      // Still logged in, still serving.
      await page.goto(`${wiki}/FrontPage`);
      assert.match(
        await page.evaluate<string>("document.getElementById('user').innerText"),
        /editor/,
      );
    } finally {
      await page?.browser.close();
      await app.close();
      await wikiServer.shutdown();
      await evilServer.shutdown();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
