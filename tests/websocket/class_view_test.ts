// WebsocketConnectionView: construction, this.ws / this.send, callbacks, static viewMapper.
import assert from "node:assert/strict";
import {
  Configurator,
  PyramidRequest,
  type WebsocketConnection,
  WebsocketConnectionView,
  WebsocketMapper,
  type WebsocketMessage,
} from "@aio/pyramid";
import { captureErrors, Client, eventually, withServer } from "./_helpers.ts";

interface Seen {
  context: unknown;
  request: unknown;
  wsAtOpen: WebsocketConnection | undefined;
  events: string[];
}

function recorder() {
  const all: Seen[] = [];
  // A project-wide base class, as in aiopyramid's `MyWebsocket` with `__view_mapper__`.
  class ProjectWebsocket extends WebsocketConnectionView {
    static override viewMapper = WebsocketMapper;
  }
  class EchoWebsocket extends ProjectWebsocket {
    seen: Seen = { context: this.context, request: this.request, wsAtOpen: undefined, events: [] };
    override async onOpen() {
      all.push(this.seen);
      this.seen.wsAtOpen = this.ws;
      this.seen.events.push("open");
      await this.send("welcome");
    }
    override async onMessage(message: WebsocketMessage) {
      this.seen.events.push(`message:${message}`);
      if (message === "fail") throw new Error("onMessage failed on purpose");
      await this.send(message);
    }
    override onClose() {
      this.seen.events.push("close");
    }
  }
  return { all, EchoWebsocket };
}

class Root {
  __name__ = "";
  __parent__ = null;
  get(_key: string) {
    return undefined;
  }
}

Deno.test("a WebsocketConnectionView is constructed with (context, request) and echoes via this.send", async () => {
  const { all, EchoWebsocket } = recorder();
  const config = new Configurator();
  config.addRoute("echo", "/echo-class/{room}", { factory: () => new Root() });
  // No mapper option: the static viewMapper on the base class is enough.
  config.addView(EchoWebsocket, { routeName: "echo" });
  await withServer(config, async (running) => {
    const client = await Client.open(running.url("/echo-class/lobby"));
    assert.equal(await client.next(), "welcome");
    client.send("one");
    client.send("two");
    assert.equal(await client.next(), "one");
    assert.equal(await client.next(), "two");
    await client.close(1000);
    await eventually(() => all[0]?.events.includes("close"), "onClose ran");
    const [seen] = all;
    assert.ok(seen.context instanceof Root, `context is ${seen.context}`);
    assert.ok(seen.request instanceof PyramidRequest);
    assert.equal((seen.request as PyramidRequest).matchdict.room, "lobby");
    assert.ok(seen.wsAtOpen, "this.ws is set before onOpen");
    assert.deepEqual(seen.events, ["open", "message:one", "message:two", "close"]);
  });
});

Deno.test("onClose runs exactly once when the server ends the connection or onMessage throws", async () => {
  const { all, EchoWebsocket } = recorder();
  const config = new Configurator();
  config.addRoute("echo", "/echo-class");
  config.addView(EchoWebsocket, { routeName: "echo" });
  await captureErrors(async (errors) => {
    await withServer(config, async (running) => {
      const failing = await Client.open(running.url("/echo-class"));
      assert.equal(await failing.next(), "welcome");
      failing.send("fail");
      assert.equal((await failing.whenClosed()).code, 1011);
      await eventually(
        () => errors.some((e) => e.includes("onMessage failed on purpose")),
        "logged",
      );

      const staying = await Client.open(running.url("/echo-class"));
      assert.equal(await staying.next(), "welcome");
      await running.close(); // app.close() ends it from the server side
      assert.equal((await staying.whenClosed()).code, 1001);
    });
  });
  assert.equal(all.length, 2);
  for (const seen of all) {
    assert.equal(seen.events.filter((e) => e === "close").length, 1, seen.events.join());
  }
  assert.deepEqual(all[0].events, ["open", "message:fail", "close"]);
});

Deno.test("onClose runs once even when onOpen throws", async () => {
  let closes = 0;
  class Broken extends WebsocketConnectionView {
    override onOpen() {
      throw new Error("onOpen failed on purpose");
    }
    override onClose() {
      closes++;
    }
  }
  const config = new Configurator();
  config.addRoute("broken", "/broken");
  config.addView(Broken, { routeName: "broken" });
  await captureErrors(async (errors) => {
    await withServer(config, async (running) => {
      const client = await Client.open(running.url("/broken"));
      assert.equal((await client.whenClosed()).code, 1011);
      await eventually(() => errors.some((e) => e.includes("onOpen failed on purpose")), "logged");
    });
  });
  assert.equal(closes, 1);
});

Deno.test("a class view with a one-parameter constructor gets the request", async () => {
  let got: unknown;
  class RequestOnly extends WebsocketConnectionView {
    constructor(request: PyramidRequest) {
      super(undefined, request);
      got = request;
    }
  }
  const config = new Configurator();
  config.addRoute("r", "/r");
  config.addView(RequestOnly, { routeName: "r" });
  await withServer(config, async (running) => {
    const client = await Client.open(running.url("/r"));
    await client.close();
  });
  assert.ok(got instanceof PyramidRequest);
});
