// Class views get one construction rule everywhere (Pyramid's `requestonly`): the nearest
// constructor in the class chain that declares parameters decides between `(request)` and
// `(context, request)`, so a subclass without its own constructor is built the way its base
// expects — for HTTP views and websocket views alike.
import assert from "node:assert/strict";
import {
  Configurator,
  PyramidRequest,
  WebsocketConnectionView,
  WebsocketMapper,
  type WebsocketMessage,
} from "@aio/pyramid";
import { classTakesRequestOnly } from "../../src/views/call_view.ts";
import { call, withApp } from "../_helpers.ts";
import { Client, withServer } from "../websocket/_helpers.ts";

class Root {
  __name__ = "";
  __parent__ = null;
  label = "the root";
  get(_key: string) {
    return undefined;
  }
}

class Base {
  context: unknown;
  request: PyramidRequest;
  constructor(context: unknown, request: PyramidRequest) {
    this.context = context;
    this.request = request;
  }
}

// No constructor of its own: built with (context, request), as Base expects.
class Inherits extends Base {
  async call() {
    return {
      path: this.request.path,
      context: (this.context as Root).label,
    };
  }
}

class RequestOnly {
  request: PyramidRequest;
  constructor(request: PyramidRequest) {
    this.request = request;
  }
  async call() {
    return { path: this.request.path };
  }
}

// Inherits a one-parameter constructor: built with (request).
class InheritsRequestOnly extends RequestOnly {
  async other() {
    return { other: this.request.path };
  }
}

class NoConstructor {
  async call() {
    return { plain: true };
  }
}

Deno.test("the arity rule walks the class chain to the nearest constructor that declares parameters", () => {
  assert.equal(classTakesRequestOnly(Base), false);
  assert.equal(classTakesRequestOnly(Inherits), false);
  assert.equal(classTakesRequestOnly(RequestOnly), true);
  assert.equal(classTakesRequestOnly(InheritsRequestOnly), true);
  assert.equal(classTakesRequestOnly(NoConstructor), false);
});

Deno.test("HTTP class views: an inherited (context, request) constructor gets both; (request) gets the request", async () => {
  const config = new Configurator({ rootFactory: () => new Root() });
  for (
    const [name, view, attr] of [
      ["inherits", Inherits, undefined],
      ["request-only", RequestOnly, undefined],
      ["inherits-request-only", InheritsRequestOnly, "other"],
      ["no-constructor", NoConstructor, undefined],
    ] as const
  ) {
    config.addRoute(name, `/${name}`);
    config.addView(view, { routeName: name, renderer: "json", attr });
  }
  await withApp(config, async (app) => {
    assert.deepEqual(JSON.parse((await call(app, "/inherits")).text), {
      path: "/inherits",
      context: "the root",
    });
    assert.deepEqual(JSON.parse((await call(app, "/request-only")).text), {
      path: "/request-only",
    });
    assert.deepEqual(JSON.parse((await call(app, "/inherits-request-only")).text), {
      other: "/inherits-request-only",
    });
    assert.deepEqual(JSON.parse((await call(app, "/no-constructor")).text), { plain: true });
  });
});

// A websocket base class with its own (context, request) constructor, and a subclass with none.
class BaseSocket extends WebsocketConnectionView {
  static override viewMapper = WebsocketMapper;
  constructor(context: unknown, request: PyramidRequest) {
    super(context, request);
  }
}
class EchoPath extends BaseSocket {
  override async onMessage(message: WebsocketMessage) {
    const ok = this.request instanceof PyramidRequest && this.context instanceof Root;
    await this.send(`${message} ${ok ? this.request.path : "missing request or context"}`);
  }
}

Deno.test("websocket class views follow the same rule: an inherited constructor gets (context, request)", async () => {
  const config = new Configurator({ rootFactory: () => new Root() });
  config.addRoute("echo", "/echo-path");
  config.addView(EchoPath, { routeName: "echo" });
  await withServer(config, async (running) => {
    const client = await Client.open(running.url("/echo-path"));
    client.send("hi");
    assert.equal(await client.next(), "hi /echo-path");
    await client.close(1000);
  });
});
