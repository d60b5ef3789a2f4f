/**
 * The security benchmark's server: one async JSON view at `/data`, either with no security
 * at all (`plain`), with no security but reading the Cookie header as the AuthTkt policy does,
 * with `request.header("cookie")` (`headers`), or protected by a permission
 * (`secured`: AuthTkt authentication with an
 * async groupfinder, ACL authorization, the view's `permission: "read"`).
 *
 * Started through `server_plain.ts`, `server_headers.ts` and `server_secured.ts` (`PORT`).
 *
 * @module
 */

import {
  ACLAuthorizationPolicy,
  Allow,
  AuthTktAuthenticationPolicy,
  Configurator,
  type PyramidRequest,
} from "@aio/pyramid";
import { listen } from "../http/_listen.ts";

/** The secret both the server and the harness (which makes the cookie) use. */
export const SECRET = "bench-security-secret-of-32-bytes!!";
/** The body `/data` answers. */
export const BODY = { items: [1, 2, 3], ok: true };

const ROOT = { __name__: "", __parent__: null, __acl__: [[Allow, "group:readers", "read"]] };

/** Builds the app for `mode`. */
export async function makeApp(mode: string) {
  const config = new Configurator({
    settings: { "aio.debug": "false" },
    rootFactory: () => ROOT,
  });
  const secured = mode === "secured";
  if (secured) {
    config.setAuthenticationPolicy(
      new AuthTktAuthenticationPolicy(SECRET, {
        // deno-lint-ignore require-await -- an async groupfinder, as real apps have
        callback: async (userid) => userid === "reader" ? ["group:readers"] : null,
      }),
    );
    config.setAuthorizationPolicy(new ACLAuthorizationPolicy());
  }
  config.addRoute("data", "/data");
  const readsHeaders = mode === "headers";
  // deno-lint-ignore require-await -- async is what keeps the view on the event loop
  config.addView(async function data(request: PyramidRequest) {
    if (readsHeaders && request.header("cookie") === null) return { ...BODY, ok: false };
    return BODY;
  }, { routeName: "data", renderer: "json", permission: secured ? "read" : undefined });
  return await config.makeApp();
}

/** Serves the app for `mode` on the port the harness gave (see `../http/_listen.ts`). */
export async function serveMode(mode: "plain" | "headers" | "secured"): Promise<void> {
  const app = await makeApp(mode);
  listen(app.fetch, () => app.close());
}
