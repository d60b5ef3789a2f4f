/**
 * The security benchmark's second baseline: `/data` with no security, whose view reads the
 * Cookie header (Deno materialises a served request's headers on first access).
 * Usage: `deno run -A bench/security/server_headers.ts PORT`
 *
 * @module
 */
import { serveMode } from "./server.ts";

await serveMode("headers");
