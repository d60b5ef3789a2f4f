// `deno task serve` under a process manager: a SIGTERM sent to the whole process group
// reaches the server twice (deno task forwards it) and must still be one graceful shutdown;
// a later second signal forces the exit; a port in use is a one-line error naming it.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FIXTURE, Output, spawnCli, withIni, withServer } from "./_cli.ts";

const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

const ini = (server: string) =>
  `[app:main]\nuse = ${FIXTURE}#main\n\n[server:main]\nhost = 127.0.0.1\nport = 0\n${server}\n`;

for (
  const [model, server] of [["main isolate", "server_model = isolates"], [
    "processes",
    "workers = 2",
  ]]
) {
  Deno.test(`deno task serve (${model}): a process-group SIGTERM completes the request in flight`, async () => {
    await withIni(ini(server), async (file) => {
      // detached: the task gets a process group of its own, as under a process manager.
      const child = new Deno.Command(Deno.execPath(), {
        args: ["task", "--config", CONFIG, "serve", file],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: true,
        env: { NO_COLOR: "1" },
      }).spawn();
      const stdout = new Output(child.stdout);
      const stderr = new Output(child.stderr);
      try {
        const [, url] = await stdout.waitFor(/Serving on (http:\/\/\S+)/);
        assert.match(
          stdout.text,
          model === "processes"
            ? /\(2 server processes, no executor workers\)/
            : /\(1 server isolate, no executor workers\)/,
        );
        const slow = fetch(`${url}/slow?ms=1200`);
        await stdout.waitFor(/slow request started/);
        Deno.kill(-child.pid, "SIGTERM");
        const response = await slow;
        assert.equal(response.status, 200);
        assert.equal(await response.text(), "slow done");
        const status = await child.status;
        await Promise.all([stdout.done, stderr.done]);
        assert.equal(status.code, 0, stderr.text);
        assert.doesNotMatch(stderr.text, /again/);
        assert.match(stdout.text, /"GET \/slow\?ms=1200" 200/);
      } finally {
        try {
          Deno.kill(-child.pid, "SIGKILL");
        } catch {
          // the group has exited
        }
        await child.status;
        await Promise.all([stdout.done, stderr.done]);
      }
    });
  });
}

for (const [model, server] of [["main isolate", "server_model = isolates"], ["processes", ""]]) {
  Deno.test(`serve CLI (${model}): a second SIGTERM a second later exits at once with 1`, async () => {
    await withServer(ini(server), async (url, cli) => {
      const slow = fetch(`${url}/slow?ms=5000`).then((r) => r.text()).catch((e) => e);
      await cli.stdout.waitFor(/slow request started/);
      cli.child.kill("SIGTERM");
      await cli.stdout.waitFor(/Received SIGTERM: shutting down/);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      cli.child.kill("SIGTERM");
      const status = await cli.finish();
      assert.equal(status.code, 1);
      assert.match(cli.stderr.text, /Received SIGTERM again: exiting without waiting/);
      assert.ok((await slow) instanceof Error, "the slow request was cut off");
    });
  });
}

for (
  const [model, server] of [
    ["main isolate", ""],
    ["isolates", "workers = 2\nserver_model = isolates"],
    ["processes", "workers = 2"],
  ]
) {
  Deno.test(`serve CLI (${model}): a port in use names the port, the file and line, and what to do`, async () => {
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (taken.addr as Deno.NetAddr).port;
    try {
      await withIni(ini(server).replace("port = 0", `port = ${port}`), async (file) => {
        const cli = spawnCli([file]);
        const status = await cli.finish();
        assert.equal(status.code, 1);
        const message = cli.stderr.text.trim();
        assert.equal(message.split("\n").length, 1, message);
        assert.equal(
          message,
          `error: ${file}, line 6, key "port" in [server:main]: port ${port} on 127.0.0.1 is ` +
            `already in use by another process. Stop that process (\`ss -ltnp 'sport = :${port}'\` ` +
            `shows which one), or choose another port in [server:main] (port = 0 picks a free one).`,
        );
        assert.doesNotMatch(cli.stdout.text, /Serving on/);
      });
    } finally {
      taken.close();
    }
  });
}
