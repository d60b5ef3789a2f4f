/**
 * The views of aiopyramid's `aio_websocket` tutorial: a home page that waits `?sleep=`
 * seconds without blocking the server, and an echo websocket in three forms — an
 * `async function`, a `WebsocketConnectionView` class, and a plain (blocking) function.
 *
 * @module
 */

import {
  type BlockingWebsocket,
  HTTPBadRequest,
  type PyramidRequest,
  viewConfig,
  type Websocket,
  WebsocketConnectionView,
  WebsocketMapper,
  type WebsocketMessage,
} from "@aio/pyramid";

/** The longest `?sleep=` the home page honours, in seconds. */
export const MAX_SLEEP = 60;

/** What the home view hands to `templates/home.jinja2`. */
export interface HomeInfo {
  title: string;
  wait_time: number;
  echo_path: string;
}

/**
 * The home page: waits `?sleep=` seconds (default 0.1) on the event loop, then renders a
 * page whose script talks to the echo websocket.
 */
export const home = viewConfig(
  { routeName: "home", renderer: "./templates/home.jinja2" },
  async function home(request: PyramidRequest): Promise<HomeInfo> {
    const raw = request.params.get("sleep", "0.1") as string;
    const wait_time = raw.trim() === "" ? NaN : Number(raw);
    if (!(wait_time >= 0 && wait_time <= MAX_SLEEP)) {
      throw new HTTPBadRequest({
        detail: `sleep must be a number of seconds from 0 to ${MAX_SLEEP}, not ${
          JSON.stringify(raw)
        }.`,
      });
    }
    if (wait_time > 0) await new Promise((resolve) => setTimeout(resolve, wait_time * 1000));
    return {
      title: "aiotutorial websocket test",
      wait_time,
      echo_path: routePathOr(request, "echo", "/echo"),
    };
  },
);

// DummyRequest has no routes, so unit tests get the tutorial's path.
function routePathOr(request: PyramidRequest, name: string, fallback: string): string {
  try {
    return request.routePath(name);
  } catch {
    return fallback;
  }
}

/** `/echo`: sends every message back until the peer closes. */
export const echo = viewConfig(
  { routeName: "echo", mapper: WebsocketMapper },
  async function echo(ws: Websocket): Promise<void> {
    for (;;) {
      const message = await ws.recv();
      if (message === null) break;
      await ws.send(message);
    }
  },
);

/** `/echo-class`: the same echo as a class; `viewMapper` comes from the base class. */
export const EchoWebsocket = viewConfig(
  { routeName: "echo_class" },
  class EchoWebsocket extends WebsocketConnectionView {
    override async onMessage(message: WebsocketMessage): Promise<void> {
      await this.send(message);
    }
  },
);

/**
 * `/echo-blocking`: legacy synchronous code. A plain function, so it runs in the
 * executor, where `ws.recv()` and `ws.send()` block the worker instead of the server.
 * `app.ts` registers it only when `echo.blocking` is on.
 */
export function echoBlocking(ws: BlockingWebsocket): void {
  for (;;) {
    const message = ws.recv();
    if (message === null) break;
    ws.send(message);
  }
}
