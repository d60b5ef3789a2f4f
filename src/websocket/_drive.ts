// Running a websocket view against a connection: function views get `ws`; class views
// are constructed with (context, request) and driven through onOpen/onMessage/onClose.
import { isClass } from "../is_async.ts";
import { constructView } from "../views/call_view.ts";
import type { WebsocketConnection, WebsocketMessage } from "./connection.ts";

interface CallbackView {
  ws: WebsocketConnection;
  onOpen?(): unknown;
  onMessage?(message: WebsocketMessage): unknown;
  onClose?(): unknown;
}

/** Runs a view to completion; resolves when it returns, rejects when it throws. */
export async function driveView(
  view: unknown,
  ws: WebsocketConnection,
  context: unknown,
  request: unknown,
): Promise<void> {
  if (!isClass(view)) {
    await (view as (ws: WebsocketConnection) => unknown)(ws);
    return;
  }
  const instance = constructView(view, context, request) as CallbackView;
  instance.ws = ws;
  try {
    await instance.onOpen?.();
    for (;;) {
      const message = await ws.recv();
      if (message === null) break;
      await instance.onMessage?.(message);
    }
  } finally {
    await instance.onClose?.();
  }
}
