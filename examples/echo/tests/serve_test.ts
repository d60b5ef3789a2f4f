// The echo app under `deno task serve` (access log on): websockets upgrade and echo, and a
// SIGTERM closes open sockets with 1001 and exits 0.
import assert from "node:assert/strict";

const ROOT = new URL("../../../", import.meta.url);
const CLI = new URL("src/serve/cli.ts", ROOT).pathname;
const APP = new URL("../app.ts", import.meta.url).pathname;

Deno.test("echo app under the serve CLI: echo, then SIGTERM closes sockets with 1001", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aio-echo-serve-" });
  const ini = `${dir}/development.ini`;
  await Deno.writeTextFile(
    ini,
    `[app:main]\nuse = ${APP}#main\n\n[server:main]\nhost = 127.0.0.1\nport = 0\n`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ini],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).text();
  let output = "";
  try {
    let port = 0;
    while (!port) {
      const { value, done } = await stdout.read();
      if (done) throw new Error(`the server exited before listening: ${output}`);
      output += value;
      port = Number(/Serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1] ?? 0);
    }
    for (const path of ["/echo", "/echo-class", "/echo-blocking"]) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error(`${path} did not open`));
      });
      const echoed = new Promise((resolve) => (socket.onmessage = (e) => resolve(e.data)));
      socket.send("Aiopyramid echo test.");
      assert.equal(await echoed, "Aiopyramid echo test.", path);
      const closed = new Promise<number>((resolve) => (socket.onclose = (e) => resolve(e.code)));
      if (path !== "/echo-blocking") {
        socket.close();
        await closed;
        continue;
      }
      // Leave the last one open: shutdown must close it with 1001 (going away).
      child.kill("SIGTERM");
      assert.equal(await closed, 1001);
    }
    const status = await child.status;
    assert.equal(status.code, 0);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await child.status;
    for (;;) {
      const { value, done } = await stdout.read();
      if (done) break;
      output += value;
    }
    await stderr;
    await Deno.remove(dir, { recursive: true });
  }
  assert.match(output, /"GET \/echo" 101/);
});
