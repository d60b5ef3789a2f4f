// The aio.* schema: the README's table is the schema, every key is parsed into
// registry.aio, bad values fail when the Configurator is made (naming key, value and
// what is accepted), and an unknown aio.* key warns naming the closest known key.
import assert from "node:assert/strict";
import {
  AIO_SETTINGS,
  aioSetting,
  ConfigurationError,
  Configurator,
  parseAioSettings,
} from "@aio/pyramid";
import { withApp } from "../_helpers.ts";

interface Row {
  key: string;
  type: string;
  default: string;
}

async function readmeRows(): Promise<Row[]> {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const section = readme.slice(readme.indexOf("## Settings"), readme.indexOf("## Status"));
  assert.ok(
    section.startsWith("## Settings"),
    "README has no '## Settings' section before '## Status'",
  );
  const rows: Row[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
    const key = /^`(aio\.[^`]+)`$/.exec(cells[0] ?? "")?.[1];
    if (key) rows.push({ key, type: cells[1], default: cells[2] });
  }
  return rows;
}

Deno.test("the README's settings table lists exactly the schema's keys, types and defaults", async () => {
  const rows = await readmeRows();
  assert.deepEqual(
    rows,
    AIO_SETTINGS.map((spec) => ({ key: spec.key, type: spec.type, default: spec.default })),
  );
});

Deno.test("every schema key is parsed into registry.aio, with its documented default", () => {
  const aio = new Configurator().registry.aio;
  for (const spec of AIO_SETTINGS) {
    const value = aioSetting(aio, spec.key);
    assert.notEqual(value, undefined, `${spec.key} has no parsed value in registry.aio`);
    const type = Array.isArray(value)
      ? "list"
      : typeof value === "number"
      ? "integer"
      : typeof value;
    assert.equal(type, spec.type, `${spec.key} parses to a ${type}`);
    // A default written as a literal (`1024`, `false`, `*`) is the parsed default.
    const literal = /^`([^`]*)`$/.exec(spec.default)?.[1];
    if (literal !== undefined) {
      assert.equal(
        Array.isArray(value) ? value.join(" ") : String(value),
        literal,
        `${spec.key}: the README says ${spec.default}`,
      );
    }
  }
  // The defaults written in words.
  assert.equal(aio.executor.maxWorkers, navigator.hardwareConcurrency || 2);
  assert.equal(aio.websocket.maxBlocking, Math.max(1, aio.executor.maxWorkers - 1));
  assert.deepEqual(aio.includes, []);
  assert.deepEqual(aio.trustedProxies, []);
  assert.equal(aio.broker.url, "");
  assert.equal(aio.stallWarningMs, 0);
  assert.equal(parseAioSettings({ "aio.debug": "true" }).stallWarningMs, 100);
  assert.equal(
    parseAioSettings({ "aio.debug": "true", "aio.stall_warning_ms": "0" }).stallWarningMs,
    0,
  );
  assert.equal(parseAioSettings({ "aio.executor.max_workers": "1" }).websocket.maxBlocking, 1);
  assert.equal(parseAioSettings({ "aio.executor.max_workers": "5" }).websocket.maxBlocking, 4);
  assert.throws(() => aioSetting(aio, "aio.debgu"), /Did you mean 'aio\.debug'/);
});

Deno.test("values in ini text and in code parse alike", () => {
  const aio = new Configurator({
    settings: {
      "aio.debug": "on",
      "aio.reload_templates": true,
      "aio.includes": "\n./auth.ts\n./views.ts",
      "aio.allowed_hosts": ["example.com", ".example.org"],
      "aio.trusted_proxies": "10.0.0.1 10.0.0.2",
      "aio.websocket.max_message_bytes": " 4096 ",
      "aio.websocket.idle_timeout_ms": 0,
      "aio.websocket.max_blocking": "7",
      "aio.broker.url": " redis://127.0.0.1:6379/0 ",
    },
  }).registry.aio;
  assert.equal(aio.debug, true);
  assert.equal(aio.reloadTemplates, true);
  assert.deepEqual(aio.includes, ["./auth.ts", "./views.ts"]);
  assert.deepEqual(aio.allowedHosts, ["example.com", ".example.org"]);
  assert.deepEqual(aio.trustedProxies, ["10.0.0.1", "10.0.0.2"]);
  assert.equal(aio.websocket.maxMessageBytes, 4096);
  assert.equal(aio.websocket.idleTimeoutMs, 0);
  assert.equal(aio.websocket.maxBlocking, 7);
  assert.equal(aio.broker.url, "redis://127.0.0.1:6379/0");
  assert.ok(
    Object.isFrozen(aio) && Object.isFrozen(aio.websocket) && Object.isFrozen(aio.includes),
  );
});

