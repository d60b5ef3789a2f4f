/**
 * The views of aiopyramid's websocket tutorial: a home page that waits `?sleep=` seconds
 * without blocking the server, an echo websocket (`async function`), and the same echo as
 * blocking code (a plain function, run in an executor worker).
 *
 * @module
 */

import {
  type BlockingWebsocket,
  HTTPBadRequest,
  type PyramidRequest,
  viewConfig,
  type Websocket,
  WebsocketMapper,
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
 * The home page: waits `?sleep=` seconds (default 0.1) on the event loop — other requests
 * are served meanwhile — then renders a page whose script talks to the echo websocket.
 */
export const home = viewConfig(
  { routeName: "home", renderer: "./templates/home.jinja2" },
  async function home(request: PyramidRequest): Promise<HomeInfo> {
    const raw = String(request.params.get("sleep", "0.1"));
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
      title: "__PROJECT_NAME__ websocket test",
      wait_time,
      echo_path: request.routePath("echo"),
    };
  },
);

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

/**
 * `/echo-blocking`: the same echo as legacy synchronous code. A plain function, so it runs
 * in an executor worker, where `ws.recv()` and `ws.send()` block the worker, not the server.
 */
export function echoBlocking(ws: BlockingWebsocket): void {
  for (let message = ws.recv(); message !== null; message = ws.recv()) ws.send(message);
}
