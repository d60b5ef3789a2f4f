// Zero-downtime replacement of server processes: SIGHUP reloads fresh code and a re-read
// ini while a stream of requests loses nothing; max_requests (+ jitter) recycles a process.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { childrenOf, eventually, sleep, spawnCli } from "./_cli.ts";

const FRAMEWORK = new URL("../../mod.ts", import.meta.url).href;
const FIXTURE = fileURLToPath(new URL("./fixtures/framework_app.ts", import.meta.url));

const appSource = (version: string) => `
import { Configurator } from "${FRAMEWORK}";
export async function main(settings: Record<string, string>) {
  const config = new Configurator({ settings });
  config.addRoute("version", "/version");
  config.addView(async () => Response.json({
    code: "${version}",
    greeting: settings.greeting,
    pid: Deno.pid,
  }), { routeName: "version" });
  return await config.makeApp();
}
`;

const iniText = (greeting: string) => `
[app:main]
use = ./app.ts#main
greeting = ${greeting}

[server:main]
host = 127.0.0.1
port = 0
workers = 2
access_log = false
grace_period_ms = 2000
`;

interface Answer {
  code: string;
  greeting: string;
  pid: number;
}

// `streams` loops each sending one request after another over its own keep-alive connection
// pool, as a front proxy does. (A client opening a fresh connection at the very instant an
// old process closes its listener can see that connection closed unanswered: Deno's graceful
// shutdown closes accepted connections whose first request it has not read yet. The README
// says so; bench/serve measures it.)
function requestStream(url: string, streams: number) {
  let running = true;
  const answers: Answer[] = [];
  const failures: string[] = [];
  const loops = Array.from({ length: streams }, async () => {
    const client = Deno.createHttpClient({});
    try {
      while (running) {
        try {
          const response = await fetch(`${url}/version`, { client });
          if (response.status !== 200) failures.push(`status ${response.status}`);
          answers.push(await response.json());
        } catch (error) {
          failures.push(`${error} (${(error as Error).cause ?? ""})`);
        }
      }
    } finally {
      client.close();
    }
  });
  return {
    answers,
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

Deno.test("SIGHUP reloads code and ini with new processes while a request stream loses nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aio-reload-" });
  const ini = join(dir, "development.ini");
  await Deno.writeTextFile(join(dir, "app.ts"), appSource("v1"));
  await Deno.writeTextFile(ini, iniText("one"));
  const cli = spawnCli([ini]);
  try {
    const [, url] = await cli.stdout.waitFor(/Serving on (http:\/\/\S+)/);
    const first = childrenOf(cli.child.pid);
    const stream = requestStream(url, 4);
    await eventually("answers from the first processes", () => stream.answers.length > 20);
    await Deno.writeTextFile(join(dir, "app.ts"), appSource("v2"));
    await Deno.writeTextFile(ini, iniText("two"));
    const sentAt = stream.answers.length;
    cli.child.kill("SIGHUP");
    await cli.stdout.waitFor(/Reloaded: serving on http:\/\/127\.0\.0\.1:\d+ \(2 server processes/);
    await eventually("the old processes to exit", () => {
      const now = childrenOf(cli.child.pid);
      return now.length === 2 && now.every((pid) => !first.includes(pid));
    });
    const settledAt = stream.answers.length;
    await eventually("answers after the reload", () => stream.answers.length > settledAt + 20);
    await stream.stop();
    assert.deepEqual(stream.failures, [], "no request failed through the reload");
    const before = stream.answers.slice(0, sentAt);
    const after = stream.answers.slice(settledAt);
    assert.ok(before.every((a) => a.code === "v1" && a.greeting === "one"));
    assert.ok(after.every((a) => a.code === "v2" && a.greeting === "two"), "new code and ini");
    assert.ok(after.every((a) => !first.includes(a.pid)));
    console.log(`reload: ${stream.answers.length} requests, 0 failed`);
    cli.child.kill("SIGTERM");
    assert.equal((await cli.finish()).code, 0, cli.stderr.text);
  } finally {
    try {
      cli.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await cli.finish();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SIGHUP with a broken ini keeps the running processes serving", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aio-reload-" });
  const ini = join(dir, "development.ini");
  await Deno.writeTextFile(join(dir, "app.ts"), appSource("v1"));
  await Deno.writeTextFile(ini, iniText("one"));
  const cli = spawnCli([ini]);
  try {
    const [, url] = await cli.stdout.waitFor(/Serving on (http:\/\/\S+)/);
    const first = childrenOf(cli.child.pid);
    await Deno.writeTextFile(ini, iniText("two").replace("port = 0", "port = nope"));
    cli.child.kill("SIGHUP");
    await cli.stderr.waitFor(
      /reload failed, the running server processes keep serving: .*line 8, key "port".*not a TCP port/,
    );
    await Deno.writeTextFile(join(dir, "app.ts"), "export const main = 42;\n");
    await Deno.writeTextFile(ini, iniText("two"));
    cli.child.kill("SIGHUP");
    await cli.stderr.waitFor(/reload failed, .*is number 42, not a function/);
    assert.deepEqual(childrenOf(cli.child.pid), first);
    const answer = await (await fetch(`${url}/version`)).json();
    assert.equal(answer.code, "v1");
    cli.child.kill("SIGTERM");
    assert.equal((await cli.finish()).code, 0, cli.stderr.text);
  } finally {
    try {
      cli.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await cli.finish();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("max_requests (+ jitter) replaces a server process without failing a request", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aio-max-requests-" });
  const ini = join(dir, "development.ini");
  await Deno.writeTextFile(
    ini,
    `[app:main]\nuse = ${FIXTURE}#main\n[server:main]\nport = 0\nworkers = 1\n` +
      `server_model = processes\nmax_requests = 20\nmax_requests_jitter = 5\naccess_log = false\n`,
  );
  const cli = spawnCli([ini]);
  try {
    const [, url] = await cli.stdout.waitFor(/Serving on (http:\/\/\S+) \(1 server process,/);
    const pids: number[] = [];
    // The old process serves until its replacement listens, then drains.
    const deadline = Date.now() + 15_000;
    while (new Set(pids).size < 2 && Date.now() < deadline) {
      const response = await fetch(`${url}/ping`);
      assert.equal(response.status, 200);
      pids.push((await response.json()).pid);
      await sleep(10);
    }
    assert.equal(new Set(pids).size, 2, "a new process took over");
    const [, count] = /Replacing server process \d+: it served (\d+) requests \(max_requests\)/
      .exec(cli.stdout.text)!;
    assert.ok(Number(count) >= 20 && Number(count) <= 25, `recycled after ${count}`);
    assert.ok(pids.indexOf(pids.at(-1)!) >= 20, "the first process served max_requests");
    cli.child.kill("SIGTERM");
    assert.equal((await cli.finish()).code, 0, cli.stderr.text);
  } finally {
    try {
      cli.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await cli.finish();
    await Deno.remove(dir, { recursive: true });
  }
});
