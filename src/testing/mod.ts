/**
 * Testing helpers: call a view directly with a {@linkcode DummyRequest}, as aiopyramid's
 * tutorial does (`await home(new DummyRequest())`).
 *
 * @example Unit-testing a view
 * ```ts
 * import { DummyRequest } from "@aio/pyramid/testing";
 * async function home(request: DummyRequest) {
 *   return { sleep: Number(request.params.get("sleep", "0.1")) };
 * }
 * const info = await home(new DummyRequest({ params: { sleep: "0" } }));
 * console.assert(info.sleep === 0);
 * ```
 *
 * @module
 */

export { DummyRequest, type DummyRequestOptions } from "./dummy_request.ts";
export { DummyResource, type DummyResourceOptions } from "./dummy_resource.ts";
export { testConfig } from "./test_config.ts";
export { DummyWebsocket } from "./dummy_websocket.ts";
