// Drives Debian's headless Chromium through the DevTools protocol: start it with a fresh
// profile, evaluate script in the page, navigate, stop it and clean up.

export const CHROMIUM = "/usr/bin/chromium";

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
    return { ok: out.success, output: text.slice(-1500) };
  } catch (error) {
    return { ok: false, output: String(error) };
  }
}

/** Installs Debian's chromium when missing; returns why it cannot be had, or undefined. */
export async function ensureChromium(): Promise<string | undefined> {
  if (await exists(CHROMIUM)) return undefined;
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) {
    return `${CHROMIUM} is missing and installing it needs root on Debian`;
  }
  if (!(await run("apt-get", ["install", "-y", "chromium"])).ok) {
    await run("apt-get", ["update"]);
    const install = await run("apt-get", ["install", "-y", "chromium"]);
    if (!install.ok) return `apt-get install -y chromium failed: ${install.output}`;
  }
  return (await exists(CHROMIUM)) ? undefined : `${CHROMIUM} is still missing after apt-get`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One page of a headless Chromium. */
export class Page {
  #child: Deno.ChildProcess;
  #socket: WebSocket;
  #profile: string;
  #next = 1;
  #waiting = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  #closed: Promise<void>;

  private constructor(child: Deno.ChildProcess, socket: WebSocket, profile: string) {
    this.#child = child;
    this.#socket = socket;
    this.#profile = profile;
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.id === undefined) return;
      this.#waiting.get(message.id)?.(message);
      this.#waiting.delete(message.id);
    });
    this.#closed = new Promise((resolve) => socket.addEventListener("close", () => resolve()));
  }

  /** Starts Chromium and connects to its first page. */
  static async open(): Promise<Page> {
    const profile = await Deno.makeTempDir({ prefix: "aio_wiki_chromium_" });
    const child = new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
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
      const deadline = Date.now() + 20_000;
      let port = "";
      while (!port) {
        if (Date.now() > deadline) throw new Error("Chromium did not start DevTools in 20 s");
        try {
          port = (await Deno.readTextFile(`${profile}/DevToolsActivePort`)).split("\n")[0];
        } catch {
          await sleep(50);
        }
      }
      let url: string | undefined;
      while (!url) {
        const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
        url = targets.find((t: { type: string }) => t.type === "page")?.webSocketDebuggerUrl;
        if (!url) {
          if (Date.now() > deadline) throw new Error("Chromium has no page target");
          await sleep(50);
        }
      }
      const socket = new WebSocket(url);
      await new Promise((resolve, reject) => {
        socket.addEventListener("open", resolve);
        socket.addEventListener("error", () => reject(new Error(`cannot reach ${url}`)));
      });
      return new Page(child, socket, profile);
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
      this.#waiting.set(id, resolve)
    );
    this.#socket.send(JSON.stringify({ id, method, params }));
    const message = await answer;
    if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
    return message.result;
  }

  /** The value of `expression` in the page (awaited when it is a Promise). */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const result = await this.#call("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    }) as { result: { value?: T }; exceptionDetails?: unknown };
    if (result.exceptionDetails) {
      throw new Error(`page script failed: ${JSON.stringify(result.exceptionDetails)}`);
    }
    return result.result.value as T;
  }

  /** Starts navigating to `url` (without waiting: the page may move on by itself). */
  async navigate(url: string): Promise<void> {
    await this.#call("Page.navigate", { url });
  }

  /** Navigates and waits until the document at `url` has loaded. */
  async goto(url: string): Promise<void> {
    await this.navigate(url);
    await this.waitFor(
      `location.href === ${JSON.stringify(url)} && document.readyState === "complete"`,
    );
  }

  /** Waits until `condition` (page script) is true, up to 10 s. */
  async waitFor(condition: string, what = condition): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if (await this.evaluate<boolean>(`Boolean(${condition})`)) return;
      } catch {
        // Mid-navigation the context may be gone: try again.
      }
      if (Date.now() > deadline) {
        const body = await this.evaluate<string>("document.body?.innerText ?? ''").catch(() => "");
        throw new Error(`timed out waiting for ${what}; page shows: ${body.slice(0, 500)}`);
      }
      await sleep(50);
    }
  }

  /** Stops Chromium (SIGTERM, then SIGKILL) and removes its profile. */
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
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await Deno.remove(this.#profile, { recursive: true });
        return;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return;
        await sleep(100);
      }
    }
  }
}
