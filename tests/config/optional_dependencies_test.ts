// nunjucks and @redis/client are optional: an app loads (and Deno downloads) them only
// when it renders a template or names a redis:// broker. The check is the strictest one
// Deno offers: the echo app runs with `--cached-only` against a DENO_DIR that holds every
// npm package of this repository except those two, so any import of them — static, or a
// dynamic import Deno prefetches at start-up, on the main isolate or in an executor worker —
// fails with "not found in cache". The same run then renders a template and connects a
// RedisBroker, which must fail for exactly that reason: proof the check can see a load.
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const OPTIONAL = ["nunjucks", "@redis"];

async function denoDir(): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return JSON.parse(new TextDecoder().decode(output.stdout)).denoDir;
}

/** Hard-links (or copies) a tree: Deno resolves symlinks, so the files must really be here. */
async function linkTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const [source, target] = [`${from}/${entry.name}`, `${to}/${entry.name}`];
    if (entry.isDirectory) await linkTree(source, target);
    else await Deno.link(source, target).catch(() => Deno.copyFile(source, target));
  }
}

/** A DENO_DIR whose npm cache holds every cached package except the optional ones. */
async function cacheWithout(excluded: string[]): Promise<string> {
  const source = `${await denoDir()}/npm/registry.npmjs.org`;
  const dir = await Deno.makeTempDir({ prefix: "aio-optional-deps-" });
  const target = `${dir}/npm/registry.npmjs.org`;
  await Deno.mkdir(target, { recursive: true });
  let linked = 0;
  for await (const entry of Deno.readDir(source)) {
    if (excluded.includes(entry.name)) continue;
    await linkTree(`${source}/${entry.name}`, `${target}/${entry.name}`);
    linked++;
  }
  assert(linked > 0, `no npm packages cached under ${source}; run deno cache first`);
  return dir;
}

const CHILD = `
import { main } from ${JSON.stringify(new URL("examples/echo/app.ts", ROOT).href)};
import { createBroker } from ${JSON.stringify(new URL("mod.ts", ROOT).href)};

const app = await main({});
const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
const base = "127.0.0.1:" + server.addr.port;

async function echo(path) {
  const ws = new WebSocket("ws://" + base + path);
  const reply = new Promise((resolve, reject) => {
    ws.onmessage = (event) => resolve(event.data);
    ws.onerror = () => reject(new Error("websocket error on " + path));
  });
  await new Promise((resolve) => (ws.onopen = resolve));
  ws.send("ping " + path);
  const data = await reply;
  const closed = new Promise((resolve) => (ws.onclose = resolve));
  ws.close();
  await closed;
  return data;
}

const result = {};
result.async = await echo("/echo");
result.blocking = await echo("/echo-blocking"); // runs in an executor worker
const home = await fetch("http://" + base + "/");
result.homeStatus = home.status;
await home.body?.cancel();
const broker = createBroker({ url: "redis://127.0.0.1:1/0" });
try {
  await broker.publish("room", "hello");
  result.redis = "published";
} catch (error) {
  result.redis = String(error?.message ?? error);
}
await broker.close().catch(() => {});
await server.shutdown();
await app.close();
console.log(JSON.stringify(result));
`;

Deno.test("the echo app serves without nunjucks or @redis/client in the cache", async () => {
  const dir = await cacheWithout(OPTIONAL);
  try {
    const script = `${dir}/child.js`;
    await Deno.writeTextFile(script, CHILD);
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--cached-only",
        "--no-lock",
        "-A",
        "--config",
        new URL("deno.json", ROOT).pathname,
        script,
      ],
      cwd: ROOT.pathname,
      env: { DENO_DIR: dir, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `child failed:\n${stdout}\n${stderr}`);
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
    // Async and blocking (worker) websocket views ran without either package.
    assert.equal(result.async, "ping /echo");
    assert.equal(result.blocking, "ping /echo-blocking");
    // Controls: the template page and the Redis broker do reach for them, and fail here.
    assert.equal(result.homeStatus, 500);
    assert.ok(stderr.includes("nunjucks"), stderr);
    assert.match(stderr, /not (found )?in (the )?cache|cached-only/i);
    assert.ok(result.redis.includes("@redis/client"), result.redis);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
