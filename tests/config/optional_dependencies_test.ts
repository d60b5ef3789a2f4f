// nunjucks and @redis/client are optional: an app loads them, and Deno downloads them,
// only when it renders a template or names a redis:// broker. Deno fetches every statically
// analysable import — static or a dynamic `import("…")`, used or not — when a program starts,
// so the check watches the network: the echo app runs against a DENO_DIR holding every
// cached npm package except those two, with the npm registry pointed at a local server that
// records each request (and has nothing). Serving the app — async and executor-worker
// websocket views — must ask it for neither package. Then the same run renders a template
// and connects a RedisBroker, which must ask for them: proof the recorder sees a load.
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const OPTIONAL = ["nunjucks", "@redis", "ajv"];

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

/**
 * A DENO_DIR whose npm cache holds every cached package except the optional ones, filed
 * under the registry `registry` (Deno names the folder `host_port`, e.g. `localhost_4873`).
 */
async function cacheWithout(excluded: string[], registry: URL): Promise<string> {
  // First make sure the real cache holds what the echo app needs (a fresh machine may not).
  const cached = await new Deno.Command(Deno.execPath(), {
    args: ["cache", "--config", new URL("deno.json", ROOT).pathname, "examples/echo/app.ts"],
    cwd: ROOT.pathname,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(cached.code, 0, new TextDecoder().decode(cached.stderr));
  const source = `${await denoDir()}/npm/registry.npmjs.org`;
  const dir = await Deno.makeTempDir({ prefix: "aio-optional-deps-" });
  const target = `${dir}/npm/${registry.hostname}_${registry.port}`;
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
// Tell the recorder the controls start now.
await (await fetch(Deno.env.get("NPM_CONFIG_REGISTRY") + "-controls-")).body?.cancel();
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

Deno.test("serving the echo app neither downloads nor loads nunjucks, @redis/client or ajv", async () => {
  const requested: string[] = [];
  const registry = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    const name = decodeURIComponent(new URL(request.url).pathname);
    requested.push(name);
    return servePackument(name);
  });
  // "localhost", not the IP: Deno files a registry's packages under `host_port`.
  const registryUrl = new URL(`http://localhost:${registry.addr.port}/`);
  const dir = await cacheWithout(OPTIONAL, registryUrl);
  // The registry answers with the package metadata this cache holds, nothing more.
  async function servePackument(name: string): Promise<Response> {
    try {
      const file = `${dir}/npm/${registryUrl.hostname}_${registryUrl.port}${name}/registry.json`;
      return new Response(await Deno.readTextFile(file), {
        headers: { "content-type": "application/json" },
      });
    } catch {
      return new Response("This test registry has no such package.", { status: 404 });
    }
  }
  try {
    const script = `${dir}/child.js`;
    await Deno.writeTextFile(script, CHILD);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-lock", "-A", "--config", new URL("deno.json", ROOT).pathname, script],
      cwd: ROOT.pathname,
      env: { DENO_DIR: dir, NPM_CONFIG_REGISTRY: registryUrl.href, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `child failed:\n${stdout}\n${stderr}`);
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
    // Async and blocking (worker) websocket views ran, and nothing was fetched meanwhile.
    assert.equal(result.async, "ping /echo");
    assert.equal(result.blocking, "ping /echo-blocking");
    const marker = requested.indexOf("/-controls-");
    assert.ok(marker >= 0, `the child never reached the controls: ${requested.join(", ")}`);
    assert.deepEqual(requested.slice(0, marker), [], "fetched while serving");
    // Controls: the template page and the Redis broker do ask for their packages.
    const controls = requested.slice(marker + 1);
    assert.ok(controls.includes("/nunjucks"), controls.join(", "));
    assert.ok(controls.includes("/@redis/client"), controls.join(", "));
    assert.equal(result.homeStatus, 500);
    assert.ok(result.redis.includes("@redis/client"), result.redis);
  } finally {
    await registry.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
