// callBlockingWebsocketView(): a blocking websocket view in a real executor worker, talking
// to a DummyBlockingWebsocket on the main isolate.
import {
  type AnyFunction,
  callerModuleUrl,
  Executor,
  locateCallable,
  registerService,
} from "../executor/mod.ts";
import { staticImportsOf } from "../executor/registry.ts";
import type { WebsocketMessage } from "../websocket/connection.ts";
import type { DummyBlockingWebsocket } from "./dummy_blocking_websocket.ts";
import { CLOSE, RECV, SEND } from "./_websocket_worker.ts";

/** Options for {@linkcode callBlockingWebsocketView}. */
export interface CallBlockingWebsocketViewOptions {
  /** Fail (and replace the worker) when the view runs longer (default 30000 ms). */
  timeoutMs?: number;
}

const VIA = {
  moduleUrl: new URL("./_websocket_worker.ts", import.meta.url).href,
  exportName: "runWithRelayedWebsocket",
};

function wsOf(context: unknown): DummyBlockingWebsocket {
  return context as DummyBlockingWebsocket;
}
// Registered on first use (the same handlers every time, so registering again is a no-op).
const relayRecv = (_args: unknown[], call: { context: unknown }) => wsOf(call.context).recv();
const relaySend = (args: unknown[], call: { context: unknown }) =>
  wsOf(call.context).send(args[0] as WebsocketMessage);
const relayClose = (args: unknown[], call: { context: unknown }) => {
  wsOf(call.context).close(args[0] as number, args[1] as string);
};
function registerRelay(): void {
  registerService(RECV, relayRecv);
  registerService(SEND, relaySend);
  registerService(CLOSE, relayClose);
}

/**
 * Runs a blocking (plain-function) websocket view in a real executor worker, as
 * `WebsocketMapper` would: the view's synchronous `ws.recv()`/`ws.send()`/`ws.close()`
 * wait in the worker while `ws` — a {@linkcode DummyBlockingWebsocket} — answers on the
 * main isolate. Resolves when the view returns; rejects with its error. The worker is
 * started for the call and stopped before this resolves.
 *
 * The view must be one a worker can import: an export of a module the calling test module
 * imports, or a `"./views.ts#name"` string resolved against the calling module.
 *
 * @example A blocking echo view in a worker
 * ```ts
 * import { callBlockingWebsocketView, DummyBlockingWebsocket } from "@aio/pyramid/testing";
 * import type { BlockingWebsocket } from "@aio/pyramid";
 *
 * export function echo(ws: BlockingWebsocket): void {
 *   for (let message = ws.recv(); message !== null; message = ws.recv()) ws.send(message);
 * }
 *
 * const ws = new DummyBlockingWebsocket(["one", "two"]);
 * await callBlockingWebsocketView(echo, ws);
 * console.assert(ws.sent.join() === "one,two");
 * ```
 */
export async function callBlockingWebsocketView(
  // deno-lint-ignore no-explicit-any
  view: ((ws: any) => unknown) | string,
  ws: DummyBlockingWebsocket,
  options: CallBlockingWebsocketViewOptions = {},
): Promise<void> {
  registerRelay();
  const caller = callerModuleUrl();
  const target = await locateCallable(view as AnyFunction | string, {
    modules: [caller, ...await staticImportsOf(caller)],
    base: caller,
  });
  const executor = new Executor({ maxWorkers: 1, timeoutMs: options.timeoutMs ?? 30_000 });
  try {
    await executor.run({ target, via: VIA, name: typeof view === "string" ? view : view.name }, {
      context: ws,
    });
  } finally {
    await executor.close();
  }
}
