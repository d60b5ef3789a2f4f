/**
 * Testing helpers. Call a view directly with a {@linkcode DummyRequest}, as aiopyramid's
 * tutorial does (`await home(new DummyRequest())`); a websocket view with a
 * {@linkcode DummyWebsocket} (or, for a blocking one, a {@linkcode DummyBlockingWebsocket}).
 *
 * Blocking views are meant to run in an executor worker, so {@linkcode callView} runs one
 * through a small real app — in a real worker, with the dummy request's params, matchdict
 * and body, and the routes of a {@linkcode testConfig} so `routeUrl` works — and
 * {@linkcode callBlockingWebsocketView} runs a blocking websocket view in a real worker
 * against a `DummyBlockingWebsocket`.
 *
 * @example Unit-testing an async view
 * ```ts
 * import { DummyRequest } from "@aio/pyramid/testing";
 * async function home(request: DummyRequest) {
 *   return { sleep: Number(request.params.get("sleep", "0.1")) };
 * }
 * const info = await home(new DummyRequest({ params: { sleep: "0" } }));
 * console.assert(info.sleep === 0);
 * ```
 *
 * @example Running a blocking view in a real worker
 * ```ts
 * import { callView, DummyRequest, testConfig } from "@aio/pyramid/testing";
 * import type { PyramidRequest } from "@aio/pyramid";
 *
 * export function total(request: PyramidRequest) {
 *   const n = Number(request.params.get("n"));
 *   let sum = 0;
 *   for (let i = 1; i <= n; i++) sum += i;
 *   return { n, sum, home: request.routeUrl("home") };
 * }
 *
 * const config = testConfig({ routes: { home: "/" } });
 * const info = await callView(total, new DummyRequest({ params: { n: "10" } }), { config });
 * console.assert(info.sum === 55 && info.home === "http://example.com/");
 * ```
 *
 * @module
 */

export { DummyRequest, type DummyRequestOptions } from "./dummy_request.ts";
export { DummyResource, type DummyResourceOptions } from "./dummy_resource.ts";
export { testConfig, type TestConfigOptions } from "./test_config.ts";
export { DummyWebsocket } from "./dummy_websocket.ts";
export { DummyBlockingWebsocket } from "./dummy_blocking_websocket.ts";
export { callView, type CallViewOptions } from "./call_view.ts";
export {
  callBlockingWebsocketView,
  type CallBlockingWebsocketViewOptions,
} from "./call_blocking_websocket_view.ts";
