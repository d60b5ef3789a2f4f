/**
 * A chat room served by several server processes (or isolates): each websocket view
 * publishes what its client says on the `chat` channel and forwards everything published
 * there, so clients connected to different processes (or, with
 * `aio.broker.url = redis://…`, different machines) talk to each other.
 *
 * Serve it with `deno task serve examples/chat/development.ini` (two server processes on
 * one port; `server_model = isolates` for two isolates in one process).
 *
 * @module
 */

import {
  type App,
  Configurator,
  publish,
  subscribe,
  viewConfig,
  type Websocket,
  WebsocketMapper,
} from "@aio/pyramid";

/** Identifies the server process or isolate a client is talking to. */
export const ISOLATE = crypto.randomUUID().slice(0, 8);

/** One chat line as it travels on the channel. */
export interface ChatLine {
  /** The isolate the sender is connected to. */
  isolate: string;
  /** What was said. */
  text: string;
}

/** The page. */
export const home = viewConfig(
  { routeName: "home", renderer: "./templates/chat.jinja2" },
  async function home() {
    return { isolate: ISOLATE };
  },
);

/** The chat socket: greet, then relay both ways until the client leaves. */
export const chat = viewConfig(
  { routeName: "chat", mapper: WebsocketMapper },
  async function chat(ws: Websocket) {
    const lines = subscribe<ChatLine>("chat");
    await lines.ready;
    await ws.send(JSON.stringify({ hello: ISOLATE }));
    const forward = (async () => {
      for await (const line of lines) {
        if (ws.closed) break;
        await ws.send(JSON.stringify(line));
      }
    })();
    try {
      for (;;) {
        const message = await ws.recv();
        if (message === null) break;
        const text = typeof message === "string" ? message : new TextDecoder().decode(message);
        await publish("chat", { isolate: ISOLATE, text: text.slice(0, 1000) } satisfies ChatLine);
      }
    } finally {
      await lines.return();
      await forward.catch(() => {});
    }
  },
);

/** Builds the app from `[app:main]` settings. */
export async function main(settings: Record<string, string> = {}): Promise<App> {
  const config = new Configurator({ settings });
  config.addRoute("home", "/");
  config.addRoute("chat", "/chat");
  await config.scan(import.meta.url);
  return await config.makeApp();
}
