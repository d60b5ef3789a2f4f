// Differential test against Pyramid itself (Debian's python3-pyramid, Pyramid 2.0): the same
// cases go through our public API and, in one Python process, through Pyramid's real
// `_compile_route`, `RoutesMapper` + `ResourceTreeTraverser`, `traverse`, `resource_path`,
// `route_url`/`route_path`, `resource_url` and `httpexceptions.status_map`. Every difference
// must be one listed, with its reason, in the README's "Differences from Pyramid".
import assert from "node:assert/strict";
import {
  Configurator,
  HTTPClientError,
  HTTPError,
  HTTPRedirection,
  HTTPServerError,
  HTTPSuccessful,
  PyramidRequest,
  type Resource,
  resourcePath,
  resourceUrl,
  statusMap,
  traverse,
} from "@aio/pyramid";
import { compilePattern } from "../../src/routing/pattern.ts";
import { buildCases, type Case, TREE, type TreeSpec } from "./_differential_cases.ts";

const PYTHON = "/usr/bin/python3";
const ORACLE = new URL("./fixtures/pyramid_oracle.py", import.meta.url).pathname;
const BASE = "http://example.com:8080";
const SEED = 20261128;

async function run(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

// Pyramid must be there: install it when missing (as root), else skip saying why.
async function pyramidAvailable(): Promise<string | undefined> {
  if (await run(PYTHON, ["-c", "import pyramid.urldispatch"])) return undefined;
  if (Deno.uid() === 0 && await run("apt-get", ["install", "-y", "python3-pyramid"])) {
    if (await run(PYTHON, ["-c", "import pyramid.urldispatch"])) return undefined;
  }
  return `Pyramid is not importable by ${PYTHON} and 'apt-get install -y python3-pyramid' ` +
    `was not possible here; install python3-pyramid to run the differential test.`;
}

const skipReason = await pyramidAvailable();
if (skipReason) console.log(`pyramid_differential_test skipped: ${skipReason}`);

// --- our side --------------------------------------------------------------------------------

class Folder extends Map<string, Resource> implements Resource {
  constructor(public __name__: string, public __parent__: Resource | null) {
    super();
  }
}

class Leaf implements Resource {
  constructor(public __name__: string, public __parent__: Resource | null) {}
}

function buildTree(
  spec: TreeSpec,
  name: string,
  parent: Resource | null,
  index: Map<Resource, string[]>,
  at: string[],
): Resource {
  const node: Resource = spec.children ? new Folder(name, parent) : new Leaf(name, parent);
  index.set(node, at);
  for (const [childName, child] of Object.entries(spec.children ?? {})) {
    (node as Folder).set(childName, buildTree(child, childName, node, index, [...at, childName]));
  }
  return node;
}

function find(root: Resource, names: string[]): Resource {
  let node = root;
  for (const name of names) node = (node as Folder).get(name)!;
  return node;
}

// Pyramid's split_path_info, to compare a star value (our string) with Pyramid's tuple.
function splitPathInfo(path: string): string[] {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return out;
}

type Result = { ok: unknown } | { error: string };

function attempt(fn: () => unknown): Result {
  try {
    return { ok: fn() };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

async function attemptAsync(fn: () => Promise<unknown>): Promise<Result> {
  try {
    return { ok: await fn() };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

interface Ours {
  root: Resource;
  index: Map<Resource, string[]>;
  request: PyramidRequest;
  dispatch(url: string, headers?: Record<string, string>): Promise<Result>;
  close(): Promise<void>;
}

async function ourSide(routes: ReturnType<typeof buildCases>["routes"]): Promise<Ours> {
  const index = new Map<Resource, string[]>();
  const root = buildTree(TREE, "", null, index, []);
  const config = new Configurator({ rootFactory: () => root });
  for (const route of routes) {
    const add = (c: Pick<Configurator, "addRoute">) =>
      c.addRoute(route.name, route.pattern, {
        factory: () => root,
        inheritSlash: route.inheritSlash,
      });
    if (route.prefix !== undefined) await config.include(add, { routePrefix: route.prefix });
    else add(config);
  }
  // A traversal view, so that paths no route matches are traversed.
  config.addView(async () => new Response("traversal"));
  // Reads what routing and traversal put on the request, whatever the view lookup says next.
  config.addTween(function captureFactory(handler) {
    return async function capture(request: PyramidRequest): Promise<Response> {
      let failure: unknown;
      let status = 0;
      try {
        const response = await handler(request);
        status = response.status;
        await response.body?.cancel();
      } catch (error) {
        failure = error;
      }
      if (request.context === undefined) {
        // Routing failed before traversal: the excview tween below made it a response.
        const name = (failure as Error | undefined)?.name ??
          (status === 400 ? "HTTPBadRequest" : `status ${status}`);
        return Response.json({ error: name });
      }
      const route = request.matchedRoute;
      const matchdict: Record<string, unknown> | null = route ? { ...request.matchdict } : null;
      if (route && matchdict && route.compiled.starName !== undefined) {
        const star = route.compiled.starName;
        matchdict[star] = splitPathInfo(String(matchdict[star]));
      }
      return Response.json({
        ok: {
          route: route?.name ?? null,
          matchdict,
          context: index.get(request.context as Resource) ?? ["?"],
          view_name: request.viewName,
          subpath: request.subpath,
          traversed: request.traversed,
          virtual_root: index.get(request.virtualRoot as Resource) ?? ["?"],
        },
      });
    };
  });
  const app = await config.makeApp();
  const request = new PyramidRequest(new Request(BASE + "/"), app.registry);
  return {
    root,
    index,
    request,
    async dispatch(url, headers) {
      const response = await app.fetch(new Request(BASE + url, { headers }));
      if (response.status === 400) {
        await response.body?.cancel();
        return { error: "HTTPBadRequest" };
      }
      return await response.json();
    },
    close: () => app.close(),
  };
}

function matchOurs(pattern: string, path: string): Result {
  return attempt(() => {
    const compiled = compilePattern(pattern);
    const dict: Record<string, unknown> | null = compiled.match(path);
    if (dict && compiled.starName !== undefined) {
      dict[compiled.starName] = splitPathInfo(String(dict[compiled.starName]));
    }
    return dict;
  });
}

function urlOurs(request: PyramidRequest, c: Extract<Case, { kind: "url" }>): Result {
  const options = {
    parts: c.parts,
    elements: c.elements,
    query: c.query as never,
    anchor: c.anchor,
  };
  const url = attempt(() => request.routeUrl(c.route, options));
  if ("error" in url) return url;
  const path = attempt(() => request.routePath(c.route, options));
  // The exception's name differs (KeyError, ValueError): failing is what is compared.
  return { ok: { url: url.ok, path: "error" in path ? { error: "E" } : path.ok } };
}

const KINDS = [HTTPSuccessful, HTTPRedirection, HTTPError, HTTPClientError, HTTPServerError];

function statusOurs(status: number): Result {
  const Class = statusMap.get(status);
  if (Class === undefined) return { ok: null };
  const error = new Class({ location: "/" });
  return {
    ok: {
      name: Class.name,
      code: error.status,
      title: error.title,
      kinds: KINDS.filter((kind) => error instanceof kind).map((kind) => kind.name),
    },
  };
}

async function answer(ours: Ours, c: Case): Promise<Result> {
  switch (c.kind) {
    case "match":
      return matchOurs(c.pattern, c.path);
    case "generate":
      return attempt(() => compilePattern(c.pattern).generate(c.parts));
    case "url":
      return urlOurs(ours.request, c);
    case "dispatch":
      return await ours.dispatch(new URL(c.url, BASE).pathname, c.headers);
    case "traverse":
      return await attemptAsync(async () => {
        const found = await traverse(find(ours.root, c.start), c.path);
        return {
          context: ours.index.get(found.context) ?? ["?"],
          view_name: found.viewName,
          subpath: found.subpath,
          traversed: found.traversed,
        };
      });
    case "resource": {
      const node = find(ours.root, c.node);
      return attempt(() => ({
        path: resourcePath(node, ...(c.elements ?? [])),
        url: resourceUrl(node, {
          base: BASE,
          elements: c.elements,
          query: c.query as never,
          anchor: c.anchor,
          virtualRootPath: c.headers?.["X-Vhm-Root"],
        }),
      }));
    }
    case "status":
      return statusOurs(c.status);
  }
}

// --- known, deliberate differences (each is in README.md "Differences from Pyramid") ----------

interface Known {
  /** Text that README.md's "Differences from Pyramid" section must contain. */
  readme: string;
  /** Whether this difference explains the case's two answers. */
  explains(c: Case, ours: Result, theirs: Result): boolean;
}

const hasPct2F = (s: string) => /%2f/i.test(s);
const okOf = (r: Result) => ("ok" in r ? r.ok : undefined) as Record<string, unknown> | undefined;

const KNOWN: Record<string, Known> = {
  "malformed-pattern": {
    readme: "Malformed patterns",
    explains: (c, ours) =>
      (c.kind === "match" || c.kind === "generate") && "error" in ours &&
      ours.error === "ConfigurationError" && /\{[^}]*:\}|\{[^}]*$|^[^{]*\}|\{\}/.test(c.pattern),
  },
  "pct2F-segment": {
    readme: "`%2F` inside a traversal segment",
    explains: (c, ours, theirs) =>
      (c.kind === "dispatch" && hasPct2F(c.url) && okOf(ours)?.route === null &&
        okOf(theirs)?.route === null) ||
      (c.kind === "traverse" && typeof c.path === "string" && hasPct2F(c.path)),
  },
  "js-regex": {
    readme: "regexes are JavaScript's",
    explains: (c) =>
      c.kind === "match" &&
      ((/\\[wdsb]/i.test(c.pattern) && /[^ -~]/.test(c.path.replace(/\n$/, ""))) ||
        c.path.endsWith("\n")),
  },
  "traverse-placeholder-vroot": {
    readme: "`{traverse}` below `X-Vhm-Root`",
    explains: (c, ours, theirs) => {
      if (c.kind !== "dispatch" || !c.headers?.["X-Vhm-Root"]) return false;
      const a = okOf(ours), b = okOf(theirs);
      const traverse = (a?.matchdict as Record<string, unknown> | null)?.traverse;
      return !!b && a?.route === b.route && typeof traverse === "string" &&
        !traverse.startsWith("/") && traverse !== "";
    },
  },
  "traversed-vroot": {
    readme: "`traversed` under `X-Vhm-Root`",
    explains: (c, ours, theirs) => {
      if (c.kind !== "dispatch" || !c.headers?.["X-Vhm-Root"]) return false;
      const a = okOf(ours), b = okOf(theirs);
      if (!a || !b) return false;
      const rest = (r: Record<string, unknown>) => JSON.stringify({ ...r, traversed: null });
      return rest(a) === rest(b);
    },
  },
  "vroot-string-prefix": {
    readme: "string prefix of a virtual root",
    explains: (c, ours, theirs) => {
      if (c.kind !== "resource" || !c.headers?.["X-Vhm-Root"]) return false;
      const physical = resourcePathOf(c.node);
      const vroot = c.headers["X-Vhm-Root"].replace(/\/+$/, "");
      const segmentAligned = physical === vroot || physical.startsWith(vroot + "/");
      return vroot !== "" && physical.startsWith(vroot) && !segmentAligned &&
        (okOf(ours)?.path === okOf(theirs)?.path);
    },
  },
  "vroot-dotdot": {
    readme: "`..` never climbs above the virtual root",
    explains: (c) =>
      c.kind === "dispatch" && !!c.headers?.["X-Vhm-Root"] &&
      /(^|\/)(\.\.|%2e%2e)(\/|%2f|$)|%2f\.\.|\.\.%2f/i.test(c.url),
  },
  "malformed-percent": {
    readme: "malformed `%` escape is a 400",
    explains: (c, ours) =>
      c.kind === "dispatch" && "error" in ours && ours.error === "HTTPBadRequest" &&
      /%(?![0-9A-Fa-f]{2})/.test(c.url),
  },
  "status-520": {
    readme: "520",
    explains: (c) => c.kind === "status" && c.status === 520,
  },
};

function resourcePathOf(names: string[]): string {
  return "/" + names.map((n) => encodeURIComponent(n)).join("/") + (names.length ? "/" : "");
}

// Both failing is agreement whatever the exception's name (KeyError vs ConfigurationError).
function same(ours: Result, theirs: Result): boolean {
  if ("error" in ours && "error" in theirs) return true;
  return JSON.stringify(ours) === JSON.stringify(theirs);
}

Deno.test({
  name: "URL dispatch, URL generation, traversal and HTTP exceptions agree with Pyramid 2.0",
  ignore: skipReason !== undefined,
  async fn() {
    const { routes, cases } = buildCases(SEED);
    assert.ok(cases.length >= 1000, `only ${cases.length} cases`);
    // Dispatch cases: Pyramid gets the path our app sees (Deno resolves dot segments first).
    const forPyramid = cases.map((c) =>
      c.kind === "dispatch" ? { ...c, url: new URL(c.url, BASE).pathname } : c
    );
    const child = new Deno.Command(PYTHON, {
      args: [ORACLE],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(
      new TextEncoder().encode(JSON.stringify({ tree: TREE, routes, cases: forPyramid })),
    );
    await writer.close();
    const output = await child.output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const { results } = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      results: Result[];
    };
    assert.equal(results.length, cases.length);

    const ours = await ourSide(routes);
    const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
    const section = readme.slice(readme.indexOf("## Differences from Pyramid"));
    assert.ok(readme.includes("## Differences from Pyramid"), "README has the section");
    const unlisted: string[] = [];
    const used = new Map<string, number>();
    const byKind = new Map<string, number>();
    try {
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i];
        byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
        const mine = await answer(ours, c);
        const theirs = results[i];
        if (same(mine, theirs)) continue;
        const key = Object.keys(KNOWN).find((k) => KNOWN[k].explains(c, mine, theirs));
        if (key === undefined) {
          unlisted.push(
            `${JSON.stringify(c)}\n    ours:    ${JSON.stringify(mine)}\n    pyramid: ${
              JSON.stringify(theirs)
            }`,
          );
        } else {
          used.set(key, (used.get(key) ?? 0) + 1);
        }
      }
    } finally {
      await ours.close();
    }
    console.log(
      `${cases.length} cases (${[...byKind].map(([k, n]) => `${k} ${n}`).join(", ")}); ` +
        `listed differences: ${[...used].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}`,
    );
    assert.equal(
      unlisted.length,
      0,
      `${unlisted.length} unlisted differences:\n${unlisted.slice(0, 40).join("\n")}`,
    );
    for (const key of used.keys()) {
      assert.ok(section.includes(KNOWN[key].readme), `README lists '${KNOWN[key].readme}'`);
    }
  },
});
