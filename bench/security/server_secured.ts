/**
 * The security benchmark's protected server: `/data` requires the permission `read`.
 * Usage: `deno run -A bench/security/server_secured.ts PORT`
 *
 * @module
 */
import { serveMode } from "./server.ts";

await serveMode("secured");
