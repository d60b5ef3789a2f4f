/**
 * The request handler behind `config.addStaticView(name, path)`.
 *
 * What Hono provides and what is ours (hono 4.13): `hono/deno`'s `serveStatic` (a thin wrapper
 * over `hono/serve-static`) only maps a path to `FsFile.readable` plus a `Content-Type`. It
 * sends no `Content-Length`, `ETag`, `Last-Modified` or `Accept-Ranges`, answers no 304, 206
 * or 416, passes other methods to `next()` instead of answering 405, serves a directory's
 * `index.html` without the trailing-slash redirect, and follows symlinks out of the root
 * (no realpath check). It is also middleware bound to a Hono `Context`, and deprecated in
 * favour of `@hono/deno`. Hono's `etag()` hashes whole bodies (see `_conditional.ts`). So the
 * path checks, validators, conditional requests, ranges and streaming are written here;
 * Hono's MIME table (`hono/utils/mime`, the same one `serveStatic` uses) gives `Content-Type`.
 *
 * @module
 */

import { getMimeType } from "@hono/hono/utils/mime";
import { ConfigurationError } from "../errors.ts";
import {
  HTTPMethodNotAllowed,
  HTTPMovedPermanently,
  HTTPNotFound,
  HTTPRequestRangeNotSatisfiable,
} from "../httpexceptions.ts";
import { ifRangeAllows, isNotModified, weakETag } from "./_conditional.ts";
import { fileStream } from "./_file_stream.ts";
import { parseRange } from "./_range.ts";
import { isAbsolutePath, isInside, safeSubpath, SEP } from "./_safe_path.ts";

/** Options for {@linkcode serveStaticFile}. */
export interface ServeStaticFileOptions {
  /** Absolute path of the directory the view serves. */
  root: string;
  /**
   * The still-percent-encoded part of the URL path after the view's prefix, such as
   * `"css/site.css"`; `""` names the root directory itself.
   */
  subpath: string;
  /** When set, `Cache-Control: public, max-age=<seconds>` is sent with files and 304s. */
  cacheMaxAge?: number;
  /** Serve files and directories whose name starts with `.`; default false (404). */
  allowDotfiles?: boolean;
  /** The file served for a directory URL ending in `/`; default `"index.html"`. */
  index?: string;
}

/** The methods a static view answers. */
const ALLOW = "GET, HEAD";

interface Found {
  file: Deno.FsFile;
  info: Deno.FileInfo;
  name: string;
}

/**
 * Serves one file below `options.root` for a static view, safely and with correct HTTP.
 *
 * Any attempt to leave the root answers 404: `..` and `.` segments (also `%2e`-encoded),
 * encoded `/` or `\`, NUL and control characters, double encoding, absolute paths, `:` (drive
 * letters), dotfiles unless `allowDotfiles`, and symlinks whose real path is outside the
 * root's real path. A directory answers its `index.html` when the URL ends in `/`, a 301 that
 * adds the slash when it does not (and the index exists), 404 otherwise.
 *
 * Responses carry `Content-Type` (with `charset=utf-8` for text), `Content-Length`, a weak
 * `ETag` from size and mtime, `Last-Modified`, `Accept-Ranges: bytes` and, with
 * `cacheMaxAge`, `Cache-Control`. `If-None-Match` (which wins) and `If-Modified-Since`
 * answer 304. A single `Range: bytes=…` answers 206 with `Content-Range` (honouring
 * `If-Range`), an unsatisfiable one 416 with a `Content-Range` giving the size; a request for
 * several ranges gets the whole file with 200 (deliberately: see `_range.ts`). `HEAD` gets the
 * headers of `GET` and no body; other methods 405 with `Allow: GET, HEAD`.
 *
 * The body is streamed in 64 KiB chunks, and the file is closed when the body ends, fails,
 * or is cancelled because the client went away. A caller that drops the response without
 * reading or cancelling its body keeps the file open, so always return it or cancel it.
 *
 * @example Serving a file for a static view
 * ```ts
 * import { serveStaticFile } from "@aio/pyramid";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${root}/site.css`, "body { margin: 0 }");
 * const response = await serveStaticFile(new Request("http://localhost/static/site.css"), {
 *   root,
 *   subpath: "site.css",
 *   cacheMaxAge: 3600,
 * });
 * console.assert(response.status === 200);
 * console.assert(response.headers.get("content-type") === "text/css; charset=utf-8");
 * console.assert(await response.text() === "body { margin: 0 }");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @example Path tricks are a plain 404
 * ```ts
 * import { serveStaticFile } from "@aio/pyramid";
 *
 * const root = await Deno.makeTempDir();
 * const response = await serveStaticFile(new Request("http://localhost/static/x"), {
 *   root,
 *   subpath: "%2e%2e/%2e%2e/etc/passwd",
 * });
 * console.assert(response.status === 404);
 * await response.body?.cancel();
 * await Deno.remove(root);
 * ```
 */
