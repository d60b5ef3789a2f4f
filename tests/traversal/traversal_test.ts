import assert from "node:assert/strict";
import {
  findInterface,
  findRoot,
  lineage,
  type Resource,
  resourcePath,
  resourcePathTuple,
  resourceUrl,
  traverse,
} from "../../src/traversal/mod.ts";
import { HTTPBadRequest } from "../../src/httpexceptions.ts";

/** A container that is a Map, as the design promises works. */
class Folder extends Map<string, Resource> implements Resource {
  __name__: string;
  __parent__: Resource | null;
  constructor(name = "", parent: Resource | null = null) {
    super();
    this.__name__ = name;
    this.__parent__ = parent;
  }
  add<R extends Resource>(name: string, child: R): R {
    child.__name__ = name;
    child.__parent__ = this;
    this.set(name, child);
    return child;
  }
  folder(name: string): Folder {
    return this.add(name, new Folder());
  }
}

/** A container whose lookups are async, like a database-backed one. */
class AsyncFolder implements Resource {
  __name__ = "";
  __parent__: Resource | null = null;
  #children = new Map<string, Resource>();
  lookups: string[] = [];
  add<R extends Resource>(name: string, child: R): R {
    child.__name__ = name;
    child.__parent__ = this;
    this.#children.set(name, child);
    return child;
  }
  async get(key: string): Promise<Resource | undefined> {
    this.lookups.push(key);
    await new Promise((resolve) => setTimeout(resolve, 1));
    return this.#children.get(key);
  }
}

/** A leaf: no `get`. */
class Document implements Resource {
  __name__ = "";
  __parent__: Resource | null = null;
}

class Blog extends Folder {}

function tree() {
  const root = new Folder();
  const docs = root.folder("docs");
  const guide = docs.folder("guide");
  const page = guide.add("intro", new Document());
  const unicode = root.add("café ☕", new Document());
  const spaced = root.add("a b/c", new Document());
  const blog = root.add("blog", new Blog());
  const post = blog.add("hello", new Document());
  const lazy = root.add("lazy", new AsyncFolder());
  const lazyChild = lazy.add("child", new Document());
  return { root, docs, guide, page, unicode, spaced, blog, post, lazy, lazyChild };
}

Deno.test("the empty path and / give the root with no view name", async () => {
  const { root } = tree();
  for (const path of ["", "/", "//", "/./", [] as string[]]) {
    const found = await traverse(root, path);
    assert.equal(found.context, root, JSON.stringify(path));
    assert.equal(found.viewName, "");
    assert.deepEqual(found.subpath, []);
    assert.deepEqual(found.traversed, []);
    assert.equal(found.root, root);
    assert.equal(found.virtualRoot, root);
    assert.equal(found.virtualRootPath, "/");
  }
});

Deno.test("sync get through a Map subclass reaches the context", async () => {
  const { root, page } = tree();
  const found = await traverse(root, "/docs/guide/intro");
  assert.equal(found.context, page);
  assert.equal(found.viewName, "");
  assert.deepEqual(found.traversed, ["docs", "guide", "intro"]);
});

Deno.test("a plain-object container with a sync get works too", async () => {
  const leaf: Resource = { __name__: "leaf", __parent__: null };
  const root: Resource = {
    __name__: "",
    __parent__: null,
    get: (key) => (key === "leaf" ? leaf : undefined),
  };
  leaf.__parent__ = root;
  assert.equal((await traverse(root, "/leaf")).context, leaf);
  const missing = await traverse(root, "/nope");
  assert.equal(missing.context, root);
  assert.equal(missing.viewName, "nope");
});

Deno.test("async get is awaited, one lookup per segment", async () => {
  const { root, lazy, lazyChild } = tree();
  const found = await traverse(root, "/lazy/child/view/x");
  assert.equal(found.context, lazyChild);
  assert.equal(found.viewName, "view");
  assert.deepEqual(found.subpath, ["x"]);
  assert.deepEqual(found.traversed, ["lazy", "child"]);
  assert.deepEqual(lazy.lookups, ["child"]);
  const miss = await traverse(root, "/lazy/gone/more");
  assert.equal(miss.context, lazy);
  assert.equal(miss.viewName, "gone");
  assert.deepEqual(miss.subpath, ["more"]);
});

Deno.test("a get that returns a Promise of null is 'no child'", async () => {
  const root: Resource = { __name__: "", get: () => Promise.resolve(null) };
  const found = await traverse(root, "/x");
  assert.equal(found.context, root);
  assert.equal(found.viewName, "x");
});

Deno.test("errors thrown by get propagate", async () => {
  const root: Resource = {
    get() {
      throw new Error("database down");
    },
  };
  await assert.rejects(() => traverse(root, "/x"), /database down/);
});

