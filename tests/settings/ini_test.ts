// Differential tests: every file in ./corpus is read by Python's configparser and by
// parseIni(), and the two must agree exactly (values, key order, and which reads fail).
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigurationError } from "../../src/errors.ts";
import { IniError, parseIni } from "../../src/settings/ini.ts";

const corpusDir = fileURLToPath(new URL("./corpus/", import.meta.url));

// Loads each file the way PasteDeploy does (ConfigParser with here/__file__ defaults)
// and prints every section's interpolated items, or the error each read raises.
const PYTHON = String.raw`
import configparser, json, os, sys

def read(parser, section):
    try:
        return {"ok": [[k, v] for k, v in parser.items(section)]}
    except configparser.Error as e:
        return {"error": type(e).__name__ + ": " + str(e)}

out = {}
for path in sys.argv[1:]:
    path = os.path.abspath(path)
    esc = lambda s: s.replace("%", "%%")
    parser = configparser.ConfigParser(
        defaults={"here": esc(os.path.dirname(path)), "__file__": esc(path)})
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f, source=path)
    except configparser.Error as e:
        out[path] = {"error": type(e).__name__ + ": " + str(e)}
        continue
    out[path] = {
        "defaults": read(parser, "DEFAULT"),
        "sections": [[name, read(parser, name)] for name in parser.sections()],
    }
print(json.dumps(out))
`;

type Read = { ok: [string, string][] } | { error: string };
type FileResult = { error: string } | { defaults: Read; sections: [string, Read][] };

const files: string[] = [];
for (const entry of Deno.readDirSync(corpusDir)) {
  if (entry.isFile && entry.name.endsWith(".ini")) files.push(join(corpusDir, entry.name));
}
files.sort();

let pythonResults: Promise<Record<string, FileResult>> | undefined;
function python(): Promise<Record<string, FileResult>> {
  pythonResults ??= (async () => {
    const { code, stdout, stderr } = await new Deno.Command("python3", {
      args: ["-c", PYTHON, ...files],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    assert.equal(code, 0, `python3 failed: ${decoder.decode(stderr)}`);
    return JSON.parse(decoder.decode(stdout));
  })();
  return pythonResults;
}

function ours(path: string): FileResult & { firstError?: IniError } {
  let firstError: IniError | undefined;
  const read = (fn: () => [string, string][]): Read => {
    try {
      return { ok: fn() };
    } catch (error) {
      if (!(error instanceof IniError)) throw error;
      firstError ??= error;
      return { error: error.message };
    }
  };
  let doc;
  try {
    doc = parseIni(Deno.readTextFileSync(path), {
      filename: path,
      defaults: { here: dirname(path), __file__: path },
    });
  } catch (error) {
    if (!(error instanceof IniError)) throw error;
    return { error: error.message, firstError: error };
  }
  const sections: [string, Read][] = doc.sections().map((name) => [
    name,
    read(() => doc.entries(name)),
  ]);
  const defaults = read(() => doc.entries("DEFAULT"));
  return { defaults, sections, firstError };
}

// Error texts differ between the two implementations; only *whether* a read fails must agree.
function shape(result: FileResult): unknown {
  const read = (r: Read) => ("ok" in r ? r : { error: true });
  if ("error" in result) return { error: true };
  return {
    defaults: read(result.defaults),
    sections: result.sections.map(([name, r]) => [name, read(r)]),
  };
}

function expectation(path: string): Record<string, string> | undefined {
  const match = /^# expect-error:(.*)$/m.exec(Deno.readTextFileSync(path));
  if (!match) return undefined;
  return Object.fromEntries(
    match[1].trim().split(/\s+/).map((pair) => pair.split("=", 2) as [string, string]),
  );
}

Deno.test("ini corpus: enough files, good and bad", () => {
  const bad = files.filter((f) => f.includes("/bad_"));
  assert.ok(files.length - bad.length >= 15, `only ${files.length - bad.length} good files`);
  assert.ok(bad.length >= 8);
});

for (const path of files) {
  const name = path.slice(corpusDir.length);
  Deno.test(`ini corpus: ${name} reads as Python's configparser reads it`, async () => {
    const expected = (await python())[path];
    const actual = ours(path);
    assert.deepEqual(shape(actual), shape(expected));
    const expect = expectation(path);
    if (expect === undefined) {
      assert.ok(
        !("error" in expected),
        `configparser rejects ${name}: ${JSON.stringify(expected)}`,
      );
      return;
    }
    // A bad file fails in both, and ours says where.
    const failed = "error" in expected ||
      [expected.defaults, ...expected.sections.map(([, r]) => r)].some((r) => "error" in r);
    assert.ok(failed, `configparser accepted ${name}`);
    const error = actual.firstError;
    assert.ok(error instanceof IniError, `parseIni accepted ${name}`);
    assert.equal(error.file, path);
    assert.equal(error.line, Number(expect.line));
    assert.equal(error.key, expect.key);
    if (expect.section) assert.equal(error.section, expect.section);
    assert.ok(error.message.startsWith(`${path}, line ${expect.line}`), error.message);
    if (expect.key) assert.match(error.message, new RegExp(`key "${expect.key}"`));
  });
}

Deno.test("ini: error messages say what to do", () => {
  const cases: [string, RegExp][] = [
    ["[a]\nx = 1\n[a]\n", /already defined on line 1\. Merge/],
    ["[a]\nx = 1\nX = 2\n", /already set on line 2.*case-insensitive/],
    ["x = 1\n", /before any \[section\] header\. Start the file/],
    ["[a]\nnot an option\n", /Add "= value"/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(() => parseIni(text, { filename: "t.ini" }), (error: unknown) => {
      assert.ok(error instanceof IniError);
      assert.ok(error instanceof ConfigurationError);
      assert.match(error.message, /^t\.ini, line \d/);
      assert.match(error.message, pattern);
      return true;
    });
  }
  const doc = parseIni("[a]\nx = %(y)s\n", { filename: "t.ini" });
  assert.throws(
    () => doc.get("a", "x"),
    /^IniError: t\.ini, line 2, key "x" in \[a\]: %\(y\)s refers to "y".*Define "y"/,
  );
  assert.throws(() => doc.items("b"), /there is no section \[b\] \(sections: \[a\]\)/);
});

Deno.test("ini: raw reads, lines, and literal code defaults", () => {
  const doc = parseIni("[app:main]\nfmt = %(asctime)s\nPath = %(here)s/x\n", {
    filename: "d.ini",
    defaults: { here: "/tmp/100%" },
  });
  assert.equal(doc.get("app:main", "fmt", { raw: true }), "%(asctime)s");
  assert.equal(doc.get("app:main", "path"), "/tmp/100%/x");
  assert.equal(doc.get("app:main", "here"), "/tmp/100%");
  assert.equal(doc.get("app:main", "missing"), undefined);
  assert.equal(doc.option("app:main", "PATH")?.line, 3);
  assert.equal(doc.sectionLine("app:main"), 1);
  assert.deepEqual(doc.ownOptions("app:main").map((o) => o.key), ["fmt", "path"]);
  assert.deepEqual(doc.items("app:main", { raw: true }), {
    here: "/tmp/100%",
    fmt: "%(asctime)s",
    path: "%(here)s/x",
  });
});
