// Debian's Chromium, headless, driven over the DevTools protocol: load a page and read text
// from it (shared by the browser tests of examples/ and the scaffolds). Installed with
// apt-get when missing (as root); otherwise `ensureChromium()` says why it is unavailable.

const CHROMIUM = "/usr/bin/chromium";

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
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return { ok: out.success, output: text.slice(-2000) };
  } catch (error) {
    return { ok: false, output: String(error) };
  }
}

/** Installs Chromium if missing; resolves with why it is unavailable, or undefined. */
export async function ensureChromium(): Promise<string | undefined> {
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A page in a headless Chromium with a fresh profile. */
export class Browser {
  #child: Deno.ChildProcess;
  #profile: string;
  #socket: WebSocket;
  #next = 1;
  #pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  #closed: Promise<void>;

  private constructor(child: Deno.ChildProcess, profile: string, socket: WebSocket) {
    this.#child = child;
    this.#profile = profile;
    this.#socket = socket;
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      this.#pending.get(message.id)?.(message);
      this.#pending.delete(message.id);
    });
    this.#closed = new Promise((resolve) => socket.addEventListener("close", () => resolve()));
  }

  /** Starts Chromium and connects to its blank page. */
  static async launch(): Promise<Browser> {
    const profile = await Deno.makeTempDir({ prefix: "aio_chromium_" });
    const child = new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
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
      const deadline = Date.now() + 30_000;
      // Chromium writes the DevTools port it picked into the profile.
      let port = "";
      while (!port) {
        if (Date.now() > deadline) throw new Error("Chromium did not start DevTools in 30 s");
        port = await Deno.readTextFile(`${profile}/DevToolsActivePort`).then(
          (text) => text.split("\n")[0],
          () => "",
        );
        if (!port) await sleep(50);
      }
      let pageUrl: string | undefined;
      while (!pageUrl) {
        const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
        pageUrl = targets.find((t: { type: string }) => t.type === "page")?.webSocketDebuggerUrl;
        if (!pageUrl && Date.now() > deadline) throw new Error("Chromium has no page target");
        if (!pageUrl) await sleep(50);
      }
      const socket = new WebSocket(pageUrl);
      await new Promise((resolve, reject) => {
        socket.addEventListener("open", resolve);
        socket.addEventListener("error", () => reject(new Error(`cannot reach ${pageUrl}`)));
      });
      return new Browser(child, profile, socket);
    } catch (error) {
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw error;
    }
  }

  async #call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#next++;
    const answer = new Promise<{ result?: unknown; error?: unknown }>((resolve) =>
      this.#pending.set(id, resolve)
    );
    this.#socket.send(JSON.stringify({ id, method, params }));
    const message = await answer;
    if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
    return message.result;
  }

  /** Loads `url` in the page. */
  async navigate(url: string): Promise<void> {
    await this.#call("Page.navigate", { url });
  }

  /** Evaluates `expression` in the page and returns its value. */
  async evaluate(expression: string): Promise<unknown> {
    const result = await this.#call("Runtime.evaluate", { expression, returnByValue: true });
    return (result as { result: { value?: unknown } }).result.value;
  }

  /** Closes the connection, stops Chromium and removes its profile. */
  async close(): Promise<void> {
    this.#socket.close();
    await this.#closed;
    this.#child.kill("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      this.#child.status.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000))),
    ]);
    clearTimeout(timer);
    if (!exited) {
      this.#child.kill("SIGKILL");
      await this.#child.status;
    }
    // Late helper processes may still write into the profile for a moment.
    for (let attempt = 0;; attempt++) {
      try {
        await Deno.remove(this.#profile, { recursive: true });
        return;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return;
        if (attempt >= 20) throw error;
        await sleep(100);
      }
    }
  }
}
