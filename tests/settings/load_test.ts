import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { IniError, loadApp, loadAppConfig } from "../../src/settings/mod.ts";

const FIXTURES = fileURLToPath(new URL("../serve/fixtures/", import.meta.url));

async function withIni<T>(ini: string, fn: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "aio-load-" });
  try {
    await Deno.copyFile(join(FIXTURES, "app.ts"), join(dir, "app.ts"));
    const file = join(dir, "development.ini");
    await Deno.writeTextFile(file, ini);
    return await fn(file, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadAppConfig: [app:main] and [server:main] with defaults", async () => {
  const ini = `[DEFAULT]
shared = yes

[app:main]
use = ./app.ts#asyncMain
aio.debug = true
Templates = %(here)s/templates
aio.includes =
    ./a.ts
    ./b.ts
`;
  await withIni(ini, async (file, dir) => {
    const config = await loadAppConfig(file);
    assert.equal(config.file, file);
    assert.equal(config.here, dir);
    assert.equal(config.app.moduleUrl, pathToFileURL(join(dir, "app.ts")).href);
    assert.equal(config.app.exportName, "asyncMain");
    assert.equal(config.app.line, 5);
    assert.deepEqual(config.app.settings, {
      "aio.debug": "true",
      templates: `${dir}/templates`,
      "aio.includes": "\n./a.ts\n./b.ts",
    });
    assert.deepEqual(config.app.globalConfig, { here: dir, __file__: file, shared: "yes" });
    assert.deepEqual(config.server, {
      host: "127.0.0.1",
      port: 6543,
      workers: 1,
      serverModel: "processes",
      maxRequests: 0,
      maxRequestsJitter: 0,
      accessLog: true,
      gracePeriodMs: 10_000,
      options: {},
    });
  });
});

Deno.test("loadAppConfig: server settings are checked and unknown keys kept", async () => {
  const ini = `[app:main]
use = ./app.ts
[server:main]
use = egg:waitress#main
host = [::1]
port = 8080
workers = 3
access_log = off
grace_period_ms = 250
threads = 4
server_model = Isolates
max_requests = 1000
max_requests_jitter = 50
`;
  await withIni(ini, async (file) => {
    const { app, server } = await loadAppConfig(file);
    assert.equal(app.exportName, "main");
    assert.equal(server.host, "::1");
    assert.equal(server.port, 8080);
    assert.equal(server.workers, 3);
    assert.equal(server.accessLog, false);
    assert.equal(server.gracePeriodMs, 250);
    assert.equal(server.serverModel, "isolates");
    assert.equal(server.maxRequests, 1000);
    assert.equal(server.maxRequestsJitter, 50);
    assert.equal(server.options.threads, "4");
    assert.equal(server.options.use, "egg:waitress#main");
  });
  for (
    const [line, key] of [
      ["port = 70000", "port"],
      ["workers = 0", "workers"],
      ["access_log = maybe", "access_log"],
      ["server_model = threads", "server_model"],
      ["max_requests = -1", "max_requests"],
      ["max_requests_jitter = lots", "max_requests_jitter"],
    ]
  ) {
    await withIni(`[app:main]\nuse = ./app.ts\n[server:main]\n${line}\n`, async (file) => {
      await assert.rejects(loadAppConfig(file), (error: unknown) => {
        assert.ok(error instanceof IniError);
        assert.equal(error.line, 4);
        assert.equal(error.key, key);
        assert.equal(error.section, "server:main");
        return true;
      });
    });
  }
});

Deno.test("loadApp: imports use =, calls main with settings, checks the result", async () => {
  await withIni("[app:main]\nuse = ./app.ts#asyncMain\nname = demo\n", async (file) => {
    const { app } = await loadApp(file);
    const response = await app.fetch(
      new Request("http://x/settings"),
      {} as Deno.ServeHandlerInfo,
    );
    const body = await response.json();
    assert.deepEqual(body.settings, { name: "demo" });
    await app.close();
  });
  await withIni("[app:main]\nuse = ./app.ts#withoutClose\n", async (file) => {
    const { app } = await loadApp(new URL(pathToFileURL(file)));
    assert.equal(
      await (await app.fetch(new Request("http://x/"), {} as Deno.ServeHandlerInfo)).text(),
      "no close",
    );
    await app.close();
  });
});

Deno.test("loadApp: awaits the app's ready() before returning it", async () => {
  await withIni("[app:main]\nuse = ./app.ts#slowToStart\n", async (file) => {
    const { app } = await loadApp(file);
    const response = await app.fetch(new Request("http://x/"), {} as Deno.ServeHandlerInfo);
    assert.equal(await response.text(), "started");
    await app.close();
  });
});

Deno.test("loadApp: an app that cannot start is closed and named in an IniError", async () => {
  await withIni("[app:main]\nuse = ./app.ts#failsToStart\n", async (file) => {
    await assert.rejects(loadApp(file), (error: unknown) => {
      assert.ok(error instanceof IniError, String(error));
      assert.equal(error.line, 2);
      assert.match(error.message, /could not start: executor workers keep dying/);
      return true;
    });
    assert.equal((globalThis as { failedAppClosed?: boolean }).failedAppClosed, true);
  });
});

Deno.test("loadApp: every bad use = names the file, line and key", async () => {
  const cases: [string, RegExp][] = [
    ["use = ./missing.ts", /missing\.ts \(from "use = \.\/missing\.ts"\) does not exist/],
    ["use = ./app.ts#nope", /has no export "nope" \(it exports .*main/],
    ["use = ./app.ts#notAFunction", /is number 42, not a function/],
    ["use = ./app.ts#returnsNothing", /returned an object without a fetch\(\) method, not an app/],
    ["use = ./app.ts#throws", /threw: database unreachable/],
    ["use =", /"use" is empty/],
  ];
  for (const [line, pattern] of cases) {
    await withIni(`# settings\n[app:main]\n${line}\n`, async (file) => {
      await assert.rejects(loadApp(file), (error: unknown) => {
        assert.ok(error instanceof IniError, String(error));
        assert.equal(error.file, file);
        assert.equal(error.line, 3);
        assert.equal(error.key, "use");
        assert.ok(
          error.message.startsWith(`${file}, line 3, key "use" in [app:main]: `),
          error.message,
        );
        assert.match(error.message, pattern);
        return true;
      });
    });
  }
});