Deno.test("view name and subpath after the last resource", async () => {
  const { root, docs, page } = tree();
  const found = await traverse(root, "/docs/edit/a/b");
  assert.equal(found.context, docs);
  assert.equal(found.viewName, "edit");
  assert.deepEqual(found.subpath, ["a", "b"]);
  assert.deepEqual(found.traversed, ["docs"]);
  // A leaf has no get: the next segment is the view name.
  const leaf = await traverse(root, "/docs/guide/intro/print/2");
  assert.equal(leaf.context, page);
  assert.equal(leaf.viewName, "print");
  assert.deepEqual(leaf.subpath, ["2"]);
});

Deno.test("@@name selects a view and stops traversal even if a child exists", async () => {
  const { root, docs } = tree();
  const found = await traverse(root, "/docs/@@guide/x");
  assert.equal(found.context, docs);
  assert.equal(found.viewName, "guide");
  assert.deepEqual(found.subpath, ["x"]);
  assert.deepEqual(found.traversed, ["docs"]);
  const encoded = await traverse(root, "/docs/%40%40edit");
  assert.equal(encoded.viewName, "edit");
  const bare = await traverse(root, "/@@");
  assert.equal(bare.context, root);
  assert.equal(bare.viewName, "");
});

Deno.test("`.` is ignored and `..` pops before lookup", async (t) => {
  const { root, docs, guide, page } = tree();
  const cases: [string, Resource, string][] = [
    ["/docs/./guide", guide, ""],
    ["/docs/guide/..", docs, ""],
    ["/docs/guide/../guide/intro", page, ""],
    ["/../../docs", docs, ""],
    ["/docs/%2e%2e/docs", docs, ""],
    ["/docs/%2E/guide", guide, ""],
    ["/docs//guide/", guide, ""],
    ["/docs/nope/../guide", guide, ""],
  ];
  for (const [path, context, viewName] of cases) {
    await t.step(path, async () => {
      const found = await traverse(root, path);
      assert.equal(found.context, context);
      assert.equal(found.viewName, viewName);
    });
  }
});

Deno.test("percent-encoded segments are decoded, unicode included", async () => {
  const { root, unicode, spaced } = tree();
  const found = await traverse(root, "/caf%C3%A9%20%E2%98%95");
  assert.equal(found.context, unicode);
  assert.deepEqual(found.traversed, ["café ☕"]);
  // An encoded slash stays inside its segment.
  assert.equal((await traverse(root, "/a%20b%2Fc")).context, spaced);
  const view = await traverse(root, "/caf%C3%A9%20%E2%98%95/%C3%BCber/%E2%82%AC");
  assert.equal(view.viewName, "über");
  assert.deepEqual(view.subpath, ["€"]);
});

Deno.test("an undecodable segment is an HTTPBadRequest naming it", async (t) => {
  const { root } = tree();
  for (const path of ["/docs/%", "/docs/%zz", "/%E9t%E9", "/%C0%AE", "/docs/ok/%FF/x"]) {
    await t.step(path, async () => {
      await assert.rejects(
        () => traverse(root, path),
        (error: unknown) => {
          assert.ok(error instanceof HTTPBadRequest);
          assert.equal(error.status, 400);
          assert.match(error.message, /percent-encoded UTF-8/);
          return true;
        },
      );
    });
  }
  // The tree is unharmed: the next traversal works.
  assert.equal((await traverse(root, "/docs")).viewName, "");
});

Deno.test("an array path is already decoded (a *traverse route)", async () => {
  const { root, unicode, guide, spaced } = tree();
  assert.equal((await traverse(root, ["café ☕"])).context, unicode);
  assert.equal((await traverse(root, ["docs", ".", "guide"])).context, guide);
  assert.equal((await traverse(root, ["docs", "guide", "..", "guide"])).context, guide);
  // No second decoding: "%41" is a literal name here.
  const literal = await traverse(root, ["docs", "%41"]);
  assert.equal(literal.viewName, "%41");
  // Joined and re-split, as Pyramid does with *traverse elements.
  const split = await traverse(root, ["a b/c"]);
  assert.notEqual(split.context, spaced);
  assert.equal(split.viewName, "a b");
  assert.deepEqual(split.subpath, ["c"]);
});

Deno.test("relative string paths start at the given resource, absolute at its root", async () => {
  const { root, docs, guide, page } = tree();
  assert.equal((await traverse(docs, "guide/intro")).context, page);
  assert.equal((await traverse(guide, "/docs")).context, docs);
  assert.equal((await traverse(guide, "/docs")).root, root);
});

Deno.test("a root that is not an object is a TypeError that says what to do", async () => {
  await assert.rejects(() => traverse(null, "/"), /root factory return an object/);
});

