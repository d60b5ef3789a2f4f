// The tutorial's "Making Sure it Works" step in a real browser: headless Chromium loads the
// home page and its script talks to /echo. Chromium is installed from Debian when missing;
// where that is impossible the test is ignored with the reason printed.
import assert from "node:assert/strict";
import { main } from "../app.ts";

const CHROMIUM = "/usr/bin/chromium";
const EXPECTED = [
  "CONNECTED",
  "SENT: Aiopyramid echo test.",
  "RESPONSE: Aiopyramid echo test.",
  "DISCONNECTED",
];

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { ok: out.success, output: (decode(out.stdout) + decode(out.stderr)).slice(-2000) };
  } catch (error) {
    return { ok: false, output: String(error) };
  }
}

/** Installs Debian's chromium if missing; returns why it is unavailable, or undefined. */
async function ensureChromium(): Promise<string | undefined> {
  if (await exists(CHROMIUM)) return undefined;
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) {
    return `${CHROMIUM} is missing and installing it needs root on Debian (uid ${Deno.uid()})`;
  }
  const update = await run("apt-get", ["update"]);
  if (!update.ok) return `apt-get update failed: ${update.output}`;
  const install = await run("apt-get", ["install", "-y", "chromium"]);
  if (!install.ok) return `apt-get install -y chromium failed: ${install.output}`;
  return (await exists(CHROMIUM))
    ? undefined
    : `apt-get installed chromium but ${CHROMIUM} is missing`;
}

const unavailable = await ensureChromium();
if (unavailable) console.log(`ignoring the browser test: ${unavailable}`);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A minimal DevTools-protocol session over the page target's websocket. */
class DevTools {
  #socket: WebSocket;
  #next = 1;
  #pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  readonly closed: Promise<void>;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      this.#pending.get(message.id)?.(message);
      this.#pending.delete(message.id);
    });
    this.closed = new Promise((resolve) => socket.addEventListener("close", () => resolve()));
  }

  static async connect(url: string): Promise<DevTools> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve);
      socket.addEventListener("error", () => reject(new Error(`cannot reach DevTools at ${url}`)));
    });
    return new DevTools(socket);
  }

  async call(
    method: string,
    params: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const id = this.#next++;
    const answer = new Promise<{ result?: unknown; error?: unknown }>((resolve) =>
      this.#pending.set(id, resolve)
    );
    this.#socket.send(JSON.stringify({ id, method, params }));
    const message = await answer;
    if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
    return message.result as Record<string, unknown>;
  }

  async evaluate(expression: string): Promise<unknown> {
    const result = await this.call("Runtime.evaluate", { expression, returnByValue: true });
    return (result.result as { value?: unknown }).value;
  }

  async close(): Promise<void> {
    this.#socket.close();
    await this.closed;
  }
}

/** Starts headless Chromium with a fresh profile and returns the page's DevTools URL. */
async function startChromium(
  profile: string,
): Promise<{ child: Deno.ChildProcess; pageUrl: string }> {
  const child = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      `--user-data-dir=${profile}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    // Chromium writes the port it picked into the profile directory.
    const deadline = Date.now() + 20_000;
    let port: string | undefined;
    while (port === undefined) {
      if (Date.now() > deadline) {
        throw new Error("Chromium did not start its DevTools server in 20 s");
      }
      try {
        port = (await Deno.readTextFile(`${profile}/DevToolsActivePort`)).split("\n")[0] ||
          undefined;
      } catch {
        await sleep(50);
      }
    }
    for (;;) {
      const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
      const page = targets.find((t: { type: string }) => t.type === "page");
      if (page) return { child, pageUrl: page.webSocketDebuggerUrl };
      if (Date.now() > deadline) throw new Error("Chromium has no page target");
      await sleep(50);
    }
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  }
}

/** SIGTERM lets Chromium take its helper processes down with it; SIGKILL if it hangs. */
async function stopChromium(child: Deno.ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exited = await Promise.race([
    child.status.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000))),
  ]);
  clearTimeout(timer);
  if (!exited) {
    child.kill("SIGKILL");
    await child.status;
  }
}

/** Removes the profile, retrying while late helper processes still write into it. */
async function removeProfile(profile: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.remove(profile, { recursive: true });
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (attempt >= 20) throw error;
      await sleep(100);
    }
  }
}

Deno.test({
  name: "in Chromium the home page connects to /echo and writes the tutorial's four lines in order",
  ignore: unavailable !== undefined,
  async fn() {
    const app = await main({});
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
    const profile = await Deno.makeTempDir({ prefix: "aio_echo_chromium_" });
    let chromium: Deno.ChildProcess | undefined;
    try {
      const started = await startChromium(profile);
      chromium = started.child;
      const devtools = await DevTools.connect(started.pageUrl);
      try {
        await devtools.call("Page.navigate", {
          url: `http://127.0.0.1:${server.addr.port}/?sleep=0`,
        });
        const lines = async () =>
          String(
            await devtools.evaluate(
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
          await devtools.evaluate("document.querySelector('h1').textContent"),
          "aiotutorial websocket test",
        );
        assert.equal(await devtools.evaluate("document.title"), "aiotutorial websocket test");
      } finally {
        await devtools.close();
      }
    } finally {
      if (chromium) await stopChromium(chromium);
      await removeProfile(profile);
      await app.close();
      await server.shutdown();
    }
  },
});
