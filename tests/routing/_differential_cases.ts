// The cases of the Pyramid differential test: Pyramid's own test cases (tests/test_urldispatch.py,
// test_traversal.py, test_url.py) and a seeded random generator. Shared by nothing else.

/** A resource tree as both sides build it: `{ children }` is a folder, `{}` a leaf. */
export interface TreeSpec {
  children?: Record<string, TreeSpec>;
}

/** A route both sides add, in this order. */
export interface RouteSpec {
  name: string;
  pattern: string;
  prefix?: string;
  inheritSlash?: boolean;
}

/** One case; `kind` says which API it exercises. */
export type Case =
  | { kind: "match"; pattern: string; path: string }
  | { kind: "generate"; pattern: string; parts: Record<string, unknown> }
  | {
    kind: "url";
    route: string;
    parts: Record<string, unknown>;
    elements?: string[];
    query?: unknown;
    anchor?: string;
  }
  | { kind: "dispatch"; url: string; headers?: Record<string, string> }
  | { kind: "traverse"; start: string[]; path: string | string[] }
  | {
    kind: "resource";
    node: string[];
    elements?: string[];
    query?: unknown;
    anchor?: string;
    headers?: Record<string, string>;
  }
  | { kind: "status"; status: number };

export const TREE: TreeSpec = {
  children: {
    a: {
      children: {
        b: { children: { c: {} } },
        "x y": {},
        "café": { children: { "☕": {} } },
      },
    },
    ab: { children: { z: {} } },
    docs: { children: { intro: {}, "q?": {}, "a/b": {} } },
    "100%": {},
    "s:t@u": {},
    site: {
      children: {
        a: { children: { b: {} } },
        docs: { children: { intro: {} } },
        "é t": { children: { deep: {} } },
      },
    },
  },
};

/** Every node's path, root first. */
export function treePaths(spec: TreeSpec = TREE, prefix: string[] = []): string[][] {
  const out = [prefix];
  for (const [name, child] of Object.entries(spec.children ?? {})) {
    out.push(...treePaths(child, [...prefix, name]));
  }
  return out;
}

