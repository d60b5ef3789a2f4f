// Helpers shared by the test suites: build an app around a test, and call it.
import type { App, Configurator } from "@aio/pyramid";

/** Builds the app, runs `fn` with it, and always closes it. */
export async function withApp(
  config: Configurator,
  fn: (app: App) => Promise<void>,
): Promise<void> {
  const app = await config.makeApp();
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}

/** What `call` returns: the status, the body as text, and the headers. */
export interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

/** Sends a request for `path` on http://localhost through `app.fetch`. */
export async function call(app: App, path: string, init?: RequestInit): Promise<Answer> {
  const response = await app.fetch(new Request(`http://localhost${path}`, init));
  return { status: response.status, text: await response.text(), headers: response.headers };
}
