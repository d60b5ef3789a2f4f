// The generator: what it writes (deno.json for JSR or a checkout, the template trees with
// the name filled in) and what it refuses — bad names, unknown scaffolds, non-empty
// targets, a --framework that is not a checkout — without writing anything.
import assert from "node:assert/strict";
import { generate, ScaffoldError, SCAFFOLDS, VERSION } from "../../scaffold/mod.ts";
import { SCAFFOLD_FILES, templatePath } from "../../scaffold/_files.ts";
import { ROOT, scaffold } from "./_setup.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "aio_generate_" });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function listing(dir: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) found.push(...await listing(`${dir}/${entry.name}`, `${path}/`));
    else found.push(path);
  }
  return found.sort();
}

Deno.test("each scaffold's file list is exactly its template tree (TypeScript as .ts.tmpl)", async () => {
  assert.deepEqual(Object.keys(SCAFFOLD_FILES).sort(), Object.keys(SCAFFOLDS).sort());
  for (const name of Object.keys(SCAFFOLDS)) {
    assert.deepEqual(
      await listing(`${ROOT}/scaffold/${name}`),
      SCAFFOLD_FILES[name].map(templatePath).sort(),
    );
  }
});

Deno.test("--list prints the scaffolds; bad usage exits 2 with the usage", async () => {
  const list = await scaffold(["--list"]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^aio_starter\s+hello world/m);
  assert.match(list.stdout, /^aio_websocket\s+aiopyramid's tutorial/m);
  for (const args of [[], ["aio_starter"], ["aio_starter", "a", "b"], ["--bogus", "a", "b"]]) {
    const ran = await scaffold(args);
    assert.equal(ran.code, 2, `args ${JSON.stringify(args)}`);
    assert.match(ran.stderr, /^error: /);
    assert.match(ran.stderr, /Usage: deno run -A jsr:@aio\/pyramid\/scaffold/);
  }
  const noDir = await scaffold(["aio_starter", "x", "--framework"]);
  assert.equal(noDir.code, 2);
  assert.match(noDir.stderr, /--framework needs the directory/);
});

Deno.test("bad project names are refused before anything is written", async () => {
  const parent = await tempDir();
  try {
    for (const name of ["my_project", "my project", "café", ".hidden", "a.b", "x!"]) {
      await assert.rejects(
        generate("aio_starter", `${parent}/${name}`),
        (error: unknown) =>
          error instanceof ScaffoldError &&
          error.message.includes(JSON.stringify(name)) &&
          /only ASCII letters, digits and '-'/.test(error.message),
        name,
      );
    }
    const ran = await scaffold(["aio_websocket", "bad_name"], parent);
    assert.equal(ran.code, 1);
    assert.match(
      ran.stderr,
      /error: The project name "bad_name" .* may contain only ASCII letters/,
    );
    assert.deepEqual(await listing(parent), []);
    // The name is the path's last segment, after resolving it: "." names the directory.
    const named = `${parent}/from-dot`;
    await Deno.mkdir(named);
    const dot = await scaffold(["aio_starter", ".", "--framework", ROOT], named);
    assert.equal(dot.code, 0, dot.stderr);
    assert.match(await Deno.readTextFile(`${named}/README.md`), /^# from-dot\n/);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("an unknown scaffold is refused, naming the choices", async () => {
  const parent = await tempDir();
  try {
    const ran = await scaffold(["aio_alchemy", "proj"], parent);
    assert.equal(ran.code, 1);
    assert.match(
      ran.stderr,
      /Unknown scaffold "aio_alchemy"; choose one of aio_starter, aio_websocket/,
    );
    assert.equal(await exists(`${parent}/proj`), false);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("a non-empty target, or a file, is refused and left untouched", async () => {
  const parent = await tempDir();
  try {
    await Deno.mkdir(`${parent}/taken/sub`, { recursive: true });
    await Deno.writeTextFile(`${parent}/taken/app.ts`, "// mine\n");
    await Deno.writeTextFile(`${parent}/taken/sub/deno.json`, "{}\n");
    const ran = await scaffold(["aio_starter", "taken"], parent);
    assert.equal(ran.code, 1);
    assert.match(ran.stderr, /taken exists and is not an empty directory; nothing was written/);
    assert.deepEqual(await listing(`${parent}/taken`), ["app.ts", "sub/deno.json"]);
    assert.equal(await Deno.readTextFile(`${parent}/taken/app.ts`), "// mine\n");
    await Deno.writeTextFile(`${parent}/afile`, "data\n");
    await assert.rejects(generate("aio_starter", `${parent}/afile`), ScaffoldError);
    assert.equal(await Deno.readTextFile(`${parent}/afile`), "data\n");
    // An existing empty directory is fine.
    await Deno.mkdir(`${parent}/empty`);
    const project = await generate("aio_starter", `${parent}/empty`);
    assert.ok(project.files.includes("app.ts"));
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("--framework must be an @aio/pyramid checkout; nothing is written otherwise", async () => {
  const parent = await tempDir();
  try {
    await Deno.writeTextFile(`${parent}/deno.json`, JSON.stringify({ name: "@other/lib" }));
    const ran = await scaffold(["aio_starter", "proj", "--framework", parent], parent);
    assert.equal(ran.code, 1);
    assert.match(ran.stderr, /is not @aio\/pyramid's \(name "@other\/lib"\)/);
    const missing = await scaffold(["aio_starter", "proj", "--framework=/nonexistent"], parent);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read \/nonexistent\/deno\.json/);
    assert.equal(await exists(`${parent}/proj`), false);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("a generated project: deno.json for JSR, the files, the name filled in, ini files", async () => {
  const parent = await tempDir();
  try {
    const ran = await scaffold(["aio_websocket", "chat-2"], parent);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /Created the aio_websocket project "chat-2"/);
    assert.match(
      ran.stdout,
      /\n {2}cd chat-2\n {2}deno task test && deno task serve development\.ini\n/,
    );
    const dir = `${parent}/chat-2`;
    assert.deepEqual(await listing(dir), ["deno.json", ...SCAFFOLD_FILES.aio_websocket].sort());
    const own = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
    assert.equal(VERSION, own.version);
    const config = JSON.parse(await Deno.readTextFile(`${dir}/deno.json`));
    // What `deno add jsr:@aio/pyramid` would write.
    assert.deepEqual(config.imports, { "@aio/pyramid": `jsr:@aio/pyramid@^${own.version}` });
    assert.equal(config.tasks.serve, `deno run -A jsr:@aio/pyramid@^${own.version}/serve`);
    assert.match(config.tasks.dev, /--watch=.*development\.ini .*\/serve development\.ini$/);
    assert.equal(config.tasks.test, "deno test -A tests/");
    assert.match(config.tasks.check, /deno fmt --check && deno lint && deno check/);
    for (const file of SCAFFOLD_FILES.aio_websocket) {
      const text = await Deno.readTextFile(`${dir}/${file}`);
      assert.ok(!text.includes("__PROJECT_NAME__"), `${file} still has the placeholder`);
    }
    assert.match(await Deno.readTextFile(`${dir}/app.ts`), /addRoute\("echo", "\/echo"\)/);
    const dev = await Deno.readTextFile(`${dir}/development.ini`);
    const prod = await Deno.readTextFile(`${dir}/production.ini`);
    for (const ini of [dev, prod]) {
      assert.match(ini, /^host = \S+$/m);
      assert.match(ini, /^port = 6543$/m);
    }
    assert.match(dev, /^aio\.debug = true$/m);
    assert.match(prod, /^aio\.debug = false$/m);
    const workers = (ini: string) => Number(/^workers = (\d+)$/m.exec(ini)?.[1]);
    assert.ok(workers(prod) > workers(dev), "production serves with more isolates");
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("with --framework the project imports the checkout and its dependencies", async () => {
  const parent = await tempDir();
  try {
    const project = await generate("aio_starter", `${parent}/local`, { framework: ROOT });
    const config = JSON.parse(await Deno.readTextFile(`${project.directory}/deno.json`));
    const own = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
    assert.equal(config.imports["@aio/pyramid"], `file://${ROOT}/mod.ts`);
    assert.equal(config.imports["@aio/pyramid/testing"], `file://${ROOT}/src/testing/mod.ts`);
    assert.equal(config.imports["@aio/pyramid/serve"], `file://${ROOT}/src/serve/cli.ts`);
    for (const dependency of ["@hono/hono", "nunjucks"]) {
      assert.equal(config.imports[dependency], own.imports[dependency]);
    }
    assert.equal(config.tasks.serve, `deno run -A file://${ROOT}/src/serve/cli.ts`);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