export async function serveStaticFile(
  request: Request,
  options: ServeStaticFileOptions,
): Promise<Response> {
  const { root, subpath } = options;
  if (!isAbsolutePath(root)) {
    throw new ConfigurationError(
      `serveStaticFile() needs an absolute root directory, got '${root}'. ` +
        `Resolve it first, e.g. with new URL("./static", import.meta.url).pathname.`,
    );
  }
  const method = request.method;
  const accept = request.headers.get("accept");
  if (method !== "GET" && method !== "HEAD") {
    return new HTTPMethodNotAllowed({
      detail: `A static file answers only ${ALLOW}, not ${method}.`,
      headers: { allow: ALLOW },
    }).toResponse({ accept, method });
  }
  const notFound = () =>
    new HTTPNotFound({ detail: "No such file." }).toResponse({
      accept,
      method,
    });

  const safe = safeSubpath(subpath, { allowDotfiles: options.allowDotfiles });
  if (safe === null) return notFound();
  const rawPath = rawPathname(request.url);
  let realRoot: string;
  try {
    realRoot = await Deno.realPath(root);
  } catch {
    return notFound();
  }

  const candidate = [realRoot, ...safe.segments].join(SEP);
  const target = await openInside(realRoot, candidate);
  if (target === "missing") return notFound();
  let found: Found;
  if (target === "directory") {
    const index = options.index ?? "index.html";
    const indexTarget = await openInside(realRoot, candidate + SEP + index);
    if (indexTarget === "missing" || indexTarget === "directory") {
      return notFound();
    }
    if (!rawPath.endsWith("/")) {
      indexTarget.file.close();
      // Collapse leading slashes so the Location cannot read as a `//host` URL.
      const location = "/" + rawPath.replace(/^[\\/]+/, "") + "/" +
        rawSearch(request.url);
      return new HTTPMovedPermanently({ location }).toResponse({
        accept,
        method,
      });
    }
    found = { ...indexTarget, name: index };
  } else {
    if (rawPath.endsWith("/")) {
      target.file.close();
      return notFound();
    }
    found = { ...target, name: safe.segments[safe.segments.length - 1] };
  }
  return respond(request, found, options);
}

async function respond(
  request: Request,
  found: Found,
  options: ServeStaticFileOptions,
): Promise<Response> {
  const { file, info, name } = found;
  const size = info.size;
  const etag = weakETag(size, info.mtime);
  const headers = new Headers({ etag, "accept-ranges": "bytes" });
  if (info.mtime) headers.set("last-modified", info.mtime.toUTCString());
  if (options.cacheMaxAge !== undefined && Number.isFinite(options.cacheMaxAge)) {
    headers.set(
      "cache-control",
      `public, max-age=${Math.max(0, Math.trunc(options.cacheMaxAge))}`,
    );
  }

  if (isNotModified(request.headers, etag, info.mtime)) {
    file.close();
    return new Response(null, { status: 304, headers });
  }

  // RFC 9110 §14.2: range handling is defined for GET only; HEAD reports the whole file.
  const range = request.method === "GET" && ifRangeAllows(request.headers, info.mtime)
    ? parseRange(request.headers.get("range"), size)
    : null;
  if (range === "unsatisfiable") {
    file.close();
    const lastByte = size - 1;
    return new HTTPRequestRangeNotSatisfiable({
      detail: size === 0
        ? "The file is empty; request it without a Range header."
        : `The file has ${size} bytes; ask for a range within bytes=0-${lastByte}.`,
      headers: { "content-range": `bytes */${size}`, "accept-ranges": "bytes" },
    }).toResponse({
      accept: request.headers.get("accept"),
      method: request.method,
    });
  }
  headers.set("content-type", getMimeType(name) ?? "application/octet-stream");
  headers.set("x-content-type-options", "nosniff");
  if (request.method === "HEAD") {
    file.close();
    headers.set("content-length", String(size));
    return new Response(null, { status: 200, headers });
  }
  if (range !== null) {
    const length = range.end - range.start + 1;
    headers.set("content-length", String(length));
    headers.set("content-range", `bytes ${range.start}-${range.end}/${size}`);
    try {
      await file.seek(range.start, Deno.SeekMode.Start);
    } catch (error) {
      file.close();
      throw error;
    }
    return new Response(fileStream(file, length), {
      status: 206,
      headers,
    });
  }
  headers.set("content-length", String(size));
  return new Response(fileStream(file, size), { status: 200, headers });
}

/**
 * Opens `path` if its real path lies inside `realRoot` and it is a regular file, or reports
 * a directory. Special files (FIFOs, devices, sockets) are "missing": opening a FIFO would
 * block until a writer appears.
 */
async function openInside(
  realRoot: string,
  path: string,
): Promise<
  { file: Deno.FsFile; info: Deno.FileInfo } | "directory" | "missing"
> {
  let real: string;
  try {
    real = await Deno.realPath(path);
  } catch {
    // Not found, a file used as a directory, a symlink loop, a name too long: all 404.
    return "missing";
  }
  if (!isInside(realRoot, real)) return "missing";
  let before: Deno.FileInfo;
  try {
    before = await Deno.stat(real);
  } catch {
    return "missing";
  }
  if (before.isDirectory) return "directory";
  if (!before.isFile) return "missing";
  let file: Deno.FsFile;
  try {
    file = await Deno.open(real, { read: true });
  } catch {
    return "missing";
  }
  try {
    // Size and mtime from the open handle, so headers describe the bytes we will send even
    // if the path is swapped between the checks and the open.
    const info = await file.stat();
    if (!info.isFile) {
      file.close();
      return "missing";
    }
    return { file, info };
  } catch {
    file.close();
    return "missing";
  }
}

/**
 * The path of a request URL exactly as the client sent it. `new URL()` would resolve `..`
 * and `%2e%2e` segments, and Deno keeps `request.url` raw, so it is sliced by hand.
 */
function rawPathname(url: string): string {
  const afterScheme = url.indexOf("://");
  const pathStart = url.indexOf("/", afterScheme < 0 ? 0 : afterScheme + 3);
  if (pathStart < 0) return "/";
  const end = url.slice(pathStart).search(/[?#]/);
  return end < 0 ? url.slice(pathStart) : url.slice(pathStart, pathStart + end);
}

function rawSearch(url: string): string {
  const query = url.indexOf("?");
  if (query < 0) return "";
  const hash = url.indexOf("#", query);
  return hash < 0 ? url.slice(query) : url.slice(query, hash);
}
