// ACLs: ACLHelper and ACLAuthorizationPolicy — arrays, functions and async functions as
// __acl__, inheritance through __parent__, DENY_ALL, ALL_PERMISSIONS, the results' fields,
// principalsAllowedByPermission — and a differential run against Pyramid's ACLHelper.

import assert from "node:assert/strict";
import {
  type ACE,
  type ACL,
  ACLAllowed,
  ACLAuthorizationPolicy,
  ACLDenied,
  ACLHelper,
  ALL_PERMISSIONS,
  Allow,
  Authenticated,
  Deny,
  DENY_ALL,
  Everyone,
} from "../../mod.ts";
import { pyramidMissing, PYTHON } from "./_helpers.ts";

const helper = new ACLHelper();

function tree() {
  const root = {
    __name__: "",
    __parent__: null,
    __acl__: [[Allow, Everyone, "view"], [Allow, "group:admins", ALL_PERMISSIONS]] as ACL,
  };
  const wiki = {
    __name__: "wiki",
    __parent__: root,
    __acl__() {
      return [[Allow, "group:editors", ["edit", "create"]]] as ACL;
    },
  };
  const page = {
    __name__: "secret",
    __parent__: wiki,
    async __acl__() {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return [[Deny, "bob", "view"], [Allow, "group:editors", "publish"]] as ACL;
    },
  };
  const noAcl = { __name__: "plain", __parent__: page };
  return { root, wiki, page, noAcl };
}

Deno.test("a plain array ACL answers synchronously with the deciding ACE", () => {
  const { root } = tree();
  const result = helper.permits(root, [Everyone], "view");
  assert.ok(result instanceof ACLAllowed);
  assert.equal(result.allowed, true);
  assert.deepEqual(result.ace, [Allow, Everyone, "view"]);
  assert.equal(result.acl, root.__acl__);
  assert.equal(result.context, root);
  assert.equal(result.permission, "view");
  assert.deepEqual(result.principals, [Everyone]);
  assert.match(
    result.msg,
    /^ACLAllowed permission "view" via ACE \["Allow","system.Everyone","view"\]/,
  );
});

Deno.test("function __acl__ is called with the resource as this; inheritance walks __parent__", () => {
  const { wiki } = tree();
  const editor = [Everyone, Authenticated, "ann", "group:editors"];
  const edit = helper.permits(wiki, editor, "edit") as ACLAllowed;
  assert.equal(edit.allowed, true);
  assert.equal(edit.context, wiki);
  const view = helper.permits(wiki, [Everyone], "view") as ACLAllowed;
  assert.equal(view.allowed, true, "inherited from the root");
  assert.equal(view.context, wiki.__parent__);
  const denied = helper.permits(wiki, [Everyone, Authenticated], "edit") as ACLDenied;
  assert.ok(denied instanceof ACLDenied);
  assert.equal(denied.ace, "<default deny>");
  assert.equal(denied.context, wiki, "a default deny names the context asked about");
  const admin = helper.permits(wiki, [Everyone, "group:admins"], "anything at all");
  assert.equal((admin as ACLAllowed).allowed, true, "ALL_PERMISSIONS covers every name");
});

Deno.test("async __acl__ is awaited natively, and a Deny in it beats an inherited Allow", async () => {
  const { page, noAcl } = tree();
  const pending = helper.permits(page, [Everyone, Authenticated, "bob"], "view");
  assert.ok(pending instanceof Promise, "an async ACL makes the check async");
  const bob = await pending;
  assert.ok(bob instanceof ACLDenied);
  assert.deepEqual(bob.ace, [Deny, "bob", "view"]);
  assert.equal(bob.context, page);
  const ann = await helper.permits(noAcl, [Everyone, Authenticated, "ann"], "view");
  assert.equal(ann.allowed, true);
  assert.equal(ann.context, page.__parent__.__parent__, "decided by the root, two ACLs up");
  const publish = await helper.permits(noAcl, [Everyone, "group:editors"], "publish");
  assert.equal(publish.allowed, true);
  assert.equal(publish.context, page);
});

Deno.test("DENY_ALL is one ACE that stops inheritance", async () => {
  assert.equal(DENY_ALL.length, 3);
  assert.deepEqual([DENY_ALL[0], DENY_ALL[1]], [Deny, Everyone]);
  assert.ok(Object.isFrozen(DENY_ALL));
  const { root } = tree();
  const closed = {
    __name__: "closed",
    __parent__: root,
    __acl__: [[Allow, "ann", "view"], DENY_ALL],
  };
  assert.equal((await helper.permits(closed, [Everyone, "ann"], "view")).allowed, true);
  const other = await helper.permits(closed, [Everyone, "group:admins"], "view");
  assert.equal(other.allowed, false);
  assert.equal(other.ace, DENY_ALL);
  assert.deepEqual([...await helper.principalsAllowedByPermission(closed, "view")], ["ann"]);
});