/** mulberry32: small, fast, and the same sequence on every run for a seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// From tests/test_urldispatch.py (TestCompileRoute, TestCompileRouteFunctional) and the
// URL dispatch narrative docs.
const PYRAMID_MATCHES: [string, string][] = [
  ["/foo/:baz/biz/:buz/bar", "/foo/baz/biz/buz/bar"],
  ["/foo/:baz/biz/:buz/bar", "foo/baz/biz/buz/bar"],
  ["/foo/:baz/biz/:buz/bar*traverse", "/foo/baz/biz/buz/bar"],
  ["/foo/:baz/biz/:buz/bar*traverse", "/foo/baz/biz/buz/bar/everything/else/here"],
  ["/foo/{baz}/biz/{buz}/bar{remainder:.*}", "/foo/baz/biz/buz/bar"],
  ["/foo/{baz}/biz/{buz}/bar{remainder:.*}", "/foo/baz/biz/buz/bar/everything/else/here"],
  ["foo/:baz/biz/:buz/bar", "/foo/baz/biz/buz/bar"],
  ["foo/{baz}/biz/{buz:[^/\\.]+}.{bar}", "/foo/baz/biz/buz.bar"],
  ["foo/{baz}/biz/{buz:[^/\\.]+}.{bar}", "foo/baz/biz/buz/bar"],
  ["foo/{baz}/biz/{buz:(?:[^/\\.]+)}.{bar}", "/foo/baz/biz/buz.bar"],
  ["foo/{baz:abc}/biz/{buz}/bar", "/foo/abc/biz/buz/bar"],
  ["/{buz:\\d{4}}", "/2001"],
  ["/{buz:\\d{4}}", "/200"],
  ["/{buz:\\d{3,4}}", "/2001"],
  ["/{buz:\\d{3,4}}", "/200"],
  ["/{buz:\\d{3,4}}", "/20"],
  ["/{buz:(\\d{2}|\\d{4})-[a-zA-Z]{3,4}-\\d{2}}", "/2001-Nov-15"],
  ["/{buz:(\\d{2}|\\d{4})-[a-zA-Z]{3,4}-\\d{2}}", "/99-June-10"],
  ["/{buz:(\\d{2}|\\d{4})-[a-zA-Z]{3,4}-\\d{2}}", "/2-Nov-15"],
  ["/{buz:(\\d{2}|\\d{4})-[a-zA-Z]{3,4}-\\d{2}}", "/200-Nov-15"],
  ["/{buz:(\\d{2}|\\d{4})-[a-zA-Z]{3,4}-\\d{2}}", "/2001-No-15"],
  ["/La Peña/{x}", "/La Peña/x"],
  ["/", ""],
  ["", ""],
  ["/", "/foo"],
  ["/foo/", "/foo"],
  ["", "/"],
  ["/", "/"],
  ["/{x}", ""],
  ["/{x}", "/"],
  ["/abc/{def}", "/abc/"],
  ["/{x}", "/a"],
  ["zzz/{x}", "/zzz/abc"],
  ["zzz/{x}*traverse", "/zzz/abc"],
  ["zzz/{x}*traverse", "/zzz/abc/def/g"],
  ["*traverse", "/zzz/abc"],
  ["*traverse", "/zzz/ abc"],
  ["{x}", "/La Peña"],
  ["*traverse", "/La Peña/x"],
  ["/foo/{id}.html", "/foo/bar.html"],
  ["/{num:[0-9]+}/*traverse", "/555/abc/def"],
  ["/{num:[0-9]*}/*traverse", "/555/abc/def"],
  ["zzz/{_}", "/zzz/abc"],
  ["zzz/{_abc}", "/zzz/abc"],
  ["zzz/{abc_def}", "/zzz/abc"],
  ["/:x", ""],
  ["/:x", "/"],
  ["/abc/:def", "/abc/"],
  ["/:x", "/a"],
  ["zzz/:x", "/zzz/abc"],
  ["zzz/:x*traverse", "/zzz/abc"],
  ["zzz/:x*traverse", "/zzz/abc/def/g"],
  [":x", "/La Peña"],
  ["/foo/:id.html", "/foo/bar.html"],
  ["/foo/:id_html", "/foo/bar_html"],
  ["zzz/:_", "/zzz/abc"],
  ["zzz/:_abc", "/zzz/abc"],
  ["zzz/:abc_def", "/zzz/abc"],
  // From the issue: the index bug, and *subpath dot segments.
  ["/a*b/c", "/a*b/c"],
  ["/files/*subpath", "/files/../../etc/passwd"],
  ["/files/*subpath", "/files/./a//b/"],
  ["/a:b/c", "/a:b/c"],
  ["/a:b/c", "/ab/c"],
  ["/foo*", "/foo"],
  // Deliberate differences (README "Differences from Pyramid"), so the test shows them.
  ["/a/{x", "/a/{x"],
  ["/a/{x:}", "/a/"],
  ["/{x:[a-z]+}", "/a\n"],
  ["/{x:\\w+}", "/ñ"],
];

const PYRAMID_GENERATES: [string, Record<string, unknown>][] = [
  ["/foo/:baz/biz/:buz/bar", { baz: 1, buz: 2 }],
  ["/foo/:baz/biz/:buz/bar*traverse", { baz: 1, buz: 2, traverse: "/a/b" }],
  ["/foo/{baz}/biz/{buz}/bar{remainder:.*}", { baz: 1, buz: 2, remainder: "/a/b" }],
  ["foo/:baz/biz/:buz/bar", { baz: 1, buz: 2 }],
  ["foo/{baz}/biz/{buz:[^/\\.]+}.{bar}", { baz: 1, buz: 2, bar: "html" }],
  ["foo/{baz:abc}/biz/{buz}/bar", { baz: 1, buz: 2 }],
  ["/{buz:\\d{4}}", { buz: 2001 }],
  ["/{buz:(\\d{2}|\\d{4})-[a-zA-Z]{3,4}-\\d{2}}", { buz: "2001-Nov-15" }],
  ["/La Peña/{x}", { x: "1" }],
  ["/{x}", { x: "La Peña" }],
  ["/La Peña/{city}", { city: "Québec" }],
  ["/{city}/{state}", { city: "Québec", state: "La Peña" }],
  ["/abc*remainder", { remainder: "/Québec/La Peña" }],
  ["", {}],
  ["/", {}],
  ["/{x}", { x: "" }],
  ["/{x}", { x: "a" }],
  ["/{x}", { x: "a/b/c" }],
  ["/{x}", { x: ":@&+$," }],
  ["zzz/{x}", { x: "abc" }],
  ["zzz/{x}*traverse", { x: "abc", traverse: "" }],
  ["zzz/{x}*traverse", { x: "abc", traverse: "/def/g" }],
  ["zzz/{x}*traverse", { x: ":@&+$,", traverse: "/:@&+$," }],
  ["/{x}", { x: "/La Peña" }],
  ["/{x}*y", { x: "/La Peña", y: "/rest/of/path" }],
  ["*traverse", { traverse: ["a", "La Peña"] }],
  ["/foo/{id}.html", { id: "bar" }],
  ["/foo/{_}", { _: "20" }],
  ["/:x", { x: "" }],
  ["/:x*y", { x: "/La Peña", y: "/rest/of/path" }],
  ["/foo/:id.html", { id: "bar" }],
  // From the issue.
  ["/c#/{x}", { x: 1 }],
  ["/what?/{x}", { x: 1 }],
  ["/100%/{x}", { x: 1 }],
  ["/a:b/{x}", { x: 1 }],
  ["/a@b;c=d/{x}", { x: 1 }],
  ["/[q]/{x}", { x: 1 }],
  ["/a*b/c", {}],
  ["/abc*remainder", {}],
  ["/files/*subpath", { subpath: ["a//b", "", "c d"] }],
  ["/{x}", {}],
];

const LITERAL_CHARS = [
  ..."abcxyzABC019-_.~",
  " ",
  "é",
  "ñ",
  "☕",
  "😀",
  "%",
  "#",
  "?",
  ":",
  "@",
  ";",
  "=",
  "&",
  "+",
  "$",
  ",",
  "!",
  "*",
  "'",
  "(",
  ")",
  "[",
  "]",
  '"',
  "<",
  "^",
  "|",
  "\\",
];
const VALUE_CHARS = [...LITERAL_CHARS, "/", "/", "/", ".", "\n"];
const REGEXES = ["\\d+", "[a-z]+", "[^/]+", ".+", "[a-zé]*", "(?:ab|cd)", "\\w+", "[^/]*"];
const STARS = ["traverse", "subpath", "rest"];
const NAMES = ["x", "y", "id", "name", "_a", "slug"];

/** The seeded random cases and routes. */
export class Generator {
  #next: () => number;
  constructor(seed: number) {
    this.#next = random(seed);
  }
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.#next() < p;
  }
  text(chars: readonly string[], max: number, min = 0): string {
    let out = "";
    const length = min + this.int(max - min + 1);
    for (let i = 0; i < length; i++) out += this.pick(chars);
    return out;
  }
  literal(): string {
    // No braces: a stray one is a ConfigurationError by design (listed), tested apart.
    return this.text(LITERAL_CHARS, 4, 1);
  }
  value(): string {
    if (this.chance(0.1)) return this.pick([".", "..", "", "a/../b", "./x"]);
    return this.text(VALUE_CHARS, 6, 1);
  }
  pattern(): { pattern: string; names: string[]; star?: string } {
    const segments: string[] = [];
    const names: string[] = [];
    const count = 1 + this.int(3);
    const oldStyle = this.chance(0.15);
    for (let i = 0; i < count; i++) {
      const roll = this.int(10);
      if (roll < 4) {
        segments.push(this.literal());
      } else if (roll < 9) {
        const name = NAMES.filter((n) => !names.includes(n))[0] ?? `n${i}`;
        names.push(name);
        if (oldStyle) segments.push(`:${name}`);
        else if (this.chance(0.3)) segments.push(`{${name}:${this.pick(REGEXES)}}`);
        else segments.push(`${this.chance(0.2) ? this.literal() : ""}{${name}}`);
      } else {
        segments.push(this.pick(["", ".", ".."]));
      }
    }
    let pattern = (this.chance(0.85) ? "/" : "") + segments.join("/");
    let star: string | undefined;
    if (this.chance(0.4)) {
      star = this.pick(STARS);
      pattern += (this.chance(0.7) ? "/" : "") + `*${star}`;
    }
    return { pattern, names, star };
  }
  parts(names: string[], star?: string): Record<string, unknown> {
    const parts: Record<string, unknown> = {};
    for (const name of names) parts[name] = this.chance(0.1) ? this.int(1000) : this.value();
    if (star !== undefined) {
      parts[star] = this.chance(0.5)
        ? Array.from({ length: this.int(4) }, () => this.value())
        : (this.chance(0.5) ? "/" : "") + this.value();
    }
    return parts;
  }
  /** A decoded path the pattern may match: its own generation, decoded, or a mutation. */
  pathFor(pattern: string, names: string[], star?: string): string {
    let path = pattern.startsWith("/") ? pattern : "/" + pattern;
    path = path.replace(/\*\w+$/, () => star === undefined ? "" : this.value());
    for (const name of names) {
      path = path.replace(
        new RegExp(`\\{${name}(?::[^{}]*(?:\\{[^{}]*\\}[^{}]*)*)?\\}|:${name}`),
        () => this.chance(0.3) ? String(this.int(100)) : this.text(LITERAL_CHARS, 4, 0),
      );
    }
    if (this.chance(0.15)) path += this.pick(["/", "/x", "x", "//"]);
    return path;
  }
  query(): unknown {
    switch (this.int(6)) {
      case 0:
        return this.value();
      case 1:
        return [[this.value(), this.value()], [this.value(), this.value()]];
      case 2:
        return { [this.value()]: [this.value(), this.value()], k: null };
      case 3:
        return {};
      default:
        return { a: this.value(), [this.text(LITERAL_CHARS, 3, 1)]: this.int(50) };
    }
  }
  /** A URL path, percent-encoded per segment, sometimes with %2F or reserved bytes. */
  encodedPath(segments: string[]): string {
    return "/" +
      segments.map((segment) =>
        encodeURIComponent(segment).replace(
          /[!'()*]/g,
          (c) => this.chance(0.5) ? c : "%" + c.charCodeAt(0).toString(16).toUpperCase(),
        )
      ).join("/");
  }
}

