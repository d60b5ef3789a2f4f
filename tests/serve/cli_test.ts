// `deno task serve` end to end: the CLI runs as a subprocess on a free port.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

import { FIXTURE, spawnCli, withIni, withServer } from "./_cli.ts";

const BROKEN = fileURLToPath(new URL("./fixtures/broken.ts", import.meta.url));

const appIni = (extra = "", server = "") => `
[app:main]
use = ${FIXTURE}#main
greeting = hello from %(here)s
${extra}

[server:main]
host = 127.0.0.1
port = 0
${server}
`;

Deno.test("serve CLI: serves, logs each request, shuts down on SIGTERM with exit 0", async () => {
  await withServer(appIni(), async (url, cli) => {
    assert.match(
      cli.stdout.text,
      /Serving on http:\/\/127\.0\.0\.1:\d+ \(1 server process, no executor workers\)/,
    );
    const response = await fetch(`${url}/hello?x=1`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "hello");
    await cli.stdout.waitFor(/127\.0\.0\.1 "GET \/hello\?x=1" 200 (5|-) \d+\.\dms/);

    const settings = await (await fetch(`${url}/settings`)).json();
    assert.equal(settings.settings.greeting.startsWith("hello from /"), true);
    assert.equal("use" in settings.settings, false);
    assert.ok(settings.globalConfig.here && settings.globalConfig.__file__);

    cli.child.kill("SIGTERM");
    const status = await cli.finish();
    assert.equal(status.code, 0, cli.stderr.text);
    assert.match(cli.stdout.text, /Received SIGTERM/);
    assert.match(cli.stdout.text, /fixture closed/);
  });
});

Deno.test("serve CLI: a failing request answers 500 and the server keeps serving", async () => {
  await withServer(appIni(), async (url, cli) => {
    const failed = await fetch(`${url}/boom`);
    assert.equal(failed.status, 500);
    await failed.body?.cancel();
    await cli.stdout.waitFor(/"GET \/boom" 500/);
    const after = await fetch(`${url}/`);
    assert.equal(await after.text(), "hello");
  });
});

Deno.test("serve CLI: SIGTERM lets an in-flight request finish, then exits 0", async () => {
  await withServer(appIni(), async (url, cli) => {
    const slow = fetch(`${url}/slow?ms=1500`);
    await cli.stdout.waitFor(/slow request started/);
    const started = Date.now();
    cli.child.kill("SIGTERM");
    const response = await slow;
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "slow done");
    const status = await cli.finish();
    assert.equal(status.code, 0, cli.stderr.text);
    assert.ok(Date.now() - started >= 1000, "the process waited for the request");
    assert.match(cli.stdout.text, /"GET \/slow\?ms=1500" 200/);
    assert.match(cli.stdout.text, /fixture closed/);
  });
});

Deno.test("serve CLI: access_log = false prints no request lines", async () => {
  await withServer(appIni("", "access_log = false"), async (url, cli) => {
    await (await fetch(`${url}/quiet`)).text();
    cli.child.kill("SIGINT");
    assert.equal((await cli.finish()).code, 0);
    assert.doesNotMatch(cli.stdout.text, /GET \/quiet/);
  });
});

Deno.test("serve CLI: server_model = isolates, workers = 2 runs two isolates sharing the port", async () => {
  await withServer(appIni("", "workers = 2\nserver_model = isolates"), async (url, cli) => {
    assert.match(
      cli.stdout.text,
      /Serving on http:\/\/127\.0\.0\.1:\d+ \(2 server isolates, no executor workers\)/,
    );
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 2; i++) {
      // A fresh client per request means a fresh connection, which the kernel may
      // hand to either isolate.
      const client = Deno.createHttpClient({});
      try {
        const body = await (await fetch(`${url}/isolate`, { client })).json();
        assert.equal(body.inWorker, true);
        seen.add(body.isolate);
      } finally {
        client.close();
      }
    }
    assert.equal(seen.size, 2, "both isolates answered");
    cli.child.kill("SIGTERM");
    const status = await cli.finish();
    assert.equal(status.code, 0, cli.stderr.text);
    assert.equal(cli.stdout.text.match(/fixture closed/g)?.length, 2);
  });
});

Deno.test("serve CLI: isolates, workers = 2 finishes an in-flight request on SIGTERM", async () => {
  await withServer(appIni("", "workers = 2\nserver_model = isolates"), async (url, cli) => {
    const slow = fetch(`${url}/slow?ms=1000`);
    await cli.stdout.waitFor(/slow request started/);
    cli.child.kill("SIGTERM");
    assert.equal(await (await slow).text(), "slow done");
    assert.equal((await cli.finish()).code, 0, cli.stderr.text);
  });
});

Deno.test("serve CLI: reads development.ini from the current directory by default", async () => {
  await withIni(appIni(), async (_file, dir) => {
    const cli = spawnCli([], dir);
    try {
      const [, url] = await cli.stdout.waitFor(/Serving on (http:\/\/\S+)/);
      assert.equal(await (await fetch(url)).text(), "hello");
      cli.child.kill("SIGTERM");
    } finally {
      const status = await cli.finish();
      assert.equal(status.code, 0, cli.stderr.text);
    }
  });
});

