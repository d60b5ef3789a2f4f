/**
 * The sessions benchmark app: an async view that reads its session (`/read`), the same view
 * without a session (`/plain`), and `/seed`, which writes the session once.
 *
 * @module
 */

import {
  type App,
  Configurator,
  EncryptedCookieSessionFactory,
  type PyramidRequest,
  RedisSessionFactory,
  type SessionFactory,
  SignedCookieSessionFactory,
} from "@aio/pyramid";

const SECRET = "bench-session-secret-".repeat(4);
// Pyramid's advice: reissue after a tenth of the timeout, so a read is a read.
const OPTIONS = { timeout: 1200, reissueTime: 120 };

function factory(store: string, redisUrl: string | undefined): SessionFactory {
  switch (store) {
    case "signed":
      return SignedCookieSessionFactory(SECRET, OPTIONS);
    case "encrypted":
      return EncryptedCookieSessionFactory(new Uint8Array(32).fill(3), OPTIONS);
    case "redis":
      if (!redisUrl) throw new Error("The redis store needs a REDIS_URL argument.");
      return RedisSessionFactory(redisUrl, { secret: SECRET, ...OPTIONS });
    default:
      throw new Error(`Unknown store '${store}': choose signed, encrypted or redis.`);
  }
}

/** Builds the app for one store (`signed`, `encrypted` or `redis`). */
export async function makeBenchApp(store: string, redisUrl?: string): Promise<App> {
  const config = new Configurator({ settings: { "aio.debug": "false" } });
  config.setSessionFactory(factory(store, redisUrl));
  config.addRoute("plain", "/plain");
  config.addRoute("read", "/read");
  config.addRoute("seed", "/seed");
  // deno-lint-ignore require-await -- async is what keeps the view on the event loop
  config.addView(async function plain() {
    return { user: "ada", visits: 1 };
  }, { routeName: "plain", renderer: "json", requestMethod: "GET" });
  config.addView(async function read(request: PyramidRequest) {
    const session = await request.session;
    return { user: session.get("user"), visits: session.get("visits") };
  }, { routeName: "read", renderer: "json", requestMethod: "GET" });
  config.addView(async function seed(request: PyramidRequest) {
    const session = await request.session;
    session.set("user", "ada");
    session.set("visits", 1);
    session.set("cart", [{ sku: "A-1", qty: 2 }, { sku: "B-7", qty: 1 }]);
    return { seeded: true };
  }, { routeName: "seed", renderer: "json", requestMethod: "GET" });
  return await config.makeApp();
}