/** Builds the routes and cases; the same seed gives the same ones. */
export function buildCases(seed: number): { routes: RouteSpec[]; cases: Case[] } {
  const g = new Generator(seed);
  const cases: Case[] = [];
  for (const [pattern, path] of PYRAMID_MATCHES) cases.push({ kind: "match", pattern, path });
  for (const [pattern, parts] of PYRAMID_GENERATES) {
    cases.push({ kind: "generate", pattern, parts });
  }
  for (let i = 0; i < 400; i++) {
    const { pattern, names, star } = g.pattern();
    cases.push({ kind: "generate", pattern, parts: g.parts(names, star) });
    cases.push({ kind: "match", pattern, path: g.pathFor(pattern, names, star) });
    if (g.chance(0.3)) cases.push({ kind: "match", pattern, path: "/" + g.value() });
  }

  // Routes for URL generation and dispatch: fixed ones, then random ones under "/g<n>/".
  const routes: RouteSpec[] = [
    { name: "users", pattern: "/users/{id:\\d+}" },
    { name: "old", pattern: "/foo/:baz/biz/:buz/bar" },
    { name: "files", pattern: "/files/*subpath" },
    { name: "rest", pattern: "/rest/*rest" },
    { name: "sub", pattern: "/sub/{subpath}" },
    { name: "site", pattern: "/site/*traverse" },
    { name: "tp", pattern: "/tp/{traverse}" },
    { name: "tr", pattern: "/tr/{traverse:.*}" },
    { name: "astar", pattern: "/a*b/c" },
    { name: "api_empty", pattern: "", prefix: "/api" },
    { name: "api_x", pattern: "x/{y}", prefix: "//v1//" },
    { name: "api_inherit", pattern: "", prefix: "/p", inheritSlash: true },
    { name: "api_slash", pattern: "/", prefix: "q/" },
    { name: "ext", pattern: "http://other.example.org/docs/{page}" },
    { name: "ext2", pattern: "//cdn.example.org/{file}" },
    { name: "pena", pattern: "/La Peña/{city}" },
  ];
  const generated: { name: string; names: string[]; star?: string; pattern: string }[] = [];
  for (let i = 0; i < 60; i++) {
    const { pattern, names, star } = g.pattern();
    const name = `g${i}`;
    const full = `/g${i}/${pattern.replace(/^\//, "")}`;
    const route: RouteSpec = { name, pattern: full };
    if (g.chance(0.2)) route.prefix = g.pick(["/pre", "pre/", "//pre//", "/pre/fix"]);
    generated.push({ name, names, star, pattern: full });
    routes.push(route);
  }

  const fixedUrls: Omit<Extract<Case, { kind: "url" }>, "kind">[] = [
    { route: "users", parts: { id: 7 }, query: { a: "hi there" } },
    { route: "users", parts: { id: 7 }, query: { a: "~*'()!" }, anchor: "" },
    { route: "users", parts: { id: 7 }, anchor: "a/b?c:d@e f" },
    { route: "users", parts: { id: 7 }, query: "a b&c=d/e?f" },
    { route: "users", parts: { id: 7 }, query: { a: [], b: "1" } },
    { route: "users", parts: { id: 7 }, query: { a: [] } },
    { route: "users", parts: { id: 7 }, query: [["a", "1"], ["a", "2"]] },
    { route: "users", parts: { id: 7 }, query: { k: null } },
    { route: "users", parts: { id: 7 }, elements: ["edit", "a/b", "c d"] },
    { route: "files", parts: { subpath: "a/b c/d" } },
    { route: "files", parts: { subpath: ["a/b", "c"] } },
    { route: "files", parts: {} },
    { route: "site", parts: { traverse: ["", "a", "b"] } },
    { route: "tp", parts: { traverse: "a/b" } },
    { route: "astar", parts: {} },
    { route: "api_empty", parts: {} },
    { route: "api_x", parts: { y: "1" } },
    { route: "api_inherit", parts: {} },
    { route: "api_slash", parts: {} },
    { route: "ext", parts: { page: "a b" }, query: { q: "1" } },
    { route: "ext2", parts: { file: "x.css" } },
    { route: "pena", parts: { city: "Québec" }, elements: ["é"] },
    { route: "old", parts: { baz: 1, buz: "two" } },
    { route: "nope", parts: {} },
    // From tests/test_url.py.
    { route: "users", parts: { id: 1 }, query: "(openlayers)" },
    { route: "users", parts: { id: 1 }, query: {} },
    { route: "users", parts: { id: 1 }, query: [] },
    { route: "users", parts: { id: 1 }, anchor: "La Peña" },
    { route: "users", parts: { id: 1 }, anchor: " /#?&+" },
    { route: "users", parts: { id: 1 }, query: { a: 1 }, anchor: "foo", elements: ["e1", "e2"] },
  ];
  for (const url of fixedUrls) cases.push({ kind: "url", ...url });
  for (let i = 0; i < 250; i++) {
    const route = g.pick(generated);
    const url: Extract<Case, { kind: "url" }> = {
      kind: "url",
      route: route.name,
      parts: g.parts(route.names, route.star),
    };
    if (g.chance(0.3)) url.elements = [g.value(), g.value()];
    if (g.chance(0.4)) url.query = g.query();
    if (g.chance(0.3)) url.anchor = g.value();
    cases.push(url);
  }

  // Dispatch: fixed URLs, URLs made from generated routes, and tree paths (traversal).
  const fixedDispatch = [
    "/users/42",
    "/users/4x",
    "/foo/1/biz/2/bar",
    "/files/..%2F..%2Fetc%2Fpasswd",
    "/files/a/./b//c",
    "/files/",
    "/rest/a/b",
    "/sub/a%2Fb%2F..%2Fc",
    "/site/a/b/c",
    "/site/a/b/c/view/more",
    "/site/a/@@edit/x",
    "/site/",
    "/site/a/caf%C3%A9/%E2%98%95",
    "/site/a/..%2F..%2Fdocs",
    "/tp/a",
    "/tp/docs",
    "/tr/a/b/zz/yy",
    "/tr/",
    "/a*b/c",
    "/api/",
    "/api",
    "/v1/x/1",
    "/p",
    "/p/",
    "/q/",
    "/La%20Pe%C3%B1a/Qu%C3%A9bec",
    "/",
    "/a/b/c",
    "/a/b/c/d/e",
    "/a/x%20y",
    "/docs/q%3F",
    "/100%25",
    "/s:t@u",
    "/docs/@@view/a",
    "/nothing/here",
    "/a/%FF",
    "/a%ZZ",
  ];
  const vroots = ["/site", "/site/a", "/a", "/a/b/", "/nothing", "/"];
  for (const url of fixedDispatch) {
    cases.push({ kind: "dispatch", url });
    cases.push({ kind: "dispatch", url, headers: { "X-Vhm-Root": g.pick(vroots) } });
  }
  const nodes = treePaths();
  for (let i = 0; i < 200; i++) {
    const roll = g.int(3);
    let url: string;
    if (roll === 0) {
      const route = g.pick(generated);
      const path = g.pathFor(route.pattern, route.names, route.star);
      url = g.encodedPath(path.split("/").slice(1));
    } else if (roll === 1) {
      const node = g.pick(nodes);
      const extra = g.chance(0.5) ? [g.pick(["@@v", "v", "x y", "."])] : [];
      url = g.encodedPath([...(g.chance(0.3) ? ["site"] : []), ...node, ...extra]);
    } else {
      url = g.encodedPath(Array.from({ length: 1 + g.int(3) }, () => g.value()));
    }
    const headers = g.chance(0.25) ? { "X-Vhm-Root": g.pick(vroots) } : undefined;
    cases.push(headers ? { kind: "dispatch", url, headers } : { kind: "dispatch", url });
  }

  // traverse(): from test_traversal.py's shapes, then random ones.
  const fixedTraverse: [string[], string | string[]][] = [
    [[], ""],
    [[], "/"],
    [[], "/a/b/c"],
    [[], "a/b"],
    [["a"], "b/c"],
    [["a"], "/docs"],
    [["a", "b"], ""],
    [["a", "b"], ["", "docs", "intro"]],
    [["a", "b"], ["c"]],
    [["a"], ["", "a", "x y"]],
    [[], ["a", "caf\u00e9", "\u2615"]],
    [[], "/a/caf%C3%A9/%E2%98%95"],
    [[], "/a/./b/../b/c"],
    [[], "/../a"],
    [[], "/a/@@edit/more"],
    [[], ["a", "b/c"]],
    [[], []],
    [[], "/docs/q%3F"],
  ];
  for (const [start, path] of fixedTraverse) cases.push({ kind: "traverse", start, path });
  for (let i = 0; i < 120; i++) {
    const node = g.pick(nodes);
    const start = g.chance(0.7) ? [] : g.pick(nodes);
    const tail = g.chance(0.4) ? [g.pick(["v", "@@v", "..", ".", ""]), g.value()] : [];
    const segments = [...node, ...tail];
    if (g.chance(0.5)) {
      cases.push({ kind: "traverse", start, path: g.chance(0.5) ? ["", ...segments] : segments });
    } else {
      const encoded = g.encodedPath(segments);
      cases.push({ kind: "traverse", start, path: g.chance(0.7) ? encoded : encoded.slice(1) });
    }
  }

  // resource_path / resource_url: test_url.py's shapes, then random ones.
  for (const node of nodes) {
    cases.push({ kind: "resource", node });
    cases.push({
      kind: "resource",
      node,
      elements: [g.value(), g.value()],
      query: g.query(),
      anchor: g.value(),
    });
    cases.push({ kind: "resource", node, headers: { "X-Vhm-Root": g.pick(vroots) } });
  }
  cases.push({ kind: "resource", node: ["a", "b"], anchor: "" });
  // From tests/test_url.py.
  for (
    const extra of [
      { elements: ["@@myview"] },
      { elements: ["a b c"] },
      { elements: ["a"], query: "(openlayers)" },
      { elements: ["a"], query: { a: "La Peña" } },
      { elements: ["a"], query: [["a", "hi there"], ["b", "La Peña"]] },
      { elements: ["a"], query: [] },
      { anchor: "a" },
      { elements: ["a"], anchor: "b" },
      { elements: ["a"], query: { b: "c" }, anchor: "d" },
      { anchor: "La Peña" },
      { anchor: " /#?&+" },
    ]
  ) cases.push({ kind: "resource", node: ["docs"], ...extra });
  cases.push({ kind: "resource", node: ["ab", "z"], headers: { "X-Vhm-Root": "/a" } });
  cases.push({ kind: "resource", node: ["a", "b"], query: "a b&c" });
  cases.push({ kind: "resource", node: ["a", "b"], query: { a: "hi there", b: null } });
  cases.push({ kind: "resource", node: ["a", "b"], elements: ["a/b", "c d", "~!$&'()*+,;=:@"] });

  // HTTP exceptions: every status code.
  for (let status = 100; status < 600; status++) cases.push({ kind: "status", status });
  return { routes, cases };
}
