// The tutorial's "Making Sure it Works" step in a real browser: headless Chromium loads the
// home page and its script talks to /echo. Chromium is installed from Debian when missing;
// where that is impossible the test is ignored with the reason printed.
import assert from "node:assert/strict";
import { main } from "../app.ts";
import { Browser, ensureChromium } from "../../../tests/_chromium.ts";

const EXPECTED = [
  "CONNECTED",
  "SENT: Aiopyramid echo test.",
  "RESPONSE: Aiopyramid echo test.",
  "DISCONNECTED",
];

const unavailable = await ensureChromium();
if (unavailable) console.log(`ignoring the browser test: ${unavailable}`);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test({
  name: "in Chromium the home page connects to /echo and writes the tutorial's four lines in order",
  ignore: unavailable !== undefined,
  async fn() {
    const app = await main({});
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
    let browser: Browser | undefined;
    try {
      browser = await Browser.launch();
      const page = browser;
      await page.navigate(`http://127.0.0.1:${server.addr.port}/?sleep=0`);
      const lines = async () =>
        String(
          await page.evaluate(
            `[...document.querySelectorAll("#output p")].map((p) => p.textContent).join("\\n")`,
          ) ?? "",
        ).split("\n").filter(Boolean);
      const deadline = Date.now() + 10_000;
      let seen = await lines();
      while (!seen.includes("DISCONNECTED") && Date.now() < deadline) {
        await sleep(50);
        seen = await lines();
      }
      assert.deepEqual(seen, EXPECTED);
      assert.equal(
        await page.evaluate("document.querySelector('h1').textContent"),
        "aiotutorial websocket test",
      );
      assert.equal(await page.evaluate("document.title"), "aiotutorial websocket test");
    } finally {
      await browser?.close();
      await app.close();
      await server.shutdown();
    }
  },
});
