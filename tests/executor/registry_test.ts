import assert from "node:assert/strict";
import { FIXTURE } from "./_helpers.ts";
import {
  callerModuleUrl,
  definitionSiteOf,
  loadCallable,
  locateCallable,
  recordDefinitionSite,
  resolveReference,
} from "../../src/executor/mod.ts";
import { ConfigurationError } from "../../src/errors.ts";
import { add, double } from "./fixtures/callables.ts";

Deno.test("callerModuleUrl: the first frame outside the framework", () => {
  assert.equal(callerModuleUrl(), import.meta.url);
});

Deno.test("resolveReference: relative to a base, default export when no #", () => {
  assert.deepEqual(resolveReference("./views.ts#home", "file:///app/main.ts"), {
    moduleUrl: "file:///app/views.ts",
    exportName: "home",
  });
  assert.deepEqual(resolveReference("../lib/jobs.ts", "file:///app/sub/main.ts"), {
    moduleUrl: "file:///app/lib/jobs.ts",
    exportName: "default",
  });
  assert.equal(resolveReference("./x.ts#y").moduleUrl, new URL("./x.ts", import.meta.url).href);
});

Deno.test("recordDefinitionSite: the caller's url:line:column, one function per site", () => {
  function view() {}
  const site = recordDefinitionSite(view);
  assert.match(site ?? "", new RegExp(`^${import.meta.url}:\\d+:\\d+$`));
  assert.equal(definitionSiteOf(view), site);
});

Deno.test("recordDefinitionSite: two functions at one site make it ambiguous", async () => {
  const made = [1, 2].map((n) => {
    const fn = () => n;
    recordDefinitionSite(fn);
    return fn;
  });
  const ref = { site: definitionSiteOf(made[0])! };
  await assert.rejects(loadCallable(ref), /Several functions were recorded/);
  await assert.rejects(locateCallable(made[1]), ConfigurationError);
});

Deno.test("locateCallable: by site, by export, by string", async () => {
  assert.deepEqual(await locateCallable(add, { modules: [FIXTURE] }), {
    moduleUrl: FIXTURE,
    exportName: "add",
  });
  assert.deepEqual(await locateCallable("./fixtures/callables.ts#add"), {
    moduleUrl: FIXTURE,
    exportName: "add",
  });
  // `double` is synchronize()d: its wrapper is an export, found by identity.
  assert.deepEqual(await locateCallable(double, { modules: [FIXTURE] }), {
    moduleUrl: FIXTURE,
    exportName: "double",
  });
  assert.equal(await loadCallable({ moduleUrl: FIXTURE, exportName: "add" }), add);
});

Deno.test("locateCallable: an unexported function is a ConfigurationError", async () => {
  await assert.rejects(
    locateCallable(function secret() {}, { modules: [FIXTURE] }),
    (error: Error) =>
      error instanceof ConfigurationError && /cannot locate "secret"/.test(error.message) &&
      error.message.includes(FIXTURE),
  );
});
