// The dependency direction between src/ folders (issue 7, item 9): no runtime import cycle
// between folders, and no folder reaching into another folder's `_` files. Type-only imports
// (`import type`, `export type`, or braces holding only `type` specifiers) vanish at runtime
// and are allowed to point back. Files directly in src/ are nodes of their own; src/'s own
// `_` files (e.g. `_callsite.ts`) are shared by the whole package and may be imported anywhere.
import assert from "node:assert/strict";

const SRC = new URL("../../src/", import.meta.url);

/** One runtime import from one src/ file to another. */
interface Import {
  /** Importing file, relative to src/. */
  from: string;
  /** Imported file, relative to src/. */
  to: string;
  /** Nothing of it survives compilation. */
  typeOnly: boolean;
}

async function sourceFiles(dir: URL, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) {
      files.push(...await sourceFiles(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`));
    } else if (entry.isFile && entry.name.endsWith(".ts")) {
      files.push(`${prefix}${entry.name}`);
    }
  }
  return files.sort();
}

// Module-level statements start at column 0 (deno fmt), which keeps JSDoc examples (` * import`)
// and code in strings out. `[^;"'`]*?` lets a statement span lines up to its `from "..."`.
const FROM = /^(import|export)\b([^;"'`]*?)\bfrom\s*"([^"]+)"/gm;
const BARE = /^import\s*"([^"]+)"/gm;

function isTypeOnly(clause: string): boolean {
  const body = clause.trim();
  if (/^type\b/.test(body)) return true;
  // `{ type A, type B }` with nothing else (no default import, no namespace, no value name).
  const braces = /^\{([^}]*)\}$/.exec(body);
  if (!braces) return false;
  const names = braces[1].split(",").map((s) => s.trim()).filter((s) => s !== "");
  return names.length > 0 && names.every((name) => /^type\s/.test(name));
}

/** Parses every import/export-from statement of `text` with a relative specifier. */
function parseImports(file: string, text: string): Import[] {
  const found: Import[] = [];
  const resolve = (specifier: string) =>
    new URL(specifier, new URL(file, SRC)).href.slice(SRC.href.length);
  for (const match of text.matchAll(FROM)) {
    if (!match[3].startsWith(".")) continue;
    found.push({ from: file, to: resolve(match[3]), typeOnly: isTypeOnly(match[2]) });
  }
  for (const match of text.matchAll(BARE)) {
    if (match[1].startsWith(".")) {
      found.push({ from: file, to: resolve(match[1]), typeOnly: false });
    }
  }
  return found;
}

/** The node a src/ file belongs to: its top folder, or `@file.ts` for files directly in src/. */
function nodeOf(file: string): string {
  const slash = file.indexOf("/");
  return slash === -1 ? `@${file}` : file.slice(0, slash);
}

/** Folder edges (`a -> b`) of runtime imports, each with the file imports behind it. */
function folderGraph(imports: Import[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const { from, to, typeOnly } of imports) {
    const a = nodeOf(from), b = nodeOf(to);
    if (typeOnly || a === b) continue;
    if (!graph.has(a)) graph.set(a, new Map());
    const targets = graph.get(a)!;
    if (!targets.has(b)) targets.set(b, []);
    targets.get(b)!.push(`${from} -> ${to}`);
  }
  return graph;
}

/** The shortest path from `start` back to `start`, or undefined. */
function cycleThrough(
  graph: Map<string, Map<string, string[]>>,
  start: string,
): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const next of graph.get(node)?.keys() ?? []) {
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** Every distinct folder cycle, each described edge by edge with the files behind it. */
function describeCycles(imports: Import[]): string[] {
  const graph = folderGraph(imports);
  const seen = new Set<string>();
  const cycles: string[] = [];
  for (const start of [...graph.keys()].sort()) {
    const cycle = cycleThrough(graph, start);
    if (!cycle) continue;
    const key = [...new Set(cycle)].sort().join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    const edges = cycle.slice(1).map((b, i) => {
      const a = cycle[i];
      return `  ${a} -> ${b}\n${graph.get(a)!.get(b)!.map((f) => `      ${f}`).join("\n")}`;
    });
    cycles.push(`${cycle.join(" -> ")}\n${edges.join("\n")}`);
  }
  return cycles;
}

/** Imports of another folder's `_` files (src/'s own `_` files are shared by all of src/). */
function privateReaches(imports: Import[]): string[] {
  return imports
    .filter(({ from, to }) => {
      const target = nodeOf(to);
      const base = to.slice(to.lastIndexOf("/") + 1);
      return base.startsWith("_") && !target.startsWith("@") && target !== nodeOf(from);
    })
    .map(({ from, to }) => `${from} -> ${to}`);
}

async function srcImports(): Promise<Import[]> {
  const imports: Import[] = [];
  for (const file of await sourceFiles(SRC)) {
    imports.push(...parseImports(file, await Deno.readTextFile(new URL(file, SRC))));
  }
  return imports;
}

Deno.test("the parser tells type-only imports from runtime ones", () => {
  const text = [
    'import { a } from "../x/a.ts";',
    'import type { B } from "../x/b.ts";',
    'import { type C, type D } from "../x/c.ts";',
    'import { type E, f } from "../x/e.ts";',
    'export type { G } from "../x/g.ts";',
    'export { h } from "../x/h.ts";',
    'import * as i from "../x/i.ts";',
    'import J, { type K } from "../x/j.ts";',
    'import {\n  type L,\n  m,\n} from "../x/l.ts";',
    'import "../x/side.ts";',
    'import { n } from "@hono/hono";',
    ' * import { o } from "../x/doc_example.ts";',
  ].join("\n");
  const parsed = parseImports("y/file.ts", text).map((i) => `${i.to}${i.typeOnly ? " type" : ""}`);
  assert.deepEqual(parsed, [
    "x/a.ts",
    "x/b.ts type",
    "x/c.ts type",
    "x/e.ts",
    "x/g.ts type",
    "x/h.ts",
    "x/i.ts",
    "x/j.ts",
    "x/l.ts",
    "x/side.ts",
  ]);
});

Deno.test("a folder cycle is named edge by edge with the files behind each edge", () => {
  const imports: Import[] = [
    { from: "a/one.ts", to: "b/two.ts", typeOnly: false },
    { from: "b/two.ts", to: "c.ts", typeOnly: false },
    { from: "c.ts", to: "a/three.ts", typeOnly: false },
    { from: "a/one.ts", to: "d/four.ts", typeOnly: false },
    { from: "d/four.ts", to: "a/one.ts", typeOnly: true },
  ];
  assert.deepEqual(describeCycles(imports), [
    "@c.ts -> a -> b -> @c.ts\n" +
    "  @c.ts -> a\n      c.ts -> a/three.ts\n" +
    "  a -> b\n      a/one.ts -> b/two.ts\n" +
    "  b -> @c.ts\n      b/two.ts -> c.ts",
  ]);
  assert.deepEqual(
    privateReaches([
      { from: "a/one.ts", to: "b/_inner.ts", typeOnly: false },
      { from: "a/one.ts", to: "a/_own.ts", typeOnly: false },
      { from: "a/one.ts", to: "_shared.ts", typeOnly: false },
    ]),
    ["a/one.ts -> b/_inner.ts"],
  );
});

Deno.test("no runtime import cycle between src/ folders", async () => {
  const imports = await srcImports();
  // The parser must see the tree: an empty graph would pass vacuously.
  assert.ok(imports.filter((i) => !i.typeOnly).length > 100, "expected the src/ import graph");
  const cycles = describeCycles(imports);
  assert.deepEqual(
    cycles,
    [],
    `src/ folders import each other at runtime in a cycle. Move the shared value to the folder ` +
      `that owns the concept, or pass it in as an argument:\n${cycles.join("\n")}`,
  );
});

Deno.test("no src/ folder imports another folder's _ files", async () => {
  const reaches = privateReaches(await srcImports());
  assert.deepEqual(
    reaches,
    [],
    `_ files are private to their folder; export what is needed from a file without _:\n${
      reaches.join("\n")
    }`,
  );
});