Deno.test("a bad value is a ConfigurationError at construction naming key, value and what is accepted", async () => {
  const bad: [key: string, value: unknown, accepted: RegExp][] = [
    ["aio.debug", "maybe", /true or false/],
    ["aio.reload_templates", 2, /true or false/],
    ["aio.max_body_bytes", "10MB", /whole number of 0 or more/],
    ["aio.max_body_bytes", -1, /whole number of 0 or more/],
    ["aio.stall_warning_ms", "1.5", /whole number/],
    ["aio.executor.max_workers", "0", /whole number of 1 or more/],
    ["aio.executor.timeout_ms", "", /whole number/],
    ["aio.websocket.max_message_bytes", "1e6", /whole number of 1 or more/],
    ["aio.websocket.max_message_bytes", "0", /whole number of 1 or more/],
    ["aio.websocket.idle_timeout_ms", "two minutes", /whole number/],
    ["aio.websocket.shutdown_grace_ms", "-5", /whole number/],
    ["aio.websocket.max_blocking", "0", /whole number of 1 or more/],
    ["aio.websocket.blocking_timeout_ms", "1h", /whole number/],
    ["aio.allowed_hosts", 42, /list of words/],
    ["aio.trusted_proxies", ["10.0.0.1", 7], /list of words/],
    ["aio.includes", { a: 1 }, /list of words/],
    ["aio.broker.url", "amqp://rabbit", /redis:\/\/host:port\/db/],
    ["aio.broker.url", 6379, /redis:\/\/host:port\/db/],
  ];
  for (const [key, value, accepted] of bad) {
    let caught: unknown;
    try {
      new Configurator({ settings: { [key]: value } });
    } catch (error) {
      caught = error;
    }
    assert.ok(
      caught instanceof ConfigurationError,
      `${key} = ${JSON.stringify(value)} was accepted`,
    );
    const message = caught.message;
    assert.ok(message.includes(`'${key}'`), `no key in: ${message}`);
    const shown = typeof value === "string"
      ? `'${value}'`
      : Array.isArray(value)
      ? JSON.stringify(value)
      : String(value);
    assert.ok(message.includes(shown), `no value ${shown} in: ${message}`);
    assert.match(message, accepted);
  }
  // Nothing was left half-made: a good configuration in the same isolate builds and serves.
  const config = new Configurator({ settings: { "aio.websocket.max_message_bytes": "4096" } });
  config.addRoute("ok", "/ok");
  config.addView(async () => "fine", { routeName: "ok", renderer: "string" });
  await withApp(config, async (app) => {
    const response = await app.fetch(new Request("http://localhost/ok"));
    assert.equal(await response.text(), "fine");
  });
});

Deno.test("an unknown aio.* key warns once, naming the closest known key", () => {
  const cases: [typo: string, closest: string][] = [
    ["aio.executor.max_worker", "aio.executor.max_workers"],
    ["aio.debgu", "aio.debug"],
    ["aio.websocket.max_msg_bytes", "aio.websocket.max_message_bytes"],
    ["aio.allowed_host", "aio.allowed_hosts"],
    ["aio.broker_url", "aio.broker.url"],
    ["aio.websockets.idle_timeout_ms", "aio.websocket.idle_timeout_ms"],
  ];
  for (const [typo, closest] of cases) {
    const warnings: string[] = [];
    const aio = parseAioSettings({ [typo]: "1", "app.mine": "x", "aiofoo": "y" }, {
      warn: (message) => warnings.push(message),
    });
    assert.equal(warnings.length, 1, `${typo}: ${warnings.join(" / ")}`);
    assert.ok(warnings[0].includes(`'${typo}'`), warnings[0]);
    assert.ok(warnings[0].includes(`Did you mean '${closest}'?`), warnings[0]);
    // The misspelled value is not applied to anything.
    assert.deepEqual(aio, parseAioSettings({}));
  }
  // The Configurator warns on the console by default, and the app still builds.
  const original = console.warn;
  const seen: unknown[][] = [];
  console.warn = (...args: unknown[]) => void seen.push(args);
  try {
    const config = new Configurator({ settings: { "aio.executor.max_worker": "3" } });
    assert.equal(config.registry.aio.executor.maxWorkers, navigator.hardwareConcurrency || 2);
  } finally {
    console.warn = original;
  }
  assert.equal(seen.length, 1);
  assert.match(
    String(seen[0][0]),
    /'aio\.executor\.max_worker'.*Did you mean 'aio\.executor\.max_workers'/,
  );
  // Quiet where the main isolate already warned (an executor worker re-parsing).
  assert.doesNotThrow(() => parseAioSettings({ "aio.x": "1" }, { warn: false }));
});

Deno.test("deno task serve refuses a bad aio.* value in development.ini, naming it, and warns on a typo", async () => {
  const root = new URL("../../", import.meta.url);
  const dir = await Deno.makeTempDir({ prefix: "aio-settings-" });
  try {
    const ini = `${dir}/development.ini`;
    await Deno.writeTextFile(
      ini,
      [
        "[app:main]",
        `use = ${new URL("examples/hello/app.ts", root).pathname}#main`,
        "aio.websocket.max_msg_bytes = 10",
        "aio.executor.max_workers = two",
        "[server:main]",
        "port = 0",
        "",
      ].join("\n"),
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "src/serve/cli.ts", ini],
      cwd: root.pathname,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 1, stderr);
    assert.match(
      stderr,
      /'aio\.executor\.max_workers' = 'two' is not valid: it must be a whole number of 1 or more/,
    );
    assert.match(
      stderr,
      /'aio\.websocket\.max_msg_bytes' is ignored\. Did you mean 'aio\.websocket\.max_message_bytes'\?/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
