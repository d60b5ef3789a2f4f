// The wiki in a real browser: headless Chromium follows the redirect to the login form,
// logs in, lands on the editors-only page it asked for, saves an edit and logs out — and the
// auth_tkt cookie it holds is invisible to page scripts (HttpOnly). Chromium is installed
// from Debian when missing; where that is impossible the test is ignored with the reason.
import assert from "node:assert/strict";
import { main } from "../app.ts";
import { Browser, ensureChromium } from "../../../tests/_chromium.ts";

const unavailable = await ensureChromium();
if (unavailable) console.log(`ignoring the wiki browser test: ${unavailable}`);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `expression` in the page until it is truthy (navigations in between are retried). */
async function waitFor(page: Browser, expression: string, what: string): Promise<unknown> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const value = await page.evaluate(expression);
      if (value) return value;
    } catch { /* the page is navigating */ }
    if (Date.now() > deadline) {
      const where = await page.evaluate("location.href").catch(() => "?");
      throw new Error(`timed out waiting for ${what} (at ${where})`);
    }
    await sleep(50);
  }
}

Deno.test({
  name: "in Chromium: redirected to log in, back to the edit page, edit saved, logged out",
  ignore: unavailable !== undefined,
  async fn() {
    const app = await main({
      "aio.debug": "false",
      "aio.executor.max_workers": "1",
      "wiki.secret": "wiki-browser-test-secret-32-bytes-long",
    });
    await app.ready?.();
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    let page: Browser | undefined;
    try {
      page = await Browser.launch();
      await page.navigate(`${base}/pages/FrontPage/edit`);
      await waitFor(
        page,
        `location.pathname === "/login" && document.querySelector("input[name=came_from]")?.value === "/pages/FrontPage/edit"`,
        "the login form",
      );
      await page.evaluate(`
          document.querySelector("input[name=login]").value = "ann";
          document.querySelector("input[name=password]").value = "ann-password";
          document.querySelector("form[action='/login']").requestSubmit();
        `);
      await waitFor(
        page,
        `location.pathname === "/pages/FrontPage/edit" && !!document.querySelector("textarea")`,
        "the edit page after logging in",
      );
      assert.equal(await page.evaluate("document.cookie"), "", "HttpOnly: scripts see no ticket");
      // The browser still sends it: the blocking /whoami view knows who is asking.
      await page.evaluate(
        `fetch("/whoami").then((r) => r.json()).then((j) => { window.whoami = j.userid; })`,
      );
      assert.equal(await waitFor(page, "window.whoami", "/whoami"), "ann");
      await page.evaluate(`
          document.querySelector("textarea").value = "Written in Chromium.";
          document.querySelector("main form").requestSubmit();
        `);
      await waitFor(
        page,
        `location.pathname === "/pages/FrontPage" && document.querySelector("article")?.textContent === "Written in Chromium."`,
        "the saved page",
      );
      await page.evaluate(`document.querySelector("nav form").requestSubmit()`);
      await waitFor(
        page,
        `location.pathname === "/" && !!document.querySelector('a[href="/login"]')`,
        "the index after logging out",
      );
      await page.navigate(`${base}/pages/FrontPage/edit`);
      await waitFor(page, `location.pathname === "/login"`, "the login form again");
    } finally {
      await page?.close();
      await app.close();
      await server.shutdown();
    }
  },
});