Deno.test("principalsAllowedByPermission walks from the root down, async ACLs included", async () => {
  const { wiki, page } = tree();
  assert.deepEqual(
    [...await helper.principalsAllowedByPermission(wiki, "edit")].sort(),
    ["group:admins", "group:editors"],
  );
  const view = await helper.principalsAllowedByPermission(page, "view");
  assert.deepEqual(
    [...view].sort(),
    ["group:admins", Everyone],
    "a Deny removes only the principal it names",
  );
  const policy = new ACLAuthorizationPolicy();
  assert.deepEqual([...await policy.principalsAllowedByPermission(page, "publish")].sort(), [
    "group:admins",
    "group:editors",
  ]);
  assert.equal((await policy.permits(page, [Everyone], "view")).allowed, true);
});

Deno.test("contexts without ACLs, and non-objects, are a default deny", async () => {
  const none = helper.permits({ __name__: "x", __parent__: null }, [Everyone], "view");
  assert.equal((none as ACLDenied).allowed, false);
  assert.equal((none as ACLDenied).acl, "<No ACL found on any object in resource lineage>");
  assert.equal((helper.permits(undefined, [Everyone], "view") as ACLDenied).allowed, false);
  assert.equal((helper.permits("a string", [Everyone], "view") as ACLDenied).allowed, false);
  const empty = await helper.principalsAllowedByPermission(null, "view");
  assert.equal(empty.size, 0);
});

Deno.test("a malformed __acl__ is an error that says what an ACE looks like", async () => {
  assert.throws(
    () => helper.permits({ __name__: "bad", __acl__: 7 }, [Everyone], "view"),
    /__acl__ of resource 'bad' is number.*\[\[Allow, Everyone, "view"\]\]/,
  );
  assert.throws(
    () => helper.permits({ __name__: "bad", __acl__: [["Maybe", Everyone, "view"]] }, [], "view"),
    /is not an ACE/,
  );
  await assert.rejects(
    async () => await helper.permits({ __name__: "a", __acl__: async () => "nope" }, [], "v"),
    /__acl__ of resource 'a' is string/,
  );
});

// --- differential against Pyramid's ACLHelper -------------------------------------------

const missing = pyramidMissing();
if (missing) console.log(`acl_test differential: skipped, ${missing}`);

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

Deno.test({
  name: "500 random lineages decide like Pyramid's ACLHelper (array, function, async __acl__)",
  ignore: missing !== null,
  async fn() {
    const rnd = random(20261128);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
    const PRINCIPALS = [Everyone, Authenticated, "ann", "bob", "group:editors"];
    const PERMISSIONS = ["view", "edit", "delete"];
    const cases = Array.from({ length: 500 }, () => {
      const lineage = Array.from(
        { length: 1 + Math.floor(rnd() * 4) },
        () =>
          rnd() < 0.2 ? null : Array.from({ length: Math.floor(rnd() * 4) }, () => {
            const perms = rnd() < 0.15
              ? "ALL"
              : rnd() < 0.5
              ? pick(PERMISSIONS)
              : PERMISSIONS.filter(() => rnd() < 0.5);
            return [rnd() < 0.6 ? Allow : Deny, pick(PRINCIPALS), perms];
          }),
      );
      const principals = PRINCIPALS.filter((p) => p === Everyone || rnd() < 0.5);
      return { lineage, principals, permission: pick(PERMISSIONS) };
    });
    const child = new Deno.Command(PYTHON, {
      args: [new URL("./fixtures/pyramid_acl.py", import.meta.url).pathname],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(cases)));
    await writer.close();
    const expected: { allowed: boolean; ace: [number, number] | null; by_permission: string[] }[] =
      JSON.parse(new TextDecoder().decode((await child.output()).stdout));
    for (const [i, c] of cases.entries()) {
      // Build the same lineage, with each ACL as an array, a function or an async function.
      let parent: Record<string, unknown> | null = null;
      const nodes: Record<string, unknown>[] = [];
      for (const acl of [...c.lineage].reverse()) {
        const node: Record<string, unknown> = { __name__: `n${nodes.length}`, __parent__: parent };
        if (acl !== null) {
          const aces = acl.map(([a, p, perms]) =>
            [a, p, perms === "ALL" ? ALL_PERMISSIONS : perms] as unknown as ACE
          );
          const kind = rnd();
          node.__acl__ = kind < 0.34 ? aces : kind < 0.67 ? () => aces : async () => aces;
        }
        nodes.unshift(node);
        parent = node;
      }
      const result = await helper.permits(nodes[0], c.principals, c.permission);
      const label = JSON.stringify(c);
      assert.equal(result.allowed, expected[i].allowed, label);
      if (expected[i].ace === null) assert.equal(result.ace, "<default deny>", label);
      else {
        const [where, index] = expected[i].ace!;
        assert.equal(result.context, nodes[where], label);
        assert.equal(result.ace, (result.acl as ACL)[index], label);
      }
      const allowed = await helper.principalsAllowedByPermission(nodes[0], c.permission);
      assert.deepEqual([...allowed].sort(), expected[i].by_permission, label);
    }
  },
});