Deno.test("virtual root: the path is traversed below X-Vhm-Root", async () => {
  const root = new Folder();
  const sites = root.folder("sites");
  const site = sites.folder("example site");
  const about = site.folder("about");
  const found = await traverse(root, "/about/team/x", {
    virtualRootPath: "/sites/example%20site/",
  });
  assert.equal(found.context, about);
  assert.equal(found.viewName, "team");
  assert.deepEqual(found.subpath, ["x"]);
  assert.equal(found.virtualRoot, site);
  assert.equal(found.virtualRootPath, "/sites/example%20site");
  assert.deepEqual(found.traversed, ["sites", "example site", "about"]);
  assert.equal(found.root, root);
  const atRoot = await traverse(root, "/", { virtualRootPath: "/sites/example%20site" });
  assert.equal(atRoot.context, site);
  assert.equal(atRoot.virtualRoot, site);
  // URLs generated under that virtual root leave its path out.
  assert.equal(
    resourceUrl(about, {
      base: "https://example.com",
      virtualRootPath: "/sites/example%20site",
    }),
    "https://example.com/about/",
  );
  const none = await traverse(root, "/sites", { virtualRootPath: "/" });
  assert.equal(none.virtualRoot, root);
  assert.equal(none.virtualRootPath, "/");
});

Deno.test("resourcePath and resourcePathTuple, and the round trip through traverse", async (t) => {
  const { root, docs, page, unicode, spaced, lazyChild } = tree();
  assert.equal(resourcePath(root), "/");
  assert.deepEqual(resourcePathTuple(root), [""]);
  assert.equal(resourcePath(docs), "/docs");
  assert.equal(resourcePath(page), "/docs/guide/intro");
  assert.deepEqual(resourcePathTuple(page, "x y"), ["", "docs", "guide", "intro", "x y"]);
  assert.equal(resourcePath(docs, "edit", "a b"), "/docs/edit/a%20b");
  assert.equal(resourcePath(root, "favicon.ico"), "/favicon.ico");
  assert.equal(resourcePath(unicode), "/caf%C3%A9%20%E2%98%95");
  assert.equal(resourcePath(spaced), "/a%20b%2Fc");
  assert.equal(resourcePath(root, "a:b@c$d;e=f+g,h&i"), "/a:b@c$d;e=f+g,h&i");
  for (const resource of [root, docs, page, unicode, spaced, lazyChild]) {
    await t.step(resourcePath(resource), async () => {
      const found = await traverse(root, resourcePath(resource));
      assert.equal(found.context, resource);
      assert.equal(found.viewName, "");
    });
  }
});

Deno.test("resourceUrl: trailing slash, elements, query and anchor", () => {
  const { root, docs, unicode } = tree();
  const base = "http://localhost:6543";
  assert.equal(resourceUrl(root, { base }), "http://localhost:6543/");
  assert.equal(resourceUrl(docs, { base }), "http://localhost:6543/docs/");
  assert.equal(resourceUrl(docs, { base: base + "/" }), "http://localhost:6543/docs/");
  assert.equal(resourceUrl(docs, { base: base + "/app" }), "http://localhost:6543/app/docs/");
  assert.equal(
    resourceUrl(docs, { base, elements: ["edit", "a b"] }),
    "http://localhost:6543/docs/edit/a%20b",
  );
  assert.equal(
    resourceUrl(unicode, { base }),
    "http://localhost:6543/caf%C3%A9%20%E2%98%95/",
  );
  assert.equal(
    resourceUrl(docs, { base, query: { q: "a b&c", tag: ["x", "y"] }, anchor: "top part" }),
    "http://localhost:6543/docs/?q=a+b%26c&tag=x&tag=y#top%20part",
  );
  assert.equal(
    resourceUrl(docs, { base, query: new URLSearchParams([["a", "1"], ["a", "2"]]) }),
    "http://localhost:6543/docs/?a=1&a=2",
  );
  assert.equal(resourceUrl(docs, { base, query: [["k", "v"]] }), "http://localhost:6543/docs/?k=v");
  assert.equal(resourceUrl(docs, { base, query: {} }), "http://localhost:6543/docs/");
});

Deno.test("lineage, findRoot and findInterface", () => {
  const { root, docs, guide, page, blog, post } = tree();
  assert.deepEqual([...lineage(page)], [page, guide, docs, root]);
  assert.deepEqual([...lineage(root)], [root]);
  assert.equal(findRoot(page), root);
  assert.equal(findRoot(root), root);
  assert.equal(findInterface(post, Blog), blog);
  assert.equal(findInterface(blog, Blog), blog);
  assert.equal(findInterface(page, Blog), undefined);
  assert.equal(findInterface(page, Folder), guide);
  const a: Resource = { __name__: "a" };
  const b: Resource = { __name__: "b", __parent__: a };
  a.__parent__ = b;
  assert.throws(() => [...lineage(a)], /loops back on itself/);
});

Deno.test("an array path starting with '' is absolute, as a resourcePathTuple is", async () => {
  const { root, docs, guide, page } = tree();
  assert.equal((await traverse(page, ["", "docs", "guide"])).context, guide);
  assert.equal((await traverse(page, resourcePathTuple(docs))).context, docs);
  assert.equal((await traverse(guide, ["", "docs"])).root, root);
  // Without the leading "", the path is relative to the resource given.
  assert.equal((await traverse(docs, ["guide", "intro"])).context, page);
  assert.equal((await traverse(docs, ["docs"])).viewName, "docs");
});
