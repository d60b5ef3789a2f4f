/**
 * The security benchmark's second baseline: `/data` with no security, whose view reads the
 * Cookie header with `request.header("cookie")`, as the AuthTkt policy reads it.
 * Usage: `deno run -A bench/security/server_headers.ts PORT`
 *
 * @module
 */
import { serveMode } from "./server.ts";

await serveMode("headers");
