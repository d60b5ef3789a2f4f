// App extensions adding view derivers through their host (`host.addViewDeriver`), with the
// same options and checks as `config.addViewDeriver`, over a real socket.
import assert from "node:assert/strict";
import {
  type AppExtension,
  ConfigurationError,
  Configurator,
  type DerivedView,
  type ViewDeriver,
  type ViewDeriverInfo,
} from "@aio/pyramid";
import { call, withApp } from "./_helpers.ts";

// Marks the responses of views with `stamped: "<text>"` in an `x-stamp` header.
function stampedView(view: DerivedView, info: ViewDeriverInfo): DerivedView {
  const stamp = info.options.stamped;
  if (stamp === undefined) return view;
  if (typeof stamp !== "string") {
    throw new ConfigurationError(`stamped of the view ${info.name} must be a string.`);
  }
  return async function stamped(context, request) {
    const response = await view(context, request);
    response.headers.append("x-chain", "stamped");
    response.headers.set("x-stamp", stamp);
    return response;
  };
}
stampedView.options = ["stamped"] as readonly string[];

function chainLink(name: string): ViewDeriver {
  const deriver: ViewDeriver = (view) => async (context, request) => {
    const response = await view(context, request);
    response.headers.append("x-chain", name);
    return response;
  };
  Object.defineProperty(deriver, "name", { value: name });
  return deriver;
}

function stamping(options: { over?: string; under?: string } = {}): AppExtension {
  return {
    name: "stamping",
    install(host) {
      host.addViewDeriver(stampedView, { name: "stamped_view", ...options });
    },
  };
}

function stampConfig(): Configurator {
  const config = new Configurator();
  config.addRoute("a", "/a");
  config.addView(async () => "a", { routeName: "a", renderer: "string", stamped: "A" });
  config.addRoute("b", "/b");
  config.addView(async () => "b", { routeName: "b", renderer: "string" });
  return config;
}

Deno.test("an extension's deriver wraps every view, reads its own view option, and orders among config's derivers", async () => {
  const config = stampConfig();
  config.addViewDeriver(chainLink("outer"));
  config.addExtension(stamping({ under: "outer" }));
  const app = await config.makeApp();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const a = await fetch(`${base}/a`);
    assert.equal(await a.text(), "a");
    assert.equal(a.headers.get("x-stamp"), "A");
    // Under "outer": closer to the view, so it answers first.
    assert.equal(a.headers.get("x-chain"), "stamped, outer");
    const b = await fetch(`${base}/b`);
    assert.equal(await b.text(), "b");
    assert.equal(b.headers.get("x-stamp"), null);
    assert.equal(b.headers.get("x-chain"), "outer");
  } finally {
    await server.shutdown();
    await app.close();
  }
});

Deno.test("without the extension that declares it, the view option is refused at makeApp()", async () => {
  await assert.rejects(stampConfig().makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /stamped/);
    return true;
  });
});

Deno.test("host.addViewDeriver checks like config.addViewDeriver; what was installed is closed again", async () => {
  const closed: string[] = [];
  const duplicate = stampConfig();
  duplicate.addViewDeriver(stampedView, { name: "stamped_view" });
  duplicate.addExtension({
    name: "closing",
    install(host) {
      host.onClose(() => void closed.push("closing"));
    },
  });
  duplicate.addExtension({ ...stamping(), under: "closing" });
  await assert.rejects(duplicate.makeApp(), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    // Both sites: the configurator's call here and the extension's call, also here.
    assert.match(
      error.message,
      /'stamped_view' was added twice: at .*extension_test\.ts:\d+:\d+ and at .*extension_test\.ts:\d+:\d+/,
    );
    return true;
  });
  assert.deepEqual(closed, ["closing"]);

  const refusals: [ViewDeriver, string | undefined, RegExp][] = [
    [chainLink("rendered_view"), undefined, /'rendered_view' is a built-in view deriver name/],
    [(() => (v: DerivedView) => v)() as ViewDeriver, undefined, /needs a named function/],
    ["not a function" as unknown as ViewDeriver, "x", /takes a function \(view, info\) => view/],
  ];
  for (const [deriver, name, message] of refusals) {
    const config = stampConfig();
    config.addExtension({
      name: "bad",
      install(host) {
        host.addViewDeriver(deriver, name === undefined ? {} : { name });
      },
    });
    await assert.rejects(config.makeApp(), (error: Error) => {
      assert.ok(error instanceof ConfigurationError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }

  // The same views with a well-formed extension make an app that serves.
  const fixed = stampConfig();
  fixed.addExtension(stamping());
  await withApp(fixed, async (app) => {
    const answer = await call(app, "/a");
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-stamp"), "A");
  });
});

Deno.test("an app made twice from one configurator keeps one copy of an extension's deriver", async () => {
  const config = stampConfig();
  let installs = 0;
  config.addExtension({
    name: "once",
    install(host) {
      installs++;
      if (!host.registry.viewDerivers.some((d) => d.name === "stamped_view")) {
        host.addViewDeriver(stampedView, { name: "stamped_view" });
      }
    },
  });
  for (let i = 0; i < 2; i++) {
    await withApp(config, async (app) => {
      assert.equal((await call(app, "/a")).headers.get("x-chain"), "stamped");
    });
  }
  assert.equal(installs, 2);
});
