/**
 * The security benchmark's baseline: `/data` with no security configured.
 * Usage: `deno run -A bench/security/server_plain.ts PORT`
 *
 * @module
 */
import { serveMode } from "./server.ts";

await serveMode("plain");