// Each bad file: [name, ini text, expected line (null: none), expected key (null: none), message pattern]
const badFiles: [string, string, number | null, string | null, RegExp][] = [
  ["syntax error", "[app:main]\nuse = x.ts\nthis has no delimiter\n", 3, null, /Add "= value"/],
  [
    "duplicate key",
    `[app:main]\nuse = ${FIXTURE}\nUse = again\n`,
    3,
    "use",
    /already set on line 2/,
  ],
  ["missing [app:main]", "[server:main]\nport = 0\n", null, "use", /no \[app:main\] section/],
  ["missing use", "[app:main]\ndebug = true\n", 1, "use", /has no "use" key/],
  [
    "missing module",
    "[app:main]\n\nuse = ./nowhere.ts#main\n",
    3,
    "use",
    /nowhere\.ts .*does not exist/,
  ],
  ["missing export", `[app:main]\nuse = ${FIXTURE}#nope\n`, 2, "use", /has no export "nope"/],
  [
    "export not a function",
    `[app:main]\nuse = ${FIXTURE}#notAFunction\n`,
    2,
    "use",
    /is number 42, not a function/,
  ],
  [
    "main returns no app",
    `[app:main]\nuse = ${FIXTURE}#returnsNothing\n`,
    2,
    "use",
    /returned an object without a fetch/,
  ],
  ["main throws", `[app:main]\nuse = ${FIXTURE}#throws\n`, 2, "use", /threw: database unreachable/],
  [
    "module throws on import",
    `[app:main]\nuse = ${BROKEN}\n`,
    2,
    "use",
    /failed to load: .*broken at import time/,
  ],
  ["bad interpolation", "[app:main]\nuse = %(nowhere)s/app.ts\n", 2, "use", /refers to "nowhere"/],
  [
    "bad port",
    `[app:main]\nuse = ${FIXTURE}\n[server:main]\nport = http\n`,
    4,
    "port",
    /not a TCP port/,
  ],
  ["egg reference", "[app:main]\nuse = egg:myproject\n", 2, "use", /Python PasteDeploy reference/],
];

for (const [name, ini, line, key, pattern] of badFiles) {
  Deno.test(`serve CLI: bad ini (${name}) exits 1 naming file, line and key`, async () => {
    await withIni(ini, async (file) => {
      const cli = spawnCli([file]);
      const status = await cli.finish();
      assert.equal(status.code, 1);
      const message = cli.stderr.text.trim();
      assert.equal(message.split("\n").length, 1, `one line, no stack trace:\n${message}`);
      const where = `error: ${file}${line === null ? "" : `, line ${line}`}${
        key === null ? "" : `, key "${key}"`
      }`;
      assert.ok(message.startsWith(where), `${message}\nshould start with\n${where}`);
      assert.match(message, pattern);
      assert.doesNotMatch(cli.stdout.text, /Serving on/);
    });
  });
}

Deno.test("serve CLI: a bad use = with workers = 2 fails before starting workers", async () => {
  await withIni(
    `[app:main]\nuse = ${FIXTURE}#nope\n[server:main]\nworkers = 2\nport = 0\n`,
    async (file) => {
      const cli = spawnCli([file]);
      assert.equal((await cli.finish()).code, 1);
      assert.match(cli.stderr.text, /line 2, key "use" in \[app:main\]: .*has no export "nope"/);
    },
  );
});

for (const model of ["isolates", "processes"]) {
  Deno.test(`serve CLI: main failing in a server ${model.slice(0, -2)} exits 1 with the message`, async () => {
    await withIni(
      `[app:main]\nuse = ${FIXTURE}#throws\n[server:main]\nworkers = 2\nport = 0\n` +
        `server_model = ${model}\n`,
      async (file) => {
        const cli = spawnCli([file]);
        assert.equal((await cli.finish()).code, 1);
        const message = cli.stderr.text.trim();
        assert.match(message, /^error: .*line 2, key "use".*threw: database unreachable/);
        assert.equal(message.split("\n").length, 1, message);
      },
    );
  });
}

Deno.test("serve CLI: a bad server_model names the line and the choices", async () => {
  await withIni(
    `[app:main]\nuse = ${FIXTURE}\n[server:main]\nport = 0\nserver_model = threads\n`,
    async (file) => {
      const cli = spawnCli([file]);
      assert.equal((await cli.finish()).code, 1);
      assert.match(
        cli.stderr.text,
        /^error: .*, line 5, key "server_model" in \[server:main\]: "threads" is not a server model\. Write processes .* or isolates/,
      );
    },
  );
});

Deno.test("serve CLI: a missing file and --debug", async () => {
  const missing = spawnCli(["/nonexistent/dir/development.ini"]);
  assert.equal((await missing.finish()).code, 1);
  assert.match(
    missing.stderr.text,
    /^error: \/nonexistent\/dir\/development\.ini: the settings file does not exist/,
  );

  await withIni(`[app:main]\nuse = ${FIXTURE}#throws\n`, async (file) => {
    const cli = spawnCli(["--debug", file]);
    assert.equal((await cli.finish()).code, 1);
    assert.match(cli.stderr.text, /IniError: .*threw: database unreachable/);
    assert.match(cli.stderr.text, /Caused by: Error: database unreachable\n\s+at throws/);
  });

  const usage = spawnCli(["--bogus"]);
  assert.equal((await usage.finish()).code, 2);
  assert.match(usage.stderr.text, /unexpected argument "--bogus"/);
});

Deno.test("serve CLI: workers = 2 without --unstable-net says how to enable it", async () => {
  await withIni(
    `[app:main]\nuse = ${FIXTURE}\n[server:main]\nport = 0\nworkers = 2\nserver_model = isolates\n`,
    async (file) => {
      const cli = spawnCli([file], undefined, ["--no-config"]);
      assert.equal((await cli.finish()).code, 1);
      assert.match(
        cli.stderr.text,
        /^error: .*, line 5, key "workers" in \[server:main\]: .*--unstable-net/,
      );
    },
  );
});
