// Route predicates, view predicates, tweens and subscribers see the upgrade request.
import assert from "node:assert/strict";
import {
  type Handler,
  HTTPForbidden,
  NewResponse,
  type PyramidRequest,
  type WebsocketConnection,
  WebsocketMapper,
} from "@aio/pyramid";
import { assertEchoes, Client, echoConfig, handshake, rawRequest, withServer } from "./_helpers.ts";

Deno.test("a tween that rejects with 403 before the upgrade stops it", async () => {
  const config = echoConfig();
  const seen: string[] = [];
  config.addTween(function guardFactory(handler: Handler): Handler {
    return async function guard(request: PyramidRequest) {
      seen.push(`${request.path} ${request.headers.get("upgrade")}`);
      if (request.params.get("token") !== "secret") {
        throw new HTTPForbidden({ detail: "No token." });
      }
      return await handler(request);
    };
  });
  await withServer(config, async (running) => {
    const refused = await rawRequest(running.port, handshake("/echo", running.port));
    assert.equal(refused.status, 403);
    await assert.rejects(Client.open(running.url("/echo")), /closed before open/);

    const client = await Client.open(running.url("/echo?token=secret"));
    client.send("let in");
    assert.equal(await client.next(), "let in");
    await client.close();
  });
  assert.deepEqual(seen, ["/echo websocket", "/echo websocket", "/echo websocket"]);
});

Deno.test("tweens and NewResponse subscribers that add headers leave the 101 working", async () => {
  const config = echoConfig();
  config.addTween(function headerFactory(handler: Handler): Handler {
    return async function addHeader(request: PyramidRequest) {
      const response = await handler(request);
      response.headers.set("x-tween", "yes"); // Deno 2.9: a 101's headers are mutable
      return response;
    };
  });
  config.addSubscriber((event: NewResponse) => {
    event.response.headers.set("x-subscriber", "yes");
  }, NewResponse);
  config.addTween(function wrapFactory(handler: Handler): Handler {
    return async function wrapResponse(request: PyramidRequest) {
      const response = await handler(request);
      // A careless tween rebuilding the response must not break the upgrade either way.
      return response.status === 101 ? response : new Response(response.body, response);
    };
  }, { name: "wrap" });
  await withServer(config, async (running) => {
    const raw = await rawRequest(running.port, handshake("/echo", running.port));
    assert.equal(raw.status, 101, raw.head);
    assert.match(raw.head, /\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i);
    assert.match(raw.head, /\r\nx-tween: yes/i);
    assert.match(raw.head, /\r\nx-subscriber: yes/i);
    await assertEchoes(running, "through tweens");
    const http = await fetch(`http://127.0.0.1:${running.port}/echo`);
    assert.equal(http.status, 400);
    assert.equal(http.headers.get("x-tween"), "yes");
    await http.body?.cancel();
  });
});

Deno.test("route and view predicates apply to the upgrade request", async () => {
  const config = echoConfig();
  config.addRoute("room", "/rooms/{id:\\d+}", { header: { "x-room-key": /^k-/ } });
  config.addView(async function room(ws: WebsocketConnection) {
    await ws.send("in the room");
  }, { routeName: "room", mapper: WebsocketMapper, requestParam: "name" });
  const key = "X-Room-Key: k-1\r\n";
  await withServer(config, async (running) => {
    const status = async (path: string, extra = "") =>
      (await rawRequest(running.port, handshake(path, running.port, extra))).status;
    assert.equal(await status("/rooms/1?name=a"), 404, "route header predicate fails");
    assert.equal(
      await status("/rooms/1?name=a", "X-Room-Key: nope\r\n"),
      404,
      "header value fails",
    );
    assert.equal(await status("/rooms/x?name=a", key), 404, "pattern fails");
    assert.equal(await status("/rooms/1", key), 404, "view requestParam predicate fails");
    assert.equal(await status("/rooms/1?name=a", key), 101, "everything matches");
    await assertEchoes(running);
  });
});
