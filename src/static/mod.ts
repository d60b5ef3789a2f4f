/**
 * Static file views: what `config.addStaticView(name, path)` serves.
 *
 * {@linkcode serveStaticFile} maps the rest of a URL below a static view's prefix to a file
 * below the view's directory, refusing every path trick with a 404, and answers with
 * streaming bodies, validators, 304s, byte ranges and `HEAD`.
 *
 * @example Answering a request below a static prefix
 * ```ts
 * import { serveStaticFile } from "@aio/pyramid";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${root}/robots.txt`, "User-agent: *\n");
 * // The router passes the raw (still percent-encoded) rest of the path after "/static/".
 * const request = new Request("http://localhost/static/robots.txt", { method: "HEAD" });
 * const response = await serveStaticFile(request, { root, subpath: "robots.txt" });
 * console.assert(response.headers.get("content-length") === "14");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */

export { serveStaticFile } from "./serve_static_file.ts";
export type { ServeStaticFileOptions } from "./serve_static_file.ts";
